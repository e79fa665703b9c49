package facts

import (
	"entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent/customer"
)

// BackfillCallingMovers is the query by which a backfill of the customers without
// products finds those gaining or losing Calling.
func BackfillCallingMovers(dialectName string) (string, []any) {
	return callingMovers(dialectName, sql.IsNull(sql.Table(customer.Table).C(customer.FieldCurrentProducts)), currentProducts(), true).Query()
}
