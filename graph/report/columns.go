package report

import (
	"slices"
	"strconv"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/graph/calling"
)

// row is one line of a report before it is written: its customer, its location (nil
// when none) and what the line is about, one of usage, device or number.
type row struct {
	customer *ent.Customer
	location *ent.Location
	usage    *calling.Figures
	device   *ent.Device
	number   *ent.PhoneNumber
}

// column is a column of a default template.
type column struct {
	key, title string
	value      func(r *row) string
}

func count(f func(*calling.Figures) int) func(*row) string {
	return func(r *row) string { return strconv.Itoa(f(r.usage)) }
}

func minutes(f func(*calling.Figures) float64) func(*row) string {
	return func(r *row) string { return strconv.FormatFloat(f(r.usage), 'f', 2, 64) }
}

func text(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func locationName(r *row) string {
	if r.location == nil {
		return ""
	}
	return r.location.Name
}

func locationID(r *row) string {
	if r.location == nil {
		return ""
	}
	return r.location.ExternalID
}

// endpointLegs counts the legs on the endpoint type named t.
func endpointLegs(t string) func(*row) string {
	i := slices.Index(enum.EndpointType("").Values(), t)
	return count(func(f *calling.Figures) int { return f.EndpointLegs(i) })
}

// customerColumns open the inventory reports: External ID is the customer's (wholesale) ID.
var customerColumns = []column{
	{"externalId", "External ID", func(r *row) string { return text(r.customer.ExternalID) }},
	{"customer", "Customer", func(r *row) string { return r.customer.Name }},
	{"customerOrgId", "Customer org ID", func(r *row) string { return r.customer.OrgID }},
	{"locationId", "Location ID", locationID},
	{"locationName", "Location name", locationName},
}

// columns are the columns of each default template, in CSV order.
var columns = map[enum.ReportKind][]column{
	enum.ReportCallingUsage: {
		{"customerName", "Customer name", func(r *row) string { return r.customer.Name }},
		{"orgId", "Org ID", func(r *row) string { return r.customer.OrgID }},
		{"location", "Location", locationName},
		{"totalCalls", "Total calls", count((*calling.Figures).Calls)},
		{"totalCallLegs", "Total call legs", count((*calling.Figures).Legs)},
		{"poorQualityCallLegs", "Poor quality call legs", count((*calling.Figures).PoorLegs)},
		{"callMinutes", "Call minutes", minutes((*calling.Figures).Minutes)},
		{"videoCallMinutes", "Video call minutes", minutes((*calling.Figures).VideoMinutes)},
		{"audioCallLegs", "Audio call legs", count((*calling.Figures).AudioLegs)},
		{"videoCallLegs", "Video call legs", count((*calling.Figures).VideoLegs)},
		{"deskPhoneCallLegs", "Desk phone call legs", endpointLegs("DESK_PHONE")},
		{"roomDeviceCallLegs", "Room device call legs", endpointLegs("ROOM_DEVICE")},
		{"otherDeviceCallLegs", "Other device call legs", endpointLegs("OTHER")},
		{"huntGroupCalls", "Hunt group calls", count((*calling.Figures).HuntGroupCalls)},
		{"autoAttendantCalls", "Auto attendant calls", count((*calling.Figures).AutoAttendantCalls)},
		{"callQueueCalls", "Call queue calls", count((*calling.Figures).CallQueueCalls)},
		{"callQueueTimedOutCalls", "Call queue timed out calls", count((*calling.Figures).TimedOut)},
		{"callQueueOverflowCalls", "Call queue overflow calls", count((*calling.Figures).Overflow)},
		{"callQueueTransferredCalls", "Call queue transferred calls", count((*calling.Figures).Transferred)},
		{"callQueueAbandonedCalls", "Call queue abandoned calls", count((*calling.Figures).Abandoned)},
	},
	enum.ReportDevices: append(append([]column{}, customerColumns...),
		column{"product", "Product", func(r *row) string { return r.device.Product }},
		column{"mac", "MAC", func(r *row) string { return r.device.MAC }},
		column{"firmware", "Firmware", func(r *row) string { return r.device.Firmware }},
		column{"phoneNumber", "Phone number", func(r *row) string { return text(r.device.PhoneNumber) }},
		column{"extension", "Extension", func(r *row) string { return text(r.device.Extension) }},
		column{"userId", "User ID", func(r *row) string { return text(r.device.UserID) }},
		column{"userUuid", "User UUID", func(r *row) string { return text(r.device.UserUUID) }},
	),
	enum.ReportPhoneNumbers: append(append([]column{}, customerColumns...),
		column{"country", "Country", func(r *row) string { return r.number.Country }},
		column{"phoneNumber", "Phone number", func(r *row) string { return r.number.Number }},
		column{"extension", "Extension", func(r *row) string { return text(r.number.Extension) }},
		column{"pstnConnection", "PSTN connection", func(r *row) string { return r.number.PstnConnection }},
		column{"active", "Active", func(r *row) string { return strconv.FormatBool(r.number.Active) }},
		column{"userType", "User type", func(r *row) string { return string(r.number.UserType) }},
		column{"numberType", "Number type", func(r *row) string { return string(r.number.NumberType) }},
		column{"userId", "User ID", func(r *row) string { return text(r.number.UserID) }},
		column{"userUuid", "User UUID", func(r *row) string { return text(r.number.UserUUID) }},
	),
}

// pick returns the columns of kind named by keys, in their order.
func pick(kind enum.ReportKind, keys []string) []column {
	out := make([]column, 0, len(keys))
	for _, k := range keys {
		for _, c := range columns[kind] {
			if c.key == k {
				out = append(out, c)
			}
		}
	}
	return out
}
