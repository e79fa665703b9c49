package facts_test

import (
	"strings"
	"testing"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/status"
	"github.com/partnerhub/partnerhub-api/ent/storage/storagetest"
)

// TestCallingScopeReadsItsIndex: the customers with a current Calling line, as the calling
// analytics select them (status.HoldsProduct), are counted from the index customer_calling_scope
// alone, without reading a customer row. Without the product sets in that index, every
// count of the scope reads every customer of the partner.
func TestCallingScopeReadsItsIndex(t *testing.T) {
	if !storagetest.Postgres() {
		t.Skip("plans are PostgreSQL's")
	}
	x, db := newFixture(t)
	x.customer("Kept")
	s := entsql.Dialect(dialect.Postgres).Select(entsql.Count(customer.FieldID)).From(entsql.Table(customer.Table))
	s.Where(entsql.And(entsql.EQ(s.C(customer.FieldPartnerID), x.pid), status.HoldsProduct(s.Table(), enum.ProductCalling)))
	query, args := s.Query()
	if _, err := db.SQL.ExecContext(x.ctx, "VACUUM ANALYZE "+customer.Table); err != nil {
		t.Fatal(err)
	}
	tx, err := db.SQL.BeginTx(x.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	// A test database is small enough for a scan of the table, or of any index that
	// reads the rows too, to look cheaper; the question is whether the index can serve
	// alone, not whether it is worth it at this size. (A vacuumed table tells the planner
	// that an index-only scan reads no row.)
	for _, off := range []string{"enable_seqscan", "enable_bitmapscan"} {
		if _, err := tx.ExecContext(x.ctx, "SET LOCAL "+off+" = off"); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := tx.QueryContext(x.ctx, "EXPLAIN "+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, line)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if p := strings.Join(plan, "\n"); !strings.Contains(p, "Index Only Scan using customer_calling_scope") {
		t.Errorf("the calling scope is not counted from customer_calling_scope alone:\n%s", p)
	}
}
