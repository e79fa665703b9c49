// Package enum defines the domain's enumerations once, shared by every entity that uses
// them and bound directly to the GraphQL enums of the same name.
package enum

import (
	"fmt"
	"io"
	"slices"
	"strconv"
)

// Role is a partner admin's (or token's) role.
type Role string

// The roles, from most to least powerful.
const (
	RoleFullAdmin     Role = "FULL_ADMIN"
	RoleAdmin         Role = "ADMIN"
	RoleReadOnlyAdmin Role = "READ_ONLY_ADMIN"
)

// Values lists the roles.
func (Role) Values() []string { return []string{"FULL_ADMIN", "ADMIN", "READ_ONLY_ADMIN"} }

// rank orders roles so that a higher rank may do more.
func (r Role) rank() int { return 3 - slices.Index(r.Values(), string(r)) }

// AtMost reports whether r grants no more than other.
func (r Role) AtMost(other Role) bool { return r.rank() <= other.rank() }

// Min returns the less powerful of r and other.
func (r Role) Min(other Role) Role {
	if r.AtMost(other) {
		return r
	}
	return other
}

// Region is where a customer's data lives.
type Region string

// The regions.
const (
	RegionUS  Region = "US"
	RegionCA  Region = "CA"
	RegionEU  Region = "EU"
	RegionUAE Region = "UAE"
)

// Values lists the regions.
func (Region) Values() []string { return []string{"US", "CA", "EU", "UAE"} }

// Product is a product of the collaboration suite.
type Product string

// The products.
const (
	ProductMeetings      Product = "MEETINGS"
	ProductCalling       Product = "CALLING"
	ProductMessaging     Product = "MESSAGING"
	ProductTranslation   Product = "TRANSLATION"
	ProductContactCenter Product = "CONTACT_CENTER"
)

// Values lists the products. The order is stored (status.ProductBits): add new products at
// the end.
func (Product) Values() []string {
	return []string{"MEETINGS", "CALLING", "MESSAGING", "TRANSLATION", "CONTACT_CENTER"}
}

// SubscriptionKind tells a paid subscription from a trial.
type SubscriptionKind string

// The subscription kinds.
const (
	KindPaid  SubscriptionKind = "PAID"
	KindTrial SubscriptionKind = "TRIAL"
)

// Values lists the subscription kinds.
func (SubscriptionKind) Values() []string { return []string{"PAID", "TRIAL"} }

// SubscriptionState is where a subscription is in its life.
type SubscriptionState string

// The subscription states.
const (
	StatePendingSetup SubscriptionState = "PENDING_SETUP"
	StateActive       SubscriptionState = "ACTIVE"
	StateSuspended    SubscriptionState = "SUSPENDED"
	StateExpired      SubscriptionState = "EXPIRED"
	StateCancelled    SubscriptionState = "CANCELLED"
)

// Values lists the subscription states.
func (SubscriptionState) Values() []string {
	return []string{"PENDING_SETUP", "ACTIVE", "SUSPENDED", "EXPIRED", "CANCELLED"}
}

// InvoiceStatus is whether an invoice is paid.
type InvoiceStatus string

// Values lists the invoice statuses.
func (InvoiceStatus) Values() []string { return []string{"PAID", "DUE", "OVERDUE", "VOID"} }

// OrderAction is what an order did to a subscription.
type OrderAction string

// Values lists the order actions.
func (OrderAction) Values() []string {
	return []string{"NEW", "ADD", "REDUCE", "RENEW", "CANCEL", "TRIAL_CONVERSION"}
}

// CallDirection is which way a call leg goes.
type CallDirection string

// Values lists the call directions.
func (CallDirection) Values() []string { return []string{"INBOUND", "OUTBOUND", "INTERNAL"} }

// Media is whether a call leg carried video.
type Media string

// Values lists the media.
func (Media) Values() []string { return []string{"AUDIO", "VIDEO"} }

// EndpointType is the kind of device a call leg ran on.
type EndpointType string

// Values lists the endpoint types.
func (EndpointType) Values() []string {
	return []string{"WEBEX_APP", "DESK_PHONE", "ROOM_DEVICE", "OTHER"}
}

// CallFeature is the advanced calling feature a leg went through.
type CallFeature string

