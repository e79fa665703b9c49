package calling

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/partnerhub/partnerhub-api/ent/callingday"
	"github.com/partnerhub/partnerhub-api/ent/callinguserweek"
	"github.com/partnerhub/partnerhub-api/ent/callingweek"
	"github.com/partnerhub/partnerhub-api/ent/facts"
	"github.com/partnerhub/partnerhub-api/ent/storage"
)

// On PostgreSQL, inside an ingest's transaction, a change of the rollups goes through COPY
// into staging tables and one upsert per rollup, in key order (so that concurrent writers
// lock rows in the same order), rather than an upsert statement per few rows. The
// user-weeks' upsert returns their calls after the change, which the week rollups' change
// needs (see weekChange).

var (
	dayKeyColumns  = []string{callingday.FieldPartnerID, callingday.FieldCustomerID, callingday.FieldLocationID, callingday.FieldQueueID, callingday.FieldDay, callingday.FieldWeek}
	dayColumns     = append(append([]string{}, dayKeyColumns...), Counters...)
	userKeyColumns = []string{callinguserweek.FieldPartnerID, callinguserweek.FieldCustomerID, callinguserweek.FieldUserID, callinguserweek.FieldWeek}
	userColumns    = append(append([]string{}, userKeyColumns...), callinguserweek.FieldCalls)
	weekKeyColumns = []string{callingweek.FieldPartnerID, callingweek.FieldCustomerID, callingweek.FieldWeek}
	weekColumns    = append(append([]string{}, weekKeyColumns...), weekCounters...)
)

// applyStaged adds d, of partnerID, to the rollups through sqlTx and returns the change
// of the week rollups.
func applyStaged(ctx context.Context, sqlTx *sql.Tx, partnerID int, d *Delta) (map[WeekKey]*WeekCounts, error) {
	days := d.SortedDays()
	err := addStaged(ctx, sqlTx, "calling_day_delta", callingday.Table, dayColumns, dayKeyColumns[1:5], Counters, len(days),
		func(put func(...any) error) error {
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
		return nil, err
	}
	users := d.SortedUsers()
	after := map[UserWeekKey]int64{}
	if len(users) > 0 {
		err := storage.Stage(ctx, sqlTx, "calling_user_week_delta", callinguserweek.Table, userColumns, func(put func(...any) error) error {
			for _, k := range users {
				if err := put(partnerID, k.CustomerID, k.UserID, int(k.Week), d.Users[k]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if after, err = upsertUsers(ctx, sqlTx, len(users)); err != nil {
			return nil, fmt.Errorf("add to %d user-week rollups: %w", len(users), err)
		}
	}
	weeks := d.weekChange(after)
	err = addStaged(ctx, sqlTx, "calling_week_delta", callingweek.Table, weekColumns, weekKeyColumns[1:], weekCounters, len(weeks),
		func(put func(...any) error) error {
			values := make([]any, len(weekColumns))
			for _, k := range sortedWeeks(weeks) {
				values[0], values[1], values[2] = partnerID, k.CustomerID, int(k.Week)
				for i, n := range weeks[k] {
					values[len(weekKeyColumns)+i] = n
				}
				if err := put(values...); err != nil {
					return err
				}
			}
			return nil
		})
	return weeks, err
}

// addStaged stages the n rows that rows puts and adds them to table (see upsertStaged);
// with none, it does nothing.
func addStaged(ctx context.Context, sqlTx *sql.Tx, staging, table string, cols, key, counters []string, n int, rows func(put func(...any) error) error) error {
	if n == 0 {
		return nil
	}
	if err := storage.Stage(ctx, sqlTx, staging, table, cols, rows); err != nil {
		return err
	}
	if _, err := sqlTx.ExecContext(ctx, upsertStaged(table, staging, cols, key, counters)); err != nil {
		return fmt.Errorf("add to %d rows of %s: %w", n, table, err)
	}
	return nil
}

// upsertUsers moves the staged user-weeks into their rollup and returns the calls of each
// after the change, read from the rows the upsert wrote (n: how many).
func upsertUsers(ctx context.Context, sqlTx *sql.Tx, n int) (map[UserWeekKey]int64, error) {
	q := upsertStaged(callinguserweek.Table, "calling_user_week_delta", userColumns, userKeyColumns[1:], []string{callinguserweek.FieldCalls}) +
		" RETURNING " + strings.Join(slices.Concat(userKeyColumns[1:], []string{callinguserweek.FieldCalls}), ", ")
	rows, err := sqlTx.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[UserWeekKey]int64, n)
	for rows.Next() {
		var k UserWeekKey
		var week int
		var calls int64
		if err := rows.Scan(&k.CustomerID, &k.UserID, &week, &calls); err != nil {
			return nil, err
		}
		k.Week = Day(week)
		out[k] = calls
	}
	return out, rows.Err()
}

// upsertStaged is the statement that moves the staged rows into table, adding their
// counters to those of the rows present.
func upsertStaged(table, staging string, cols, key, counters []string) string {
	list, keys := strings.Join(cols, ", "), strings.Join(key, ", ")
	return fmt.Sprintf("INSERT INTO %s (%s) SELECT %s FROM %s ORDER BY %s ON CONFLICT (%s) DO UPDATE SET %s",
		table, list, list, staging, keys, keys, facts.AddProposed(table, counters))
}
