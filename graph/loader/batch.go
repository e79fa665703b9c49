package loader

import (
	"context"
	"fmt"
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/admin"
	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/invoice"
	"github.com/partnerhub/partnerhub-api/ent/license"
	"github.com/partnerhub/partnerhub-api/ent/licensesnapshot"
	"github.com/partnerhub/partnerhub-api/ent/partner"
	"github.com/partnerhub/partnerhub-api/ent/status"
	"github.com/partnerhub/partnerhub-api/ent/storage/prepared"
	"github.com/partnerhub/partnerhub-api/ent/subscription"
	"github.com/partnerhub/partnerhub-api/ent/subscriptionorder"
	"github.com/partnerhub/partnerhub-api/ent/tag"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/week"
)

// batches holds the batch functions; each returns one value per key, in key order. The
// batches behind every customer of a page (tags, subscriptions, license lines) read only
// the columns their GraphQL types and the rules computed from them use: the others are
// left zero.
type batches struct {
	client  *ent.Client
	now     func() time.Time
	columns Columns
}

// byID puts each row under its own ID, in key order (nil for missing keys).
func byID[V any](keys []int, rows []V, id func(V) int) []V {
	m := make(map[int]V, len(rows))
	for _, r := range rows {
		m[id(r)] = r
	}
	out := make([]V, len(keys))
	for i, k := range keys {
		out[i] = m[k]
	}
	return out
}

// grouped puts the rows under the key each belongs to, in key order (empty for none).
func grouped[V any](keys []int, rows []V, key func(V) int) [][]V {
	m := make(map[int][]V, len(keys))
	for _, r := range rows {
		m[key(r)] = append(m[key(r)], r)
	}
	out := make([][]V, len(keys))
	for i, k := range keys {
		out[i] = m[k]
		if out[i] == nil {
			out[i] = []V{}
		}
	}
	return out
}

// where is the condition that the queried table's column col holds one of ids, in the
// form a prepared statement can keep (prepared.IDsIn).
func where(col string, ids []int) func(*sql.Selector) {
	return func(s *sql.Selector) { s.Where(prepared.IDsIn(s.C(col), ids)) }
}

func wrap[V any](what string, keys []int, v V, err error) (V, error) {
	if err != nil {
		return v, fmt.Errorf("load %s of %d parents: %w", what, len(keys), err)
	}
	return v, nil
}

func (b batches) customers(ctx context.Context, ids []int) ([]*ent.Customer, error) {
	rows, err := b.client.Customer.Query().Where(where(customer.FieldID, ids)).All(ctx)
	return wrap("customers", ids, byID(ids, rows, func(c *ent.Customer) int { return c.ID }), err)
}

func (b batches) partners(ctx context.Context, ids []int) ([]*ent.Partner, error) {
	rows, err := b.client.Partner.Query().Where(where(partner.FieldID, ids)).All(ctx)
	return wrap("partners", ids, byID(ids, rows, func(p *ent.Partner) int { return p.ID }), err)
}

func (b batches) statuses(ctx context.Context, ids []int) ([][]enum.CustomerStatus, error) {
	rules := status.NewRules(b.now(), viewer.FromContext(ctx).Settings)
	m, err := rules.Load(ctx, b.client, ids)
	if err != nil {
		return nil, err
	}
	out := make([][]enum.CustomerStatus, len(ids))
	for i, id := range ids {
		out[i] = m[id]
	}
	return out, nil
}

func (b batches) tags(ctx context.Context, ids []int) ([][]*ent.Tag, error) {
	q := b.client.Tag.Query().Unique(false)
	if cols := b.columns.of("Tag"); cols != nil {
		q.Select(cols...) // sets the query's columns
	}
	rows, err := q.Modify(joinOwner(customer.TagsTable, customer.TagsPrimaryKey[1], customer.TagsPrimaryKey[0], ids)).
		Order(ent.Asc(tag.FieldName)).All(ctx)
	return wrap("tags", ids, grouped(ids, rows, func(t *ent.Tag) int { return ownerOf(t) }), err)
}

func (b batches) admins(ctx context.Context, ids []int) ([][]*ent.Admin, error) {
	q := b.client.Admin.Query().Unique(false)
	if cols := b.columns.of("Admin"); cols != nil {
		q.Select(cols...)
	}
	rows, err := q.Modify(joinOwner(customer.AdminsTable, customer.AdminsPrimaryKey[1], customer.AdminsPrimaryKey[0], ids)).
		Order(ent.Asc(admin.FieldEmail)).All(ctx)
	return wrap("admins", ids, grouped(ids, rows, func(a *ent.Admin) int { return ownerOf(a) }), err)
}

// ownerColumn is the alias of the parent ID selected by joinOwner.
const ownerColumn = "owner_id"

// joinOwner joins a many-to-many table so that each row comes once per parent among ids,
// with the parent's ID selected as ownerColumn.
func joinOwner(table, childCol, parentCol string, ids []int) func(*sql.Selector) {
	return func(s *sql.Selector) {
		j := sql.Table(table).As("owner")
		s.Join(j).On(s.C("id"), j.C(childCol)).
			Where(prepared.IDsIn(j.C(parentCol), ids)).
			AppendSelectAs(j.C(parentCol), ownerColumn)
	}
}

// ownerOf reads the parent ID selected by joinOwner.
func ownerOf(v interface {
	Value(string) (ent.Value, error)
}) int {
	raw, _ := v.Value(ownerColumn)
	switch n := raw.(type) {
	case int64:
		return int(n)
	case int:
		return n
	}
	return 0
}

