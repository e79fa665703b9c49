package rule_test

import (
	"context"
	"testing"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/storage/storagetest"
	"github.com/partnerhub/partnerhub-api/ent/tag"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

func TestMain(m *testing.M) { storagetest.Main(m) }

// tenant is one partner with an admin, a customer with a subscription, and a tag.
type tenant struct {
	partner  *ent.Partner
	admin    *ent.Admin
	customer *ent.Customer
	sub      *ent.Subscription
	tag      *ent.Tag
	ctx      context.Context // the admin's viewer
}

func mustTenant(t *testing.T, c *ent.Client, name string) tenant {
	t.Helper()
	sys := viewer.SystemContext(context.Background())
	p := c.Partner.Create().SetName(name).SetOrgID(name + "-org").SaveX(sys)
	adm := c.Admin.Create().SetPartnerID(p.ID).SetEmail("admin@" + name).SetDisplayName("A").SetRole(enum.RoleFullAdmin).SaveX(sys)
	cust := c.Customer.Create().SetPartnerID(p.ID).SetName(name + " customer").SetOrgID(name + "-c1").SetRegion(enum.RegionEU).SetCountry("DE").SaveX(sys)
	sub := c.Subscription.Create().SetPartnerID(p.ID).SetCustomerID(cust.ID).SetSubscriptionID(name + "-sub").
		SetKind(enum.KindPaid).SetState(enum.StateActive).SetStartedAt(p.CreatedAt).SetEndsAt(p.CreatedAt.AddDate(1, 0, 0)).SaveX(sys)
	tg := c.Tag.Create().SetPartnerID(p.ID).SetName("VIP").SetNameKey("vip").SaveX(sys)
	// Every scope, ingest included, so only the tenant rules can stop it.
	ctx := viewer.NewContext(context.Background(), &viewer.Viewer{PartnerID: p.ID, AdminID: adm.ID, Role: enum.RoleFullAdmin, Scopes: viewer.Scopes})
	return tenant{p, adm, cust, sub, tg, ctx}
}

// TestTenantIsolation runs every kind of operation as partner A's admin against partner
// B's rows through the ent client itself: nothing of B can be read, counted, changed,
// deleted or created.
func TestTenantIsolation(t *testing.T) {
	db := storagetest.MustOpen(t)
	c := db.Client
	a := mustTenant(t, c, "alpha")
	b := mustTenant(t, c, "beta")

	t.Run("OwnRowsVisible", func(t *testing.T) {
		if n := c.Customer.Query().CountX(a.ctx); n != 1 {
			t.Fatalf("A counts %d customers, want its own 1", n)
		}
		if got := c.Partner.Query().OnlyX(a.ctx); got.ID != a.partner.ID {
			t.Fatalf("A sees partner %d", got.ID)
		}
	})
	t.Run("Read", func(t *testing.T) {
		if _, err := c.Customer.Get(a.ctx, b.customer.ID); !ent.IsNotFound(err) {
			t.Errorf("Get B's customer: err = %v, want not found", err)
		}
		if _, err := c.Partner.Get(a.ctx, b.partner.ID); !ent.IsNotFound(err) {
			t.Errorf("Get B's partner: err = %v, want not found", err)
		}
		if _, err := c.Subscription.Get(a.ctx, b.sub.ID); !ent.IsNotFound(err) {
			t.Errorf("Get B's subscription: err = %v, want not found", err)
		}
		if got := c.Customer.Query().Where(customer.Name("beta customer")).AllX(a.ctx); len(got) != 0 {
			t.Errorf("query by B's name found %d rows", len(got))
		}
		if got := a.customer.QuerySubscriptions().AllX(a.ctx); len(got) != 1 || got[0].ID != a.sub.ID {
			t.Errorf("A's own edges: %v", got)
		}
	})
	t.Run("Count", func(t *testing.T) {
		for name, n := range map[string]int{
			"customers":     c.Customer.Query().CountX(a.ctx),
			"subscriptions": c.Subscription.Query().CountX(a.ctx),
			"admins":        c.Admin.Query().CountX(a.ctx),
			"tags":          c.Tag.Query().CountX(a.ctx),
			"partners":      c.Partner.Query().CountX(a.ctx),
		} {
			if n != 1 {
				t.Errorf("A counts %d %s, want 1", n, name)
			}
		}
	})
	t.Run("Update", func(t *testing.T) {
		if _, err := c.Customer.UpdateOneID(b.customer.ID).SetName("hijacked").Save(a.ctx); !ent.IsNotFound(err) {
			t.Errorf("update one of B: err = %v, want not found", err)
		}
		if n := c.Customer.Update().Where(customer.ID(b.customer.ID)).SetName("hijacked").SaveX(a.ctx); n != 0 {
			t.Errorf("bulk update touched %d of B's rows", n)
		}
		if n := c.Tag.Update().SetColor("#000000").SaveX(a.ctx); n != 1 {
			t.Errorf("update of all tags touched %d rows, want only A's 1", n)
		}
		if c.Customer.GetX(viewer.SystemContext(context.Background()), b.customer.ID).Name != "beta customer" {
			t.Error("B's customer was renamed")
		}
	})
	t.Run("Delete", func(t *testing.T) {
		if err := c.Tag.DeleteOneID(b.tag.ID).Exec(a.ctx); !ent.IsNotFound(err) {
			t.Errorf("delete one of B: err = %v, want not found", err)
		}
		if n := c.Tag.Delete().Where(tag.ID(b.tag.ID)).ExecX(a.ctx); n != 0 {
			t.Errorf("bulk delete removed %d of B's rows", n)
		}
		if !c.Tag.Query().Where(tag.ID(b.tag.ID)).ExistX(viewer.SystemContext(context.Background())) {
			t.Error("B's tag is gone")
		}
	})
	t.Run("Create", func(t *testing.T) {
		_, err := c.Tag.Create().SetPartnerID(b.partner.ID).SetName("Planted").SetNameKey("planted").Save(a.ctx)
		if err == nil {
			t.Fatal("A created a tag in B")
		}
		own := c.Tag.Create().SetName("Mine").SetNameKey("mine").SaveX(a.ctx)
		if own.PartnerID != a.partner.ID {
			t.Errorf("a tag created without a partner went to %d, want the viewer's %d", own.PartnerID, a.partner.ID)
		}
	})
	t.Run("NoViewer", func(t *testing.T) {
		if _, err := c.Customer.Query().All(context.Background()); err == nil {
			t.Error("query without a viewer succeeded")
		}
	})
	t.Run("AuditIsAppendOnly", func(t *testing.T) {
		ev := c.AuditEvent.Create().SetAction("test").SetSummary("x").SaveX(a.ctx)
		if err := c.AuditEvent.DeleteOneID(ev.ID).Exec(a.ctx); err == nil {
			t.Error("an audit event was deleted")
		}
	})
}
