package prepared_test

import (
	"context"
	"fmt"
	"testing"

	"entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/storage/counting"
	"github.com/partnerhub/partnerhub-api/ent/storage/prepared"
	"github.com/partnerhub/partnerhub-api/ent/storage/storagetest"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

func TestMain(m *testing.M) { storagetest.Main(m) }

// TestPreparedQueries looks customers up by IDs through kept statements (on PostgreSQL),
// with more distinct statements than are kept so that some are evicted and prepared
// again, and checks every answer and the statement count.
func TestPreparedQueries(t *testing.T) {
	db := storagetest.MustOpen(t)
	ctx := viewer.SystemContext(context.Background())
	p := db.Client.Partner.Create().SetName("Prepared").SetOrgID("prepared-org").SaveX(ctx)
	var ids []int
	for i := range 5 {
		c := db.Client.Customer.Create().SetPartnerID(p.ID).SetName(fmt.Sprintf("C%d", i)).
			SetOrgID(fmt.Sprintf("c%d-org", i)).SetRegion(enum.RegionEU).SetCountry("DE").SaveX(ctx)
		ids = append(ids, c.ID)
	}
	pctx, counter := counting.WithCounter(prepared.Context(ctx))
	const variants = 100 // distinct statements: more than the cache keeps
	for round := range 2 {
		for v := range variants {
			want := ids[:1+v%len(ids)]
			got := db.Client.Customer.Query().Modify(func(s *sql.Selector) {
				s.Where(prepared.IDsIn(s.C(customer.FieldID), want)).
					Where(sql.ExprP(fmt.Sprintf("%d = %d", v, v))) // a distinct statement text per variant
			}).IDsX(pctx)
			if len(got) != len(want) {
				t.Fatalf("round %d, variant %d: %d customers, want %d", round, v, len(got), len(want))
			}
		}
	}
	if n := counter.Load(); n != 2*variants {
		t.Errorf("%d statements counted, want %d", n, 2*variants)
	}
}
