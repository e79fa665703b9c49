package viewer

import (
	"slices"

	"github.com/partnerhub/partnerhub-api/ent/enum"
)

// Can is one capability of the permission matrix: one of Viewer's Can* methods, as a
// function privacy rules and mutations take.
type Can func(*Viewer) bool

// The scopes that narrow a token.
const (
	ScopeCustomersRead = "customers:read"
	ScopeAnalyticsRead = "analytics:read"
	ScopeReports       = "reports"
	ScopeTagsWrite     = "tags:write"
	ScopeTrialsWrite   = "trials:write"
	ScopeAdminsWrite   = "admins:write"
	ScopeIngest        = "ingest"
	// ScopeAuditRead reads the audit trail and the API token records.
	ScopeAuditRead = "audit:read"
)

// Scopes lists every scope.
var Scopes = []string{ScopeCustomersRead, ScopeAnalyticsRead, ScopeReports, ScopeTagsWrite, ScopeTrialsWrite, ScopeAdminsWrite, ScopeIngest, ScopeAuditRead}

// ReadScopes are the scopes a READ_ONLY_ADMIN's token may carry.
var ReadScopes = []string{ScopeCustomersRead, ScopeAnalyticsRead, ScopeReports, ScopeAuditRead}

// Allows reports whether the viewer's token carries scope. A token without scopes carries
// every scope except ingest, which must always be granted explicitly.
func (v *Viewer) Allows(scope string) bool {
	if v.IsSystem() {
		return true
	}
	if len(v.Scopes) == 0 {
		return scope != ScopeIngest
	}
	return slices.Contains(v.Scopes, scope)
}

// writer reports whether the role may change anything at all.
func (v *Viewer) writer() bool { return v.Role == enum.RoleFullAdmin || v.Role == enum.RoleAdmin }

// The permission matrix, in one place.

// CanReadCustomers reports whether the viewer may read customers and what belongs to them
// (analytics, reports and ingestion read them too, and so does every write scope: a token
// may tag, start a trial for or assign admins to only the customers it can see).
func (v *Viewer) CanReadCustomers() bool {
	return v.IsSystem() || v.Allows(ScopeCustomersRead) || v.Allows(ScopeAnalyticsRead) || v.Allows(ScopeReports) || v.Allows(ScopeIngest) ||
		v.CanEditTags() || v.CanStartTrials() || v.CanAssignAdmins()
}

// CanReadAnalytics reports whether the viewer may read KPIs and analytics.
func (v *Viewer) CanReadAnalytics() bool { return v.IsSystem() || v.Allows(ScopeAnalyticsRead) }

// CanReport reports whether the viewer may generate, read and schedule reports and manage
// report templates (every role may: a report holds only customers the viewer can read).
func (v *Viewer) CanReport() bool { return v.IsSystem() || v.Allows(ScopeReports) }

// CanEditTags reports whether the viewer may create, rename and delete tags and tag customers.
func (v *Viewer) CanEditTags() bool { return v.IsSystem() || v.writer() && v.Allows(ScopeTagsWrite) }

// CanStartTrials reports whether the viewer may start trials.
func (v *Viewer) CanStartTrials() bool {
	return v.IsSystem() || v.writer() && v.Allows(ScopeTrialsWrite)
}

// CanAssignAdmins reports whether the viewer may assign admins to customers, which is
// part of managing admins.
func (v *Viewer) CanAssignAdmins() bool { return v.CanManageAdmins() }

// CanManageAdmins reports whether the viewer may add admins, change their roles and remove them.
func (v *Viewer) CanManageAdmins() bool {
	return v.IsSystem() || v.Role == enum.RoleFullAdmin && v.Allows(ScopeAdminsWrite)
}

// CanChangeSettings reports whether the viewer may change the partner's thresholds, which
// is part of administering the partner.
func (v *Viewer) CanChangeSettings() bool {
	return v.IsSystem() || v.Role == enum.RoleFullAdmin && v.Allows(ScopeAdminsWrite)
}

// CanIngest reports whether the viewer may push data in.
func (v *Viewer) CanIngest() bool { return v.IsSystem() || v.writer() && v.Allows(ScopeIngest) }

// CanReadAudit reports whether the viewer may read the audit trail.
func (v *Viewer) CanReadAudit() bool {
	return v.IsSystem() || v.Role == enum.RoleFullAdmin && v.Allows(ScopeAuditRead)
}

// CanReadTokens reports whether the viewer may list API token records (its own, or a
// FULL_ADMIN's partner's); minting and revoking need no scope.
func (v *Viewer) CanReadTokens() bool { return v.IsSystem() || v.Allows(ScopeAuditRead) }

// CanMint reports whether the viewer may mint a token of role with scopes: a role at most
// its own, scopes within its token's, and read scopes only for a READ_ONLY_ADMIN.
func (v *Viewer) CanMint(role enum.Role, scopes []string) bool {
	if v.IsSystem() {
		return true
	}
	if !role.AtMost(v.Role) {
		return false
	}
	// A narrowed token mints only tokens at least as narrow (no scopes would mean more).
	if len(v.Scopes) > 0 && len(scopes) == 0 {
		return false
	}
	for _, s := range scopes {
		if len(v.Scopes) > 0 && !slices.Contains(v.Scopes, s) || v.Role == enum.RoleReadOnlyAdmin && !slices.Contains(ReadScopes, s) {
			return false
		}
	}
	return true
}
