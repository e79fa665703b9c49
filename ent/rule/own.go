package rule

import (
	"context"

	"entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/privacy"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

// FilterOwnRows limits an ADMIN to the rows they made (column names the admin's ID
// column); the roles that see every customer see every row.
func FilterOwnRows(column string) privacy.QueryMutationRule {
	return privacy.FilterFunc(func(ctx context.Context, f privacy.Filter) error {
		v := viewer.FromContext(ctx)
		if v.SeesAllCustomers() {
			return privacy.Skip
		}
		if !ent.WhereSQL(f, func(s *sql.Selector) { s.Where(sql.EQ(s.C(column), v.AdminID)) }) {
			return privacy.Denyf("%T cannot be filtered by its maker", f)
		}
		return privacy.Skip
	})
}
