package seed

import (
	"fmt"
	"time"

	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/invoice"
	"github.com/partnerhub/partnerhub-api/ent/licensesnapshot"
	"github.com/partnerhub/partnerhub-api/ent/subscriptionorder"
)

var snapshotColumns = []string{
	licensesnapshot.FieldID, licensesnapshot.FieldPartnerID, licensesnapshot.FieldCustomerID,
	licensesnapshot.FieldLicenseID, licensesnapshot.FieldProduct, licensesnapshot.FieldWeekStart,
	licensesnapshot.FieldTotal, licensesnapshot.FieldAssigned, licensesnapshot.FieldUsed,
}

// writeSnapshots writes each line's figures at the start of every week of the history
// in which its subscription ran: assignment grows toward today's figure (or ramps up from
// the week the subscription was added), usage follows assignment, and the total steps
// at the week of an ADD or REDUCE order.
func (g *generator) writeSnapshots(b *bulkTx, cs []*cust) error {
	r := g.hist
	return b.write(licensesnapshot.Table, snapshotColumns, func(w tableWriter) error {
		for _, c := range cs {
			for _, s := range c.subs {
				first, last := max(0, g.weekIndex(s.startedAt)), historyWeeks-1
				if s.state == enum.StateExpired || s.state == enum.StateCancelled {
					for last >= first && !g.weekStart(last).Before(s.endsAt) {
						last--
					}
				}
				for _, l := range s.lines {
					for wk := first; wk <= last; wk++ {
						total := l.total
						if wk < l.changeWeek {
							total -= l.changeDelta
						}
						assigned := 0
						if s.state != enum.StatePendingSetup {
							f := 1 - l.growth*float64(historyWeeks-1-wk)/historyWeeks
							if first > 0 {
								f = 0.3 + 0.7*float64(wk-first+1)/float64(historyWeeks-first)
							}
							assigned = max(0, round(float64(l.assigned)*f*uniform(r, 0.985, 1.015)))
						}
						used := min(assigned, round(float64(assigned)*l.usage*uniform(r, 0.9, 1.1)))
						err := w.Row(g.seq.snapshot.take(), g.partnerID, c.id, l.id, string(l.product), g.weekStart(wk),
							total, assigned, used)
						if err != nil {
							return err
						}
					}
				}
			}
		}
		return nil
	})
}

var orderColumns = []string{
	subscriptionorder.FieldID, subscriptionorder.FieldPartnerID, subscriptionorder.FieldCustomerID,
	subscriptionorder.FieldSubscriptionID, subscriptionorder.FieldNumber, subscriptionorder.FieldOrderedAt,
	subscriptionorder.FieldAction, subscriptionorder.FieldProduct, subscriptionorder.FieldPreviousQuantity,
	subscriptionorder.FieldNewQuantity,
}

// writeOrders writes each line's order history, consistent with its snapshots: the order
// that added it (or converted the trial), a renewal per completed term, the ADD or REDUCE
// seen in the history, and the cancellation of a cancelled subscription.
func (g *generator) writeOrders(b *bulkTx, cs []*cust) error {
	r := g.hist
	return b.write(subscriptionorder.Table, orderColumns, func(w tableWriter) error {
		for _, c := range cs {
			for _, s := range c.subs {
				for _, l := range s.lines {
					order := func(at time.Time, action string, prev, next int) error {
						g.orderNo++
						number := fmt.Sprintf("ORD-%010d", permute32(g.orderNo, uint32(g.opts.Seed)^0x0dde))
						return w.Row(g.seq.order.take(), g.partnerID, c.id, s.id, number, at, action, string(l.product), prev, next)
					}
					initial := l.initialTotal()
					action := "NEW"
					if s.converted {
						action = "TRIAL_CONVERSION"
					}
					if err := order(s.startedAt, action, 0, initial); err != nil {
						return err
					}
					if s.kind == enum.KindPaid {
						until := s.endsAt
						if g.now.Before(until) {
							until = g.now
						}
						for k := 1; ; k++ {
							at := s.startedAt.AddDate(0, s.termMonths*k, 0)
							if !at.Before(until) {
								break
							}
							qty := l.total
							if l.changeWeek >= 0 && at.Before(g.weekStart(l.changeWeek)) {
								qty = initial
							}
							if err := order(at, "RENEW", qty, qty); err != nil {
								return err
							}
						}
					}
					if l.changeWeek >= 0 {
						at := g.weekStart(l.changeWeek).Add(-between(r, time.Hour, 6*day))
						if at.Before(s.startedAt) {
							at = s.startedAt.Add(time.Hour)
						}
						action := "ADD"
						if l.changeDelta < 0 {
							action = "REDUCE"
						}
						if err := order(at, action, initial, l.total); err != nil {
							return err
						}
					}
					if s.state == enum.StateCancelled {
						at := s.endsAt.Add(-between(r, day, 60*day))
						if at.After(g.now) {
							at = g.now.Add(-between(r, time.Hour, 30*day))
						}
						if at.Before(s.startedAt) {
							at = s.startedAt.Add(day)
						}
						if err := order(at, "CANCEL", l.total, 0); err != nil {
							return err
						}
					}
				}
			}
		}
		return nil
	})
}

var invoiceColumns = []string{
	invoice.FieldID, invoice.FieldPartnerID, invoice.FieldCustomerID, invoice.FieldSubscriptionID,
	invoice.FieldNumber, invoice.FieldIssuedOn, invoice.FieldAmountCents, invoice.FieldCurrency,
	invoice.FieldStatus,
}

// maxInvoices is how many of a subscription's latest invoices are kept.
const maxInvoices = 4

// writeInvoices writes the latest invoices of every paid subscription that went live,
// one per billing period, in the currency of the customer's region: older ones paid,
// a recent one perhaps due, a suspended subscription's last ones overdue, a few void.
func (g *generator) writeInvoices(b *bulkTx, cs []*cust) error {
	r := g.hist
	return b.write(invoice.Table, invoiceColumns, func(w tableWriter) error {
		for _, c := range cs {
			for _, s := range c.subs {
				if s.kind != enum.KindPaid || s.state == enum.StatePendingSetup {
					continue
				}
				var monthly int64
				for _, l := range s.lines {
					monthly += int64(l.total) * monthlyPriceCents[string(l.product)]
				}
				var dates []time.Time
				for at := s.startedAt; at.Before(g.now) && at.Before(s.endsAt); at = at.AddDate(0, s.billingMonths, 0) {
					dates = append(dates, at)
				}
				if len(dates) > maxInvoices {
					dates = dates[len(dates)-maxInvoices:]
				}
				for i, at := range dates {
					status := "PAID"
					switch {
					case s.state == enum.StateSuspended && i >= len(dates)-2:
						status = "OVERDUE"
					case i == len(dates)-1 && g.now.Sub(at) < 30*day && s.state == enum.StateActive && chance(r, 0.6):
						status = "DUE"
					case chance(r, 0.03):
						status = "VOID"
					}
					g.invoiceNo++
					issued := time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, time.UTC)
					number := fmt.Sprintf("INV-%d-%07d", issued.Year(), g.invoiceNo)
					amount := monthly * int64(s.billingMonths)
					err := w.Row(g.seq.invoice.take(), g.partnerID, c.id, s.id, number, issued, amount, c.region.currency, status)
					if err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
}
