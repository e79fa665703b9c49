package facts_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/facts"
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

// TestBackfillReadsTheLinesOnce: the backfill of customers written without facts (the bulk
// seed, before it rebuilds the lines' indexes) finds those gaining Calling from one pass
// over the lines, not one per customer: per customer, 100 000 customers would each scan
// every line.
func TestBackfillReadsTheLinesOnce(t *testing.T) {
	if !storagetest.Postgres() {
		t.Skip("plans are PostgreSQL's")
	}
	x, db := newFixture(t)
	const customers = 12
	for i := range customers {
		c := x.customer(fmt.Sprintf("Raw%d", i))
		x.line(x.subscription(c, fmt.Sprintf("R-%d", i), enum.StateActive, jan), enum.ProductCalling, 5, 1)
	}
	tx, err := db.SQL.BeginTx(x.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var indexes []string
	rows, err := tx.QueryContext(x.ctx, "SELECT indexname FROM pg_indexes WHERE tablename = 'licenses' AND indexname <> 'licenses_pkey'")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		indexes = append(indexes, name)
	}
	rows.Close()
	for _, stmt := range append([]string{"UPDATE customers SET current_products = NULL"}, dropEach(indexes)...) {
		if _, err := tx.ExecContext(x.ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	query, args := facts.BackfillCallingMovers(dialect.Postgres)
	var plan []byte
	if err := tx.QueryRowContext(x.ctx, "EXPLAIN (ANALYZE, FORMAT JSON) "+query, args...).Scan(&plan); err != nil {
		t.Fatal(err)
	}
	var nodes []struct{ Plan planNode }
	if err := json.Unmarshal(plan, &nodes); err != nil || len(nodes) != 1 {
		t.Fatalf("plan %s: %v", plan, err)
	}
	moved, scans := nodes[0].Plan.rows(), nodes[0].Plan.loopsOf("licenses")
	if moved != customers || scans != 1 {
		t.Errorf("the backfill found %d of %d customers gaining Calling in %d scans of the lines, want 1:\n%s", moved, customers, scans, plan)
	}
}

func dropEach(indexes []string) []string {
	out := make([]string, len(indexes))
	for i, name := range indexes {
		out[i] = "DROP INDEX " + name
	}
	return out
}

// planNode is a node of a plan as EXPLAIN (ANALYZE, FORMAT JSON) gives it.
type planNode struct {
	Relation string     `json:"Relation Name"`
	Loops    int        `json:"Actual Loops"`
	Rows     int        `json:"Actual Rows"`
	Plans    []planNode `json:"Plans"`
}

func (n planNode) rows() int { return n.Rows * n.Loops }

// loopsOf is how many times the nodes under n scan relation.
func (n planNode) loopsOf(relation string) int {
	loops := 0
	if n.Relation == relation {
		loops = n.Loops
	}
	for _, c := range n.Plans {
		loops += c.loopsOf(relation)
	}
	return loops
}
