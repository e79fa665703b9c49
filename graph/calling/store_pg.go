package calling

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/lib/pq"

	"github.com/partnerhub/partnerhub-api/ent/callingday"
	"github.com/partnerhub/partnerhub-api/ent/callinguserweek"
	"github.com/partnerhub/partnerhub-api/ent/callingweek"
	"github.com/partnerhub/partnerhub-api/ent/facts"
	"github.com/partnerhub/partnerhub-api/ent/storage"
)

// On PostgreSQL, inside an ingest's transaction, a change of the rollups is one upsert per
// rollup, its rows passed column by column as arrays and unnested, in key order (so that
// concurrent writers lock rows in the same order), rather than an upsert statement per few
// rows or a COPY per row into a staging table. The user-weeks' upsert returns their calls
// after the change, which the week rollups' change needs (see weekChange).

var (
	dayKeyColumns  = []string{callingday.FieldPartnerID, callingday.FieldCustomerID, callingday.FieldLocationID, callingday.FieldQueueID, callingday.FieldDay, callingday.FieldWeek}
	dayColumns     = append(append([]string{}, dayKeyColumns...), Counters...)
	userKeyColumns = []string{callinguserweek.FieldPartnerID, callinguserweek.FieldCustomerID, callinguserweek.FieldUserID, callinguserweek.FieldWeek}
	userColumns    = append(append([]string{}, userKeyColumns...), callinguserweek.FieldCalls)
	weekKeyColumns = []string{callingweek.FieldPartnerID, callingweek.FieldCustomerID, callingweek.FieldWeek}
	weekColumns    = append(append([]string{}, weekKeyColumns...), weekCounters...)
)

// applyArrays adds d, of partnerID, to the rollups through sqlTx and returns the change
// of the week rollups.
func applyArrays(ctx context.Context, sqlTx *storage.SQLTx, partnerID int, d *Delta) (map[WeekKey]*WeekCounts, error) {
	days := d.SortedDays()
	dayRows := newColumns(len(dayColumns), len(days))
	for _, k := range days {
		dayRows.add(append([]int64{int64(partnerID), int64(k.CustomerID), int64(k.LocationID), int64(k.QueueID), int64(k.Day), int64(k.Day.Week())},
			d.Days[k][:]...)...)
	}
	if err := addRows(ctx, sqlTx, callingday.Table, dayColumns, dayKeyColumns[1:5], Counters, dayRows); err != nil {
		return nil, err
	}
	users := d.SortedUsers()
	after := map[UserWeekKey]int64{}
	if len(users) > 0 {
		var err error
		if after, err = upsertUsers(ctx, sqlTx, partnerID, users, d.Users); err != nil {
			return nil, fmt.Errorf("add to %d user-week rollups: %w", len(users), err)
		}
	}
	weeks := d.weekChange(after)
	weekRows := newColumns(len(weekColumns), len(weeks))
	for _, k := range sortedWeeks(weeks) {
		weekRows.add(append([]int64{int64(partnerID), int64(k.CustomerID), int64(k.Week)}, weeks[k][:]...)...)
	}
	return weeks, addRows(ctx, sqlTx, callingweek.Table, weekColumns, weekKeyColumns[1:], weekCounters, weekRows)
}

// columns are rows of integers held column by column.
type columns [][]int64

func newColumns(n, rows int) columns {
	c := make(columns, n)
	for i := range c {
		c[i] = make([]int64, 0, rows)
	}
	return c
}

// add appends a row, a value per column.
func (c columns) add(row ...int64) {
	for i, v := range row {
		c[i] = append(c[i], v)
	}
}

// arrays are the columns as the parameters of an unnest.
func (c columns) arrays() []any {
	out := make([]any, len(c))
	for i, col := range c {
		out[i] = pq.Int64Array(col)
	}
	return out
}

// addRows adds rows, of cols, to table (see upsertRows); with none, it does nothing.
func addRows(ctx context.Context, sqlTx *storage.SQLTx, table string, cols, key, counters []string, rows columns) error {
	if len(rows[0]) == 0 {
		return nil
	}
	if _, err := sqlTx.ExecContext(ctx, upsertRows(table, cols, nil, key, counters), rows.arrays()...); err != nil {
		return fmt.Errorf("add to %d rows of %s: %w", len(rows[0]), table, err)
	}
	return nil
}

// upsertUsers adds the calls of the user-weeks keys to their rollup and returns the calls of
// each after the change, read from the rows the upsert wrote.
func upsertUsers(ctx context.Context, sqlTx *storage.SQLTx, partnerID int, keys []UserWeekKey, calls map[UserWeekKey]int64) (map[UserWeekKey]int64, error) {
	ints := newColumns(len(userColumns)-1, len(keys)) // every column but the user ID
	userIDs := make([]string, len(keys))
	for i, k := range keys {
		ints.add(int64(partnerID), int64(k.CustomerID), int64(k.Week), calls[k])
		userIDs[i] = k.UserID
	}
	// The user ID is the third column.
	args := slices.Insert(ints.arrays(), 2, any(pq.StringArray(userIDs)))
	q := upsertRows(callinguserweek.Table, userColumns, map[string]string{callinguserweek.FieldUserID: "text"}, userKeyColumns[1:],
		[]string{callinguserweek.FieldCalls}) + " RETURNING " + strings.Join(slices.Concat(userKeyColumns[1:], []string{callinguserweek.FieldCalls}), ", ")
	rows, err := sqlTx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[UserWeekKey]int64, len(keys))
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

// upsertRows is the statement that adds rows, passed as an array per column of cols (of
// type bigint unless types says otherwise), to table, adding their counters to those of the
// rows present.
func upsertRows(table string, cols []string, types map[string]string, key, counters []string) string {
	arrays := make([]string, len(cols))
	for i, c := range cols {
		arrays[i] = fmt.Sprintf("$%d::%s[]", i+1, cmp.Or(types[c], "bigint"))
	}
	list, keys := strings.Join(cols, ", "), strings.Join(key, ", ")
	return fmt.Sprintf("INSERT INTO %s (%s) SELECT %s FROM unnest(%s) AS d(%s) ORDER BY %s ON CONFLICT (%s) DO UPDATE SET %s",
		table, list, list, strings.Join(arrays, ", "), list, keys, keys, facts.AddProposed(table, counters))
}