func (b batches) subscriptions(ctx context.Context, ids []int) ([][]*ent.Subscription, error) {
	q := b.client.Subscription.Query()
	// Grouped by customer, picked by kind and state (directory.Select).
	if cols := b.columns.of("Subscription", subscription.FieldCustomerID, subscription.FieldKind, subscription.FieldState); cols != nil {
		q.Select(cols...)
	}
	rows, err := q.Where(where(subscription.FieldCustomerID, ids)).
		Order(ent.Desc(subscription.FieldStartedAt), ent.Desc(subscription.FieldID)).All(ctx)
	return wrap("subscriptions", ids, grouped(ids, rows, func(s *ent.Subscription) int { return s.CustomerID }), err)
}

// licenses loads license lines by customer: both Subscription.licenses and the customer's
// license summary read them from here.
func (b batches) licenses(ctx context.Context, ids []int) ([][]*ent.License, error) {
	q := b.client.License.Query()
	// Grouped by customer and subscription, added up per product (directory.LicenseSummary).
	if cols := b.columns.of("License", license.FieldCustomerID, license.FieldSubscriptionID, license.FieldProduct,
		license.FieldTotal, license.FieldAssigned, license.FieldUsed); cols != nil {
		q.Select(cols...)
	}
	rows, err := q.Where(where(license.FieldCustomerID, ids)).
		Order(ent.Asc(license.FieldProduct), ent.Asc(license.FieldID)).All(ctx)
	return wrap("licenses", ids, grouped(ids, rows, func(l *ent.License) int { return l.CustomerID }), err)
}

func (b batches) invoices(ctx context.Context, ids []int) ([][]*ent.Invoice, error) {
	rows, err := b.client.Invoice.Query().Where(where(invoice.FieldSubscriptionID, ids)).
		Order(ent.Desc(invoice.FieldIssuedOn), ent.Desc(invoice.FieldID)).All(ctx)
	return wrap("invoices", ids, grouped(ids, rows, func(i *ent.Invoice) int { return i.SubscriptionID }), err)
}

func (b batches) orders(ctx context.Context, ids []int) ([][]*ent.SubscriptionOrder, error) {
	rows, err := b.client.SubscriptionOrder.Query().Where(where(subscriptionorder.FieldSubscriptionID, ids)).
		Order(ent.Desc(subscriptionorder.FieldOrderedAt), ent.Desc(subscriptionorder.FieldID)).All(ctx)
	return wrap("orders", ids, grouped(ids, rows, func(o *ent.SubscriptionOrder) int { return o.SubscriptionID }), err)
}

// lastWeekSnapshots loads each license line's snapshot at the start of the previous week.
func (b batches) lastWeekSnapshots(ctx context.Context, ids []int) ([]*ent.LicenseSnapshot, error) {
	rows, err := b.client.LicenseSnapshot.Query().Where(
		where(licensesnapshot.FieldLicenseID, ids),
		licensesnapshot.WeekStart(week.Start(b.now()).AddDate(0, 0, -7)),
	).All(ctx)
	return wrap("license history", ids, byID(ids, rows, func(s *ent.LicenseSnapshot) int { return s.LicenseID }), err)
}

func (b batches) adminsByID(ctx context.Context, ids []int) ([]*ent.Admin, error) {
	rows, err := b.client.Admin.Query().Where(where(admin.FieldID, ids)).All(ctx)
	return wrap("admins", ids, byID(ids, rows, func(a *ent.Admin) int { return a.ID }), err)
}

// tagCustomerCounts counts, per tag, the customers carrying it that the viewer can see.
func (b batches) tagCustomerCounts(ctx context.Context, ids []int) ([]int, error) {
	return b.linkedCustomerCounts(ctx, "tags", customer.TagsTable, customer.TagsPrimaryKey, ids)
}

// adminCustomerCounts counts, per admin, the customers assigned to them that the viewer can see.
func (b batches) adminCustomerCounts(ctx context.Context, ids []int) ([]int, error) {
	return b.linkedCustomerCounts(ctx, "admins", customer.AdminsTable, customer.AdminsPrimaryKey, ids)
}

// linkedCustomerCounts counts, per ID in the second column of the link table (whose first
// column is the customer's), the linked customers the viewer can see.
func (b batches) linkedCustomerCounts(ctx context.Context, what, table string, columns []string, ids []int) ([]int, error) {
	var rows []struct {
		Key int `json:"link_id"`
		N   int `json:"n"`
	}
	err := b.client.Customer.Query().Modify(func(s *sql.Selector) {
		link := sql.Table(table).As("link")
		s.Join(link).On(s.C(customer.FieldID), link.C(columns[0])).
			Where(prepared.IDsIn(link.C(columns[1]), ids)).
			Select(sql.As(link.C(columns[1]), "link_id"), sql.As(sql.Count("*"), "n")).
			GroupBy(link.C(columns[1]))
	}).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("count customers of %d %s: %w", len(ids), what, err)
	}
	counts := map[int]int{}
	for _, r := range rows {
		counts[r.Key] = r.N
	}
	out := make([]int, len(ids))
	for i, id := range ids {
		out[i] = counts[id]
	}
	return out, nil
}

func (b batches) subscriptionsByID(ctx context.Context, ids []int) ([]*ent.Subscription, error) {
	rows, err := b.client.Subscription.Query().Where(where(subscription.FieldID, ids)).All(ctx)
	return wrap("subscriptions", ids, byID(ids, rows, func(s *ent.Subscription) int { return s.ID }), err)
}
