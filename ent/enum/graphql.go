package enum

import (
	"fmt"
	"io"
)

// MarshalGQL writes the Role as a GraphQL enum value.
func (v Role) MarshalGQL(w io.Writer) { marshalGQL(w, v) }

// UnmarshalGQL reads a Role from a GraphQL enum value.
func (v *Role) UnmarshalGQL(src any) error { return unmarshalGQL(v, src) }

// MarshalGQL writes the Region as a GraphQL enum value.
func (v Region) MarshalGQL(w io.Writer) { marshalGQL(w, v) }

// UnmarshalGQL reads a Region from a GraphQL enum value.
func (v *Region) UnmarshalGQL(src any) error { return unmarshalGQL(v, src) }

// MarshalGQL writes the Product as a GraphQL enum value.
func (v Product) MarshalGQL(w io.Writer) { marshalGQL(w, v) }

// UnmarshalGQL reads a Product from a GraphQL enum value.
func (v *Product) UnmarshalGQL(src any) error { return unmarshalGQL(v, src) }

// MarshalGQL writes the SubscriptionKind as a GraphQL enum value.
func (v SubscriptionKind) MarshalGQL(w io.Writer) { marshalGQL(w, v) }

// UnmarshalGQL reads a SubscriptionKind from a GraphQL enum value.
func (v *SubscriptionKind) UnmarshalGQL(src any) error { return unmarshalGQL(v, src) }

// MarshalGQL writes the SubscriptionState as a GraphQL enum value.
func (v SubscriptionState) MarshalGQL(w io.Writer) { marshalGQL(w, v) }

// UnmarshalGQL reads a SubscriptionState from a GraphQL enum value.
func (v *SubscriptionState) UnmarshalGQL(src any) error { return unmarshalGQL(v, src) }

// MarshalGQL writes the InvoiceStatus as a GraphQL enum value.
func (v InvoiceStatus) MarshalGQL(w io.Writer) { marshalGQL(w, v) }

// UnmarshalGQL reads a InvoiceStatus from a GraphQL enum value.
func (v *InvoiceStatus) UnmarshalGQL(src any) error { return unmarshalGQL(v, src) }

// MarshalGQL writes the OrderAction as a GraphQL enum value.
func (v OrderAction) MarshalGQL(w io.Writer) { marshalGQL(w, v) }

// UnmarshalGQL reads a OrderAction from a GraphQL enum value.
func (v *OrderAction) UnmarshalGQL(src any) error { return unmarshalGQL(v, src) }

// MarshalGQL writes the CallDirection as a GraphQL enum value.
func (v CallDirection) MarshalGQL(w io.Writer) { marshalGQL(w, v) }

// UnmarshalGQL reads a CallDirection from a GraphQL enum value.
func (v *CallDirection) UnmarshalGQL(src any) error { return unmarshalGQL(v, src) }

// MarshalGQL writes the Media as a GraphQL enum value.
func (v Media) MarshalGQL(w io.Writer) { marshalGQL(w, v) }

// UnmarshalGQL reads a Media from a GraphQL enum value.
func (v *Media) UnmarshalGQL(src any) error { return unmarshalGQL(v, src) }

// MarshalGQL writes the EndpointType as a GraphQL enum value.
func (v EndpointType) MarshalGQL(w io.Writer) { marshalGQL(w, v) }

// UnmarshalGQL reads a EndpointType from a GraphQL enum value.
func (v *EndpointType) UnmarshalGQL(src any) error { return unmarshalGQL(v, src) }

// MarshalGQL writes the CallFeature as a GraphQL enum value.
func (v CallFeature) MarshalGQL(w io.Writer) { marshalGQL(w, v) }

// UnmarshalGQL reads a CallFeature from a GraphQL enum value.
func (v *CallFeature) UnmarshalGQL(src any) error { return unmarshalGQL(v, src) }

// MarshalGQL writes the QueueOutcome as a GraphQL enum value.
func (v QueueOutcome) MarshalGQL(w io.Writer) { marshalGQL(w, v) }

// UnmarshalGQL reads a QueueOutcome from a GraphQL enum value.
func (v *QueueOutcome) UnmarshalGQL(src any) error { return unmarshalGQL(v, src) }

// MarshalGQL writes the PhoneUserType as a GraphQL enum value.
func (v PhoneUserType) MarshalGQL(w io.Writer) { marshalGQL(w, v) }

// UnmarshalGQL reads a PhoneUserType from a GraphQL enum value.
func (v *PhoneUserType) UnmarshalGQL(src any) error { return unmarshalGQL(v, src) }

// MarshalGQL writes the NumberType as a GraphQL enum value.
func (v NumberType) MarshalGQL(w io.Writer) { marshalGQL(w, v) }

// UnmarshalGQL reads a NumberType from a GraphQL enum value.
func (v *NumberType) UnmarshalGQL(src any) error { return unmarshalGQL(v, src) }

// MarshalGQL writes the ReportKind as a GraphQL enum value.
func (v ReportKind) MarshalGQL(w io.Writer) { marshalGQL(w, v) }

// UnmarshalGQL reads a ReportKind from a GraphQL enum value.
func (v *ReportKind) UnmarshalGQL(src any) error { return unmarshalGQL(v, src) }

// MarshalGQL writes the ReportState as a GraphQL enum value.
func (v ReportState) MarshalGQL(w io.Writer) { marshalGQL(w, v) }

// UnmarshalGQL reads a ReportState from a GraphQL enum value.
func (v *ReportState) UnmarshalGQL(src any) error { return unmarshalGQL(v, src) }

// MarshalGQL writes the Frequency as a GraphQL enum value.
func (v Frequency) MarshalGQL(w io.Writer) { marshalGQL(w, v) }

// UnmarshalGQL reads a Frequency from a GraphQL enum value.
func (v *Frequency) UnmarshalGQL(src any) error { return unmarshalGQL(v, src) }

// MarshalGQL writes the CustomerStatus as a GraphQL enum value.
func (v CustomerStatus) MarshalGQL(w io.Writer) { marshalGQL(w, v) }

// UnmarshalGQL reads a CustomerStatus from a GraphQL enum value.
func (v *CustomerStatus) UnmarshalGQL(src any) error { return unmarshalGQL(v, src) }

// Amount formats minor units as a decimal string with two decimals, e.g. 123450 → "1234.50".
func Amount(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return fmt.Sprintf("%s%d.%02d", sign, cents/100, cents%100)
}
