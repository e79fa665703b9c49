package seed

import (
	"github.com/partnerhub/partnerhub-api/ent/customer"
	"github.com/partnerhub/partnerhub-api/ent/license"
	"github.com/partnerhub/partnerhub-api/ent/subscription"
)

// writeChunk writes a chunk of customers and everything that hangs off them, one table
// after the other so that every foreign key points at a row already written.
func (g *generator) writeChunk(b *bulkTx, cs []*cust) error {
	steps := []func(*bulkTx, []*cust) error{
		g.writeCustomers, g.writeCustomerAdmins, g.writeCustomerTags,
		g.writeSubscriptions, g.writeLicenses, g.writeSnapshots, g.writeOrders, g.writeInvoices,
		g.writeCalling,
	}
	for _, step := range steps {
		if err := step(b, cs); err != nil {
			return err
		}
	}
	return nil
}

var customerColumns = []string{
	customer.FieldID, customer.FieldPartnerID, customer.FieldCreatedAt, customer.FieldName,
	customer.FieldOrgID, customer.FieldExternalID, customer.FieldRegion, customer.FieldCountry,
	customer.FieldCity, customer.FieldLastAdminActivityAt,
}

func (g *generator) writeCustomers(b *bulkTx, cs []*cust) error {
	return b.write(customer.Table, customerColumns, func(w tableWriter) error {
		for _, c := range cs {
			err := w.Row(c.id, g.partnerID, c.createdAt, c.name, g.uuid(uuidCustomer, c.index), c.externalID,
				c.region.name, c.country.code, c.city, c.lastActivity)
			if err != nil {
				return err
			}
		}
		return nil
	})
}

func (g *generator) writeCustomerAdmins(b *bulkTx, cs []*cust) error {
	return b.write(customer.AdminsTable, customer.AdminsPrimaryKey, func(w tableWriter) error {
		for _, c := range cs {
			for _, a := range c.admins {
				if err := w.Row(c.id, a); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func (g *generator) writeCustomerTags(b *bulkTx, cs []*cust) error {
	return b.write(customer.TagsTable, customer.TagsPrimaryKey, func(w tableWriter) error {
		for _, c := range cs {
			for _, t := range c.tags {
				if err := w.Row(c.id, t); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

var subscriptionColumns = []string{
	subscription.FieldID, subscription.FieldPartnerID, subscription.FieldCustomerID,
	subscription.FieldCreatedAt, subscription.FieldSubscriptionID, subscription.FieldKind,
	subscription.FieldState, subscription.FieldStartedAt, subscription.FieldEndsAt,
	subscription.FieldAutoRenew, subscription.FieldRenewalDate,
}

func (g *generator) writeSubscriptions(b *bulkTx, cs []*cust) error {
	return b.write(subscription.Table, subscriptionColumns, func(w tableWriter) error {
		for _, c := range cs {
			for _, s := range c.subs {
				var renewal any
				if s.autoRenew {
					renewal = s.endsAt
				}
				err := w.Row(s.id, g.partnerID, c.id, s.startedAt, s.extID, string(s.kind), string(s.state),
					s.startedAt, s.endsAt, s.autoRenew, renewal)
				if err != nil {
					return err
				}
			}
		}
		return nil
	})
}

var licenseColumns = []string{
	license.FieldID, license.FieldPartnerID, license.FieldCustomerID, license.FieldSubscriptionID,
	license.FieldProduct, license.FieldTotal, license.FieldAssigned, license.FieldUsed, license.FieldUsed90d,
}

func (g *generator) writeLicenses(b *bulkTx, cs []*cust) error {
	return b.write(license.Table, licenseColumns, func(w tableWriter) error {
		for _, c := range cs {
			for _, s := range c.subs {
				for _, l := range s.lines {
					err := w.Row(l.id, g.partnerID, c.id, s.id, string(l.product), l.total, l.assigned, l.used, l.used90)
					if err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
}