// Values lists the call features.
func (CallFeature) Values() []string {
	return []string{"NONE", "HUNT_GROUP", "AUTO_ATTENDANT", "CALL_QUEUE"}
}

// QueueOutcome is how a queued call ended.
type QueueOutcome string

// Values lists the queue outcomes.
func (QueueOutcome) Values() []string {
	return []string{"ANSWERED", "ABANDONED", "TIMED_OUT", "OVERFLOW", "TRANSFERRED"}
}

// PhoneUserType is who a phone number is assigned to.
type PhoneUserType string

// Values lists the phone user types.
func (PhoneUserType) Values() []string {
	return []string{"USER", "WORKSPACE", "VIRTUAL_LINE", "UNASSIGNED"}
}

// NumberType is whether a number is its user's primary one.
type NumberType string

// Values lists the number types.
func (NumberType) Values() []string { return []string{"PRIMARY", "SECONDARY"} }

// ReportKind is what a CSV report lists: calling usage, devices or phone numbers.
type ReportKind string

// The report kinds.
const (
	ReportCallingUsage ReportKind = "CALLING_USAGE"
	ReportDevices      ReportKind = "DEVICES"
	ReportPhoneNumbers ReportKind = "PHONE_NUMBERS"
)

// Values lists the report kinds.
func (ReportKind) Values() []string { return []string{"CALLING_USAGE", "DEVICES", "PHONE_NUMBERS"} }

// ReportState is where a report's generation is.
type ReportState string

// The report states.
const (
	ReportQueued  ReportState = "QUEUED"
	ReportRunning ReportState = "RUNNING"
	ReportReady   ReportState = "READY"
	ReportFailed  ReportState = "FAILED"
	ReportExpired ReportState = "EXPIRED"
)

// Values lists the report states.
func (ReportState) Values() []string {
	return []string{"QUEUED", "RUNNING", "READY", "FAILED", "EXPIRED"}
}

// Frequency is how often a scheduled report runs.
type Frequency string

// Values lists the frequencies.
// The frequencies.
const (
	FrequencyDaily   Frequency = "DAILY"
	FrequencyWeekly  Frequency = "WEEKLY"
	FrequencyMonthly Frequency = "MONTHLY"
)

func (Frequency) Values() []string { return []string{"DAILY", "WEEKLY", "MONTHLY"} }

// valuer is implemented by every enum of this package.
type valuer interface {
	~string
	Values() []string
}

// Valid reports whether v is one of its enum's values.
func Valid[T valuer](v T) bool { return slices.Contains(v.Values(), string(v)) }

// Parse returns s as a T, or an error naming the allowed values.
func Parse[T valuer](s string) (T, error) {
	var zero T
	v := T(s)
	if !Valid(v) {
		return zero, fmt.Errorf("%q is not one of %v", s, zero.Values())
	}
	return v, nil
}

func marshalGQL[T valuer](w io.Writer, v T) { _, _ = io.WriteString(w, strconv.Quote(string(v))) }

func unmarshalGQL[T valuer](dst *T, v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("enum value must be a string, not %T", v)
	}
	p, err := Parse[T](s)
	if err != nil {
		return err
	}
	*dst = p
	return nil
}

// CustomerStatus is a computed status of a customer.
type CustomerStatus string

// The customer statuses, in the order they are listed.
const (
	StatusTrial             CustomerStatus = "TRIAL"
	StatusActive            CustomerStatus = "ACTIVE"
	StatusExpiringSoon      CustomerStatus = "EXPIRING_SOON"
	StatusLicenseOverage    CustomerStatus = "LICENSE_OVERAGE"
	StatusNoRecentActivity  CustomerStatus = "NO_RECENT_ACTIVITY"
	StatusOrderSetupPending CustomerStatus = "ORDER_SETUP_PENDING"
	StatusSuspended         CustomerStatus = "SUSPENDED"
	StatusExpired           CustomerStatus = "EXPIRED"
)

// Values lists the customer statuses.
func (CustomerStatus) Values() []string {
	return []string{"TRIAL", "ACTIVE", "EXPIRING_SOON", "LICENSE_OVERAGE", "NO_RECENT_ACTIVITY", "ORDER_SETUP_PENDING", "SUSPENDED", "EXPIRED"}
}
