package calling

import (
	"context"
	"fmt"
	"slices"

	"entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/callingday"
	"github.com/partnerhub/partnerhub-api/ent/callinguserweek"
	"github.com/partnerhub/partnerhub-api/ent/callingweek"
	"github.com/partnerhub/partnerhub-api/ent/storage"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

// upsertChunk bounds the rows of one upsert statement: about 1 000 parameters, far under
// either database's limit and faster to bind and plan than larger statements.
const upsertChunk = 25

// Apply adds the change to the stored rollups in tx: rows missing are created, rows
// present get the change added to their counters (on PostgreSQL within an ingest, in one
// statement per rollup: see applyArrays). The week rollups get the change that goes with it
// (see weekChange), and the partner's calling weeks that of its customers with Calling.
func Apply(ctx context.Context, tx *ent.Tx, d *Delta) error {
	d.Prune()
	partnerID := viewer.FromContext(ctx).PartnerID
	var weeks map[WeekKey]*WeekCounts
	var err error
	if sqlTx := storage.PostgresTx(ctx); sqlTx != nil {
		weeks, err = applyArrays(ctx, sqlTx, partnerID, d)
	} else {
		weeks, err = applyRows(ctx, tx, d)
	}
	if err != nil {
		return err
	}
	return addPartnerWeeks(ctx, tx, partnerID, weeks)
}

// applyRows adds the change to the rollups with ent's upserts, having read the calls of
// its user-weeks before it, and returns the change of the week rollups.
func applyRows(ctx context.Context, tx *ent.Tx, d *Delta) (map[WeekKey]*WeekCounts, error) {
	days := d.SortedDays()
	for part := range slices.Chunk(days, upsertChunk) {
		rows := make([]*ent.CallingDayCreate, len(part))
		for i, k := range part {
			rows[i] = tx.CallingDay.Create().SetCustomerID(k.CustomerID).SetLocationID(k.LocationID).SetQueueID(k.QueueID).
				SetDay(int(k.Day)).SetWeek(int(k.Day.Week()))
			for j, col := range Counters {
				if err := rows[i].Mutation().SetField(col, d.Days[k][j]); err != nil {
					return nil, fmt.Errorf("day rollup %s: %w", col, err)
				}
			}
		}
		err := tx.CallingDay.CreateBulk(rows...).
			OnConflict(sql.ConflictColumns(callingday.FieldCustomerID, callingday.FieldLocationID, callingday.FieldQueueID, callingday.FieldDay),
				sql.ResolveWith(addExcluded(Counters))).Exec(ctx)
		if err != nil {
			return nil, fmt.Errorf("add to %d day rollups: %w", len(rows), err)
		}
	}
	users := d.SortedUsers()
	after, err := userCalls(ctx, tx, users)
	if err != nil {
		return nil, err
	}
	for k, n := range d.Users {
		after[k] += n
	}
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
			return nil, fmt.Errorf("add to %d user-week rollups: %w", len(rows), err)
		}
	}
	weeks := d.weekChange(after)
	for part := range slices.Chunk(sortedWeeks(weeks), upsertChunk) {
		rows := make([]*ent.CallingWeekCreate, len(part))
		for i, k := range part {
			rows[i] = tx.CallingWeek.Create().SetCustomerID(k.CustomerID).SetWeek(int(k.Week))
			for j, col := range weekCounters {
				if err := rows[i].Mutation().SetField(col, weeks[k][j]); err != nil {
					return nil, fmt.Errorf("week rollup %s: %w", col, err)
				}
			}
		}
		err := tx.CallingWeek.CreateBulk(rows...).
			OnConflict(sql.ConflictColumns(callingweek.FieldCustomerID, callingweek.FieldWeek), sql.ResolveWith(addExcluded(weekCounters))).Exec(ctx)
		if err != nil {
			return nil, fmt.Errorf("add to %d week rollups: %w", len(rows), err)
		}
	}
	return weeks, nil
}

// weekCounters are the columns of WeekCounts, in its order.
var weekCounters = append(append([]string{}, Counters...), UserCounters...)

// userCalls returns the calls stored of the user-weeks keys (sorted), read in chunks.
func userCalls(ctx context.Context, tx *ent.Tx, keys []UserWeekKey) (map[UserWeekKey]int64, error) {
	out := make(map[UserWeekKey]int64, len(keys))
	want := make(map[UserWeekKey]bool, len(keys))
	for _, k := range keys {
		want[k] = true
	}
	for part := range slices.Chunk(keys, upsertChunk) {
		custs, users, weeks := make([]int, len(part)), make([]string, len(part)), make([]int, len(part))
		for i, k := range part {
			custs[i], users[i], weeks[i] = k.CustomerID, k.UserID, int(k.Week)
		}
		rows, err := tx.CallingUserWeek.Query().Where(callinguserweek.CustomerIDIn(custs...), callinguserweek.UserIDIn(users...),
			callinguserweek.WeekIn(weeks...)).All(ctx)
		if err != nil {
			return nil, fmt.Errorf("read %d user-week rollups: %w", len(part), err)
		}
		for _, r := range rows {
			if k := (UserWeekKey{r.CustomerID, r.UserID, Day(r.Week)}); want[k] {
				out[k] = r.Calls
			}
		}
	}
	return out, nil
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
