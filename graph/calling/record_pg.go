package calling

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/lib/pq"

	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/storage"
)

// On PostgreSQL, the earlier legs of a batch's calls are read in one statement that joins
// the (customer, call ID) pairs, passed as two arrays, to the index on customer and call
// ID, one index scan per call (OFFSET 0 keeps the planner from merge-joining the whole
// table instead, as it does for a plain join). Lists of customers and of call IDs
// (customer IN (…) AND call_id IN (…)) would have the index probed for every combination
// of the two lists.

// earlierLegs returns, by call, the legs stored before this batch of the calls named in
// keys (fresh: the leg IDs of the legs the batch stored).
func earlierLegs(ctx context.Context, sqlTx *storage.SQLTx, keys []callKey, fresh map[string]bool) (map[callKey][]Leg, error) {
	custs, ids := make([]int64, len(keys)), make([]string, len(keys))
	for i, k := range keys {
		custs[i], ids[i] = int64(k.customerID), k.callID
	}
	rows, err := sqlTx.QueryContext(ctx, `SELECT l.customer_id, l.call_id, l.leg_id, l.location_id, l.queue_id, l.user_id,
		l.started_at, l.duration_seconds, l.media, l.endpoint_type, l.jitter_ms, l.latency_ms, l.packet_loss_pct,
		l.feature, l.queue_outcome, l.wait_seconds
		FROM unnest($1::bigint[], $2::text[]) AS k(customer_id, call_id)
		CROSS JOIN LATERAL (SELECT * FROM call_legs l WHERE l.customer_id = k.customer_id AND l.call_id = k.call_id OFFSET 0) l`,
		pq.Array(custs), pq.Array(ids))
	if err != nil {
		return nil, fmt.Errorf("read the earlier legs of %d calls: %w", len(keys), err)
	}
	defer rows.Close()
	out := map[callKey][]Leg{}
	for rows.Next() {
		var (
			k                        callKey
			l                        Leg
			loc, queue, wait         sql.NullInt64
			jitter, latency, loss    sql.NullFloat64
			media, endpoint, feature string
			outcome                  sql.NullString
			started                  time.Time
		)
		if err := rows.Scan(&k.customerID, &k.callID, &l.LegID, &loc, &queue, &l.UserID, &started, &l.Seconds,
			&media, &endpoint, &jitter, &latency, &loss, &feature, &outcome, &wait); err != nil {
			return nil, fmt.Errorf("read an earlier leg: %w", err)
		}
		if fresh[l.LegID] {
			continue
		}
		l.CustomerID, l.LocationID, l.QueueID, l.StartedAt = k.customerID, int(loc.Int64), int(queue.Int64), started.UTC()
		l.Media, l.Endpoint, l.Feature, l.Wait = enum.Media(media), enum.EndpointType(endpoint), enum.CallFeature(feature), int(wait.Int64)
		if jitter.Valid && latency.Valid && loss.Valid {
			l.Metrics = &Metrics{JitterMs: jitter.Float64, LatencyMs: latency.Float64, PacketLossPercent: loss.Float64}
		}
		if outcome.Valid {
			o := enum.QueueOutcome(outcome.String)
			l.Outcome = &o
		}
		out[k] = append(out[k], l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the earlier legs of %d calls: %w", len(keys), err)
	}
	return out, nil
}
