package loader

import (
	"context"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/storage/counting"
	"github.com/partnerhub/partnerhub-api/ent/storage/storagetest"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

func TestMain(m *testing.M) { storagetest.Main(m) }

var now = time.Date(2026, 3, 18, 12, 0, 0, 0, time.UTC)

// fixture is two partners; the first's customers are Acme (tags VIP and Key, by name Key
// first), Beta (no tag) and Gamma (VIP); the second's customer Other has a tag of its own.
type fixture struct {
	client             *ent.Client
	acme, beta, gamma  *ent.Customer
	other              *ent.Customer
	partner, foreigner int
}

func newFixture(t *testing.T) fixture {
	db := storagetest.MustOpen(t)
	sys := viewer.SystemContext(context.Background())
	c := db.Client
	p := c.Partner.Create().SetName("P").SetOrgID("org-p").SaveX(sys)
	q := c.Partner.Create().SetName("Q").SetOrgID("org-q").SaveX(sys)
	vip := c.Tag.Create().SetPartnerID(p.ID).SetName("VIP").SetNameKey("vip").SaveX(sys)
	key := c.Tag.Create().SetPartnerID(p.ID).SetName("Key").SetNameKey("key").SaveX(sys)
	theirs := c.Tag.Create().SetPartnerID(q.ID).SetName("Theirs").SetNameKey("theirs").SaveX(sys)
	mk := func(partner int, name string, tags ...*ent.Tag) *ent.Customer {
		return c.Customer.Create().SetPartnerID(partner).SetName(name).SetOrgID("org-" + name).
			SetRegion(enum.RegionEU).SetCountry("DE").AddTags(tags...).SaveX(sys)
	}
	return fixture{client: c, acme: mk(p.ID, "Acme", vip, key), beta: mk(p.ID, "Beta"), gamma: mk(p.ID, "Gamma", vip),
		other: mk(q.ID, "Other", theirs), partner: p.ID, foreigner: q.ID}
}

func tagNames(tags []*ent.Tag) []string {
	out := []string{}
	for _, t := range tags {
		out = append(out, t.Name)
	}
	return out
}

// TestLoadsBatchPerKind: the tags of customers looked up together come in one statement,
// each customer's own, by name; a customer without tags has none. They are looked up with
// Prefetch: Loads from a resolver wave batch only when they all ask within the loader's
// wait, which a busy CPU breaks (CI saw two statements), and Prefetch is what the
// resolvers call to batch whatever the scheduling.
func TestLoadsBatchPerKind(t *testing.T) {
	f := newFixture(t)
	ctx, n := counting.WithCounter(viewer.NewContext(context.Background(), &viewer.Viewer{PartnerID: f.partner, Role: enum.RoleFullAdmin}))
	l := New(f.client, func() time.Time { return now }, nil)
	want := map[int][]string{f.acme.ID: {"Key", "VIP"}, f.beta.ID: {}, f.gamma.ID: {"VIP"}}
	if err := l.Tags.Prefetch(ctx, slices.Collect(maps.Keys(want))); err != nil {
		t.Fatal(err)
	}
	for id, names := range want {
		tags, err := Load(ctx, l.Tags, id)
		if err != nil {
			t.Fatal(err)
		}
		if got := tagNames(tags); !slices.Equal(got, names) {
			t.Errorf("customer %d: tags %v, want %v", id, got, names)
		}
	}
	if n.Load() != 1 {
		t.Errorf("%d statements for three customers' tags, want 1", n.Load())
	}
}

// TestPrefetchPrimes: after a prefetch, loading its keys runs no statement.
func TestPrefetchPrimes(t *testing.T) {
	f := newFixture(t)
	ctx, n := counting.WithCounter(viewer.NewContext(context.Background(), &viewer.Viewer{PartnerID: f.partner, Role: enum.RoleFullAdmin}))
	l := New(f.client, func() time.Time { return now }, nil)
	if err := l.Tags.Prefetch(ctx, []int{f.acme.ID, f.gamma.ID}); err != nil {
		t.Fatal(err)
	}
	before := n.Load()
	for id, want := range map[int][]string{f.acme.ID: {"Key", "VIP"}, f.gamma.ID: {"VIP"}} {
		tags, err := Load(ctx, l.Tags, id)
		if err != nil || !slices.Equal(tagNames(tags), want) {
			t.Errorf("customer %d: tags %v (%v), want %v", id, tagNames(tags), err, want)
		}
	}
	if n.Load() != before {
		t.Errorf("loading prefetched keys ran %d statements", n.Load()-before)
	}
}

// TestLoadsKeepPrivacy: a partner's viewer loading another partner's customer by ID gets
// none of its rows.
func TestLoadsKeepPrivacy(t *testing.T) {
	f := newFixture(t)
	ctx := viewer.NewContext(context.Background(), &viewer.Viewer{PartnerID: f.partner, Role: enum.RoleFullAdmin})
	l := New(f.client, func() time.Time { return now }, nil)
	tags, err := Load(ctx, l.Tags, f.other.ID)
	if err != nil || len(tags) != 0 {
		t.Fatalf("another partner's customer's tags: %v (%v), want none", tagNames(tags), err)
	}
	theirs := viewer.NewContext(context.Background(), &viewer.Viewer{PartnerID: f.foreigner, Role: enum.RoleFullAdmin})
	if tags, err := Load(theirs, New(f.client, func() time.Time { return now }, nil).Tags, f.other.ID); err != nil || !slices.Equal(tagNames(tags), []string{"Theirs"}) {
		t.Fatalf("own customer's tags: %v (%v)", tagNames(tags), err)
	}
}
