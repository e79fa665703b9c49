package ent

import (
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/gid"
)

// Noder is an entity exposed as a GraphQL Node.
type Noder interface {
	IsNode()
	GlobalID() string
}

// IsNode marks Admin as a Node.
func (*Admin) IsNode() {}

// GlobalID returns the admin's opaque global ID.
func (a *Admin) GlobalID() string { return gid.Encode("Admin", a.ID) }

// IsNode marks Partner as a Node.
func (*Partner) IsNode() {}

// GlobalID returns the partner's opaque global ID.
func (p *Partner) GlobalID() string { return gid.Encode("Partner", p.ID) }

// IsNode marks Customer as a Node.
func (*Customer) IsNode() {}

// GlobalID returns the customer's opaque global ID.
func (c *Customer) GlobalID() string { return gid.Encode("Customer", c.ID) }

// IsNode marks Subscription as a Node.
func (*Subscription) IsNode() {}

// GlobalID returns the subscription's opaque global ID.
func (s *Subscription) GlobalID() string { return gid.Encode("Subscription", s.ID) }

// IsNode marks License as a Node.
func (*License) IsNode() {}

// GlobalID returns the license line's opaque global ID.
func (l *License) GlobalID() string { return gid.Encode("License", l.ID) }

// Available is how many purchased licenses are not assigned.
func (l *License) Available() int { return max(0, l.Total-l.Assigned) }

// Overage is how many licenses are assigned beyond those purchased.
func (l *License) Overage() int { return max(0, l.Assigned-l.Total) }

// IsNode marks Tag as a Node.
func (*Tag) IsNode() {}

// GlobalID returns the tag's opaque global ID.
func (t *Tag) GlobalID() string { return gid.Encode("Tag", t.ID) }

// Amount is the invoice's amount as a decimal string in its currency.
func (i *Invoice) Amount() string { return enum.Amount(i.AmountCents) }

// IsNode marks ApiToken as a Node.
func (*ApiToken) IsNode() {}

// GlobalID returns the token's opaque global ID.
func (t *ApiToken) GlobalID() string { return gid.Encode("ApiToken", t.ID) }

// IsNode marks AuditEvent as a Node.
func (*AuditEvent) IsNode() {}

// GlobalID returns the event's opaque global ID.
func (e *AuditEvent) GlobalID() string { return gid.Encode("AuditEvent", e.ID) }

// IsNode marks Location as a Node.
func (*Location) IsNode() {}

// GlobalID returns the location's opaque global ID.
func (l *Location) GlobalID() string { return gid.Encode("Location", l.ID) }

// IsNode marks Device as a Node.
func (*Device) IsNode() {}

// GlobalID returns the device's opaque global ID.
func (d *Device) GlobalID() string { return gid.Encode("Device", d.ID) }

// IsNode marks PhoneNumber as a Node.
func (*PhoneNumber) IsNode() {}

// GlobalID returns the phone number's opaque global ID.
func (n *PhoneNumber) GlobalID() string { return gid.Encode("PhoneNumber", n.ID) }

// IsNode marks Report as a Node.
func (*Report) IsNode() {}

// GlobalID returns the report's opaque global ID.
func (r *Report) GlobalID() string { return gid.Encode("Report", r.ID) }

// IsNode marks ReportSchedule as a Node.
func (*ReportSchedule) IsNode() {}

// GlobalID returns the schedule's opaque global ID.
func (s *ReportSchedule) GlobalID() string { return gid.Encode("ReportSchedule", s.ID) }
