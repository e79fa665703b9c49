package calling

import (
	"context"
	"fmt"
	"slices"

	"entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/callingday"
	"github.com/partnerhub/partnerhub-api/ent/callinguserweek"
	"github.com/partnerhub/partnerhub-api/ent/storage"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

// upsertChunk bounds the rows of one upsert statement: about 1 000 parameters, far under
// either database's limit and faster to bind and plan than larger statements.
const upsertChunk = 25

// Apply adds the change to the stored day and user-week rollups in tx (rows missing are
// created, rows present get the change added to their counters; on PostgreSQL within an
// ingest, see applyStaged), then sets the week rollups it touched anew from them.
func Apply(ctx context.Context, tx *ent.Tx, d *Delta) error {
	d.Prune()
	partnerID := viewer.FromContext(ctx).PartnerID
	var x Execer = tx
	if sqlTx := storage.PostgresTx(ctx); sqlTx != nil {
		if err := applyStaged(ctx, sqlTx, partnerID, d); err != nil {
			return err
		}
		x = sqlTx
	} else if err := applyRows(ctx, tx, d); err != nil {
		return err
	}
	ids, from, to, ok := d.weekSpan()
	if !ok {
		return nil
	}
	return RefreshWeeks(ctx, x, partnerID, ids, from, to)
}

// applyRows adds the change to the day and user-week rollups with ent's upserts.
func applyRows(ctx context.Context, tx *ent.Tx, d *Delta) error {
	days := d.SortedDays()
	for part := range slices.Chunk(days, upsertChunk) {
		rows := make([]*ent.CallingDayCreate, len(part))
		for i, k := range part {
			rows[i] = tx.CallingDay.Create().SetCustomerID(k.CustomerID).SetLocationID(k.LocationID).SetQueueID(k.QueueID).
				SetDay(int(k.Day)).SetWeek(int(k.Day.Week()))
			for j, col := range Counters {
				if err := rows[i].Mutation().SetField(col, d.Days[k][j]); err != nil {
					return fmt.Errorf("day rollup %s: %w", col, err)
				}
			}
		}
		err := tx.CallingDay.CreateBulk(rows...).
			OnConflict(sql.ConflictColumns(callingday.FieldCustomerID, callingday.FieldLocationID, callingday.FieldQueueID, callingday.FieldDay),
				sql.ResolveWith(addExcluded(Counters))).Exec(ctx)
		if err != nil {
			return fmt.Errorf("add to %d day rollups: %w", len(rows), err)
		}
	}
	users := d.SortedUsers()
	for part := range slices.Chunk(users, upsertChunk) {
		rows := make([]*ent.CallingUserWeekCreate, len(part))
		for i, k := range part {
			rows[i] = tx.CallingUserWeek.Create().SetCustomerID(k.CustomerID).SetUserID(k.UserID).
				SetWeek(int(k.Week)).SetCalls(d.Users[k])
		}
		err := tx.CallingUserWeek.CreateBulk(rows...).
			OnConflict(sql.ConflictColumns(callinguserweek.FieldCustomerID, callinguserweek.FieldUserID, callinguserweek.FieldWeek),
				sql.ResolveWith(addExcluded([]string{callinguserweek.FieldCalls}))).Exec(ctx)
		if err != nil {
			return fmt.Errorf("add to %d user-week rollups: %w", len(rows), err)
		}
	}
	return nil
}

// addExcluded sets each column to its stored value plus the value the insert proposed.
func addExcluded(cols []string) func(*sql.UpdateSet) {
	return func(u *sql.UpdateSet) {
		excluded := sql.Dialect(u.Dialect()).Table("excluded")
		for _, c := range cols {
			u.Set(c, sql.Expr(u.Table().C(c)+" + "+excluded.C(c)))
		}
	}
}
