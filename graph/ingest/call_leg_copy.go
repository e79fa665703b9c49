package ingest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/lib/pq"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/callleg"
	"github.com/partnerhub/partnerhub-api/ent/storage"
)

// On PostgreSQL, legs whose IDs the batch found unknown are written with one COPY straight
// into their table, in leg ID order (of their bytes, whatever the database's collation):
// transactions storing legs at once wait for each other's leg IDs, if ever, in one order.
// Should another transaction have stored one of them since (the unique index on partner
// and leg ID refuses the COPY), the batch goes back to a savepoint and writes them the slow
// way: COPY into a session's temporary staging table, then one INSERT … SELECT that skips
// through that index those stored meanwhile, whose owners the batch then looks up (a leg
// ID of another customer is a conflict). COPY streams the rows without binding a parameter
// per value; the staged INSERT … ON CONFLICT costs about as much again as the COPY. The
// lookup of the batch's leg IDs first costs a batch of new legs little more than going
// without: it reads the index pages the COPY then writes.

// stagingTable receives a batch's legs on the slow way; it empties itself at commit.
const stagingTable = "call_leg_staging"

// copyColumns are the leg columns written, all but the generated ID.
var copyColumns = callleg.Columns[1:]

// copyLegs stores rows of partnerID through COPY in sqlTx, the batch's transaction, and
// returns the legs stored (without their IDs).
func copyLegs(ctx context.Context, sqlTx *storage.SQLTx, partnerID int, rows []*ent.CallLegCreate) ([]*ent.CallLeg, error) {
	slices.SortFunc(rows, func(a, b *ent.CallLegCreate) int {
		x, _ := a.Mutation().LegID()
		y, _ := b.Mutation().LegID()
		return strings.Compare(x, y)
	})
	if _, err := sqlTx.ExecContext(ctx, "SAVEPOINT copy_legs"); err != nil {
		return nil, fmt.Errorf("copy the legs: %w", err)
	}
	err := storage.Copy(ctx, sqlTx, callleg.Table, copyColumns, putLegs(partnerID, rows))
	var pqErr *pq.Error
	switch {
	case err == nil:
		if _, err := sqlTx.ExecContext(ctx, "RELEASE SAVEPOINT copy_legs"); err != nil {
			return nil, fmt.Errorf("copy the legs: %w", err)
		}
		out := make([]*ent.CallLeg, len(rows))
		for i, r := range rows {
			out[i] = storedLeg(partnerID, r.Mutation())
		}
		return out, nil
	case !errors.As(err, &pqErr) || pqErr.Code != uniqueViolation:
		return nil, err
	}
	if _, err := sqlTx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT copy_legs"); err != nil {
		return nil, fmt.Errorf("copy the legs: %w", err)
	}
	return stageLegs(ctx, sqlTx, partnerID, rows)
}

// uniqueViolation is PostgreSQL's error code of a duplicate key.
const uniqueViolation = "23505"

// putLegs puts rows, of partnerID, as the values of copyColumns.
func putLegs(partnerID int, rows []*ent.CallLegCreate) func(put func(...any) error) error {
	return func(put func(...any) error) error {
		values := make([]any, len(copyColumns))
		for _, r := range rows {
			m := r.Mutation()
			for i, col := range copyColumns {
				if col == callleg.FieldPartnerID {
					values[i] = partnerID
					continue
				}
				v, ok := m.Field(col)
				if !ok {
					v = nil
				}
				values[i] = v
			}
			if err := put(values...); err != nil {
				return err
			}
		}
		return nil
	}
}

// stageLegs stores rows (in leg ID order) through the staging table, skipping the leg IDs
// stored meanwhile, and returns the legs stored.
func stageLegs(ctx context.Context, sqlTx *storage.SQLTx, partnerID int, rows []*ent.CallLegCreate) ([]*ent.CallLeg, error) {
	byLegID := make(map[string]*ent.CallLegMutation, len(rows))
	for _, r := range rows {
		id, _ := r.Mutation().LegID()
		byLegID[id] = r.Mutation()
	}
	if err := storage.Stage(ctx, sqlTx, stagingTable, callleg.Table, copyColumns, putLegs(partnerID, rows)); err != nil {
		return nil, err
	}
	cols := strings.Join(copyColumns, ", ")
	res, err := sqlTx.QueryContext(ctx, fmt.Sprintf(`INSERT INTO %[1]s (%[2]s) SELECT %[2]s FROM %[3]s ORDER BY %[5]s COLLATE "C"
		ON CONFLICT (%[4]s, %[5]s) DO NOTHING RETURNING %[5]s`,
		callleg.Table, cols, stagingTable, callleg.FieldPartnerID, callleg.FieldLegID))
	if err != nil {
		return nil, fmt.Errorf("move the staged legs: %w", err)
	}
	defer res.Close()
	var out []*ent.CallLeg
	for res.Next() {
		var legID string
		if err := res.Scan(&legID); err != nil {
			return nil, fmt.Errorf("read a stored leg: %w", err)
		}
		out = append(out, storedLeg(partnerID, byLegID[legID]))
	}
	if err := res.Err(); err != nil {
		return nil, fmt.Errorf("move the staged legs: %w", err)
	}
	return out, nil
}

// storedLeg is the leg m created, without its ID.
func storedLeg(partnerID int, m *ent.CallLegMutation) *ent.CallLeg {
	l := &ent.CallLeg{PartnerID: partnerID}
	l.CustomerID, _ = m.CustomerID()
	l.LegID, _ = m.LegID()
	l.CallID, _ = m.CallID()
	l.UserID, _ = m.UserID()
	l.StartedAt, _ = m.StartedAt()
	l.DurationSeconds, _ = m.DurationSeconds()
	l.Direction, _ = m.Direction()
	l.Media, _ = m.Media()
	l.EndpointType, _ = m.EndpointType()
	l.Feature, _ = m.Feature()
	if v, ok := m.LocationID(); ok {
		l.LocationID = &v
	}
	if v, ok := m.JitterMs(); ok {
		l.JitterMs = &v
	}
	if v, ok := m.LatencyMs(); ok {
		l.LatencyMs = &v
	}
	if v, ok := m.PacketLossPct(); ok {
		l.PacketLossPct = &v
	}
	if v, ok := m.QueueID(); ok {
		l.QueueID = &v
	}
	if v, ok := m.QueueOutcome(); ok {
		l.QueueOutcome = &v
	}
	if v, ok := m.WaitSeconds(); ok {
		l.WaitSeconds = &v
	}
	return l
}

// storedLegIDs returns the customer of each of legIDs already stored for partnerID, in one
// statement.
func storedLegIDs(ctx context.Context, sqlTx *storage.SQLTx, partnerID int, legIDs []string) (map[string]int, error) {
	rows, err := sqlTx.QueryContext(ctx, fmt.Sprintf("SELECT %[1]s, %[2]s FROM %[3]s WHERE %[4]s = $1 AND %[1]s = ANY($2::text[])",
		callleg.FieldLegID, callleg.FieldCustomerID, callleg.Table, callleg.FieldPartnerID), partnerID, pq.Array(legIDs))
	if err != nil {
		return nil, fmt.Errorf("look up %d leg IDs: %w", len(legIDs), err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var legID string
		var customerID int
		if err := rows.Scan(&legID, &customerID); err != nil {
			return nil, fmt.Errorf("look up leg IDs: %w", err)
		}
		out[legID] = customerID
	}
	return out, rows.Err()
}
