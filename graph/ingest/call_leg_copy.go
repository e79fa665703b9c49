package ingest

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/lib/pq"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/callleg"
	"github.com/partnerhub/partnerhub-api/ent/storage"
)

// On PostgreSQL, legs are written with COPY into a session's temporary staging table, then
// one INSERT … SELECT moves them, skipping through the unique index on partner and leg ID
// those whose leg ID the partner has stored already; the batch then looks up the owners of
// the few it skipped (a leg ID of another customer is a conflict), rather than looking up
// every leg ID first. A NOT EXISTS filter instead would have the planner hash-join the
// whole table of legs against the unanalysed staging table, for every batch. COPY streams
// the rows without binding a parameter per value: a batch of legs is one statement. The
// legs go in in leg ID order: transactions storing legs at once wait for each other's
// leg IDs, if ever, in one order.

// stagingTable receives a batch's legs; it empties itself at commit.
const stagingTable = "call_leg_staging"

// copyColumns are the leg columns written, all but the generated ID.
var copyColumns = callleg.Columns[1:]

// copyLegs stores rows of partnerID through COPY in sqlTx, the batch's transaction, and
// returns the legs stored, with their IDs.
func copyLegs(ctx context.Context, sqlTx *sql.Tx, partnerID int, rows []*ent.CallLegCreate) ([]*ent.CallLeg, error) {
	cols := strings.Join(copyColumns, ", ")
	byLegID := make(map[string]*ent.CallLegMutation, len(rows))
	values := make([]any, len(copyColumns))
	err := storage.Stage(ctx, sqlTx, stagingTable, callleg.Table, copyColumns, func(put func(...any) error) error {
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
			id, _ := m.LegID()
			byLegID[id] = m
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	res, err := sqlTx.QueryContext(ctx, fmt.Sprintf(`INSERT INTO %[1]s (%[2]s) SELECT %[2]s FROM %[3]s ORDER BY %[5]s
		ON CONFLICT (%[4]s, %[5]s) DO NOTHING RETURNING %[6]s, %[5]s`,
		callleg.Table, cols, stagingTable, callleg.FieldPartnerID, callleg.FieldLegID, callleg.FieldID))
	if err != nil {
		return nil, fmt.Errorf("move the staged legs: %w", err)
	}
	defer res.Close()
	var out []*ent.CallLeg
	for res.Next() {
		var id int
		var legID string
		if err := res.Scan(&id, &legID); err != nil {
			return nil, fmt.Errorf("read a stored leg: %w", err)
		}
		out = append(out, storedLeg(id, partnerID, byLegID[legID]))
	}
	if err := res.Err(); err != nil {
		return nil, fmt.Errorf("move the staged legs: %w", err)
	}
	return out, nil
}

// storedLeg is the leg m created, with its ID.
func storedLeg(id, partnerID int, m *ent.CallLegMutation) *ent.CallLeg {
	l := &ent.CallLeg{ID: id, PartnerID: partnerID}
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
func storedLegIDs(ctx context.Context, sqlTx *sql.Tx, partnerID int, legIDs []string) (map[string]int, error) {
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
