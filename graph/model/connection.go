package model

import (
	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/graph/page"
)

// CustomerConnection is a page of customers.
type CustomerConnection = page.Connection[*ent.Customer]

// CustomerEdge is a customer with its cursor.
type CustomerEdge = page.Edge[*ent.Customer]

// TagConnection is a page of tags.
type TagConnection = page.Connection[*ent.Tag]

// TagEdge is a tag with its cursor.
type TagEdge = page.Edge[*ent.Tag]

// AdminConnection is a page of admins.
type AdminConnection = page.Connection[*ent.Admin]

// AdminEdge is an admin with its cursor.
type AdminEdge = page.Edge[*ent.Admin]

// ApiTokenConnection is a page of API tokens.
type ApiTokenConnection = page.Connection[*ent.ApiToken]

// ApiTokenEdge is an API token with its cursor.
type ApiTokenEdge = page.Edge[*ent.ApiToken]

// AuditEventConnection is a page of audit events.
type AuditEventConnection = page.Connection[*ent.AuditEvent]

// AuditEventEdge is an audit event with its cursor.
type AuditEventEdge = page.Edge[*ent.AuditEvent]

// DeviceConnection is a page of a customer's devices.
type DeviceConnection = page.Connection[*ent.Device]

// DeviceEdge is a device with its cursor.
type DeviceEdge = page.Edge[*ent.Device]

// PhoneNumberConnection is a page of a customer's phone numbers.
type PhoneNumberConnection = page.Connection[*ent.PhoneNumber]

// PhoneNumberEdge is a phone number with its cursor.
type PhoneNumberEdge = page.Edge[*ent.PhoneNumber]

// ReportConnection is a page of reports.
type ReportConnection = page.Connection[*ent.Report]

// ReportEdge is a report with its cursor.
type ReportEdge = page.Edge[*ent.Report]

// ReportScheduleConnection is a page of report schedules.
type ReportScheduleConnection = page.Connection[*ent.ReportSchedule]

// ReportScheduleEdge is a report schedule with its cursor.
type ReportScheduleEdge = page.Edge[*ent.ReportSchedule]
