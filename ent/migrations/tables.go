package migrations

import (
	"entgo.io/ent/dialect/sql/schema"

	entmigrate "github.com/partnerhub/partnerhub-api/ent/migrate"
)

// unconstrained are the tables whose rows carry no foreign key to the rows they refer to.
// Call legs arrive by the million and nothing deletes a partner, customer, location or call
// queue: ingest looks every reference of a leg up among the viewer's rows (its customer
// and that customer's location and queue) and refuses the legs whose references it does
// not find, so a key checked again by the database per row would only halve the
// throughput of the insert.
var unconstrained = map[string]bool{entmigrate.CallLegsTable.Name: true}

// tables are the ent schema's tables as the migrations build them.
func tables() []*schema.Table {
	out := make([]*schema.Table, len(entmigrate.Tables))
	for i, t := range entmigrate.Tables {
		if unconstrained[t.Name] {
			c := *t
			c.ForeignKeys = nil
			t = &c
		}
		out[i] = t
	}
	return out
}
