package calling

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/partnerhub/partnerhub-api/ent/callingday"
	"github.com/partnerhub/partnerhub-api/ent/callinguserweek"
	"github.com/partnerhub/partnerhub-api/ent/storage"
)

// On PostgreSQL, inside an ingest's transaction, a change of the rollups goes through COPY
// into staging tables and one upsert per rollup, in key order (so that concurrent writers
// lock rows in the same order), rather than an upsert statement per few rows.

var (
	dayKeyColumns  = []string{callingday.FieldPartnerID, callingday.FieldCustomerID, callingday.FieldLocationID, callingday.FieldQueueID, callingday.FieldDay, callingday.FieldWeek}
	dayColumns     = append(append([]string{}, dayKeyColumns...), Counters...)
	userKeyColumns = []string{callinguserweek.FieldPartnerID, callinguserweek.FieldCustomerID, callinguserweek.FieldUserID, callinguserweek.FieldWeek}
	userColumns    = append(append([]string{}, userKeyColumns...), callinguserweek.FieldCalls)
)

// applyStaged adds d, of partnerID, to the rollups through sqlTx.
func applyStaged(ctx context.Context, sqlTx *sql.Tx, partnerID int, d *Delta) error {
	days := d.SortedDays()
	if len(days) > 0 {
		err := storage.Stage(ctx, sqlTx, "calling_day_delta", callingday.Table, dayColumns, func(put func(...any) error) error {
			values := make([]any, len(dayColumns))
			for _, k := range days {
				values[0], values[1], values[2], values[3], values[4], values[5] = partnerID, k.CustomerID, k.LocationID, k.QueueID, int(k.Day), int(k.Day.Week())
				for i, n := range d.Days[k] {
					values[len(dayKeyColumns)+i] = n
				}
				if err := put(values...); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		if err := upsertStaged(ctx, sqlTx, callingday.Table, "calling_day_delta", dayColumns, dayKeyColumns[1:5], Counters); err != nil {
			return fmt.Errorf("add to %d day rollups: %w", len(days), err)
		}
	}
	users := d.SortedUsers()
	if len(users) == 0 {
		return nil
	}
	err := storage.Stage(ctx, sqlTx, "calling_user_week_delta", callinguserweek.Table, userColumns, func(put func(...any) error) error {
		for _, k := range users {
			if err := put(partnerID, k.CustomerID, k.UserID, int(k.Week), d.Users[k]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := upsertStaged(ctx, sqlTx, callinguserweek.Table, "calling_user_week_delta", userColumns, userKeyColumns[1:], []string{callinguserweek.FieldCalls}); err != nil {
		return fmt.Errorf("add to %d user-week rollups: %w", len(users), err)
	}
	return nil
}

// upsertStaged moves the staged rows into table, adding their counters to those of the
// rows present.
func upsertStaged(ctx context.Context, sqlTx *sql.Tx, table, staging string, cols, key, counters []string) error {
	sets := make([]string, len(counters))
	for i, c := range counters {
		sets[i] = fmt.Sprintf("%s = %s.%s + excluded.%s", c, table, c, c)
	}
	list, keys := strings.Join(cols, ", "), strings.Join(key, ", ")
	_, err := sqlTx.ExecContext(ctx, fmt.Sprintf("INSERT INTO %s (%s) SELECT %s FROM %s ORDER BY %s ON CONFLICT (%s) DO UPDATE SET %s",
		table, list, list, staging, keys, keys, strings.Join(sets, ", ")))
	return err
}
