// Package viewer carries who is acting — partner, admin, role, scopes, token — through a context.
package viewer

import (
	"context"
	"time"

	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/settings"
)

// Viewer is the authenticated actor of a request or job.
type Viewer struct {
	PartnerID int
	AdminID   int
	Role      enum.Role
	// Scopes narrow what a token may do; empty means everything its role allows.
	Scopes []string
	// TokenID is the ID (jti) of the API token the request came with.
	TokenID string
	// ExpiresAt is when that token expires (zero for viewers without a token).
	ExpiresAt time.Time
	// Settings are the partner's thresholds, defaults applied.
	Settings settings.Partner
	system   bool
}

// System returns the viewer of internal jobs (migrations, seeding, bootstrap) that bypass
// privacy rules. It never comes from a request.
func System() *Viewer { return &Viewer{system: true, Settings: settings.Defaults} }

// SystemOf returns the system viewer acting within one partner: an administrative command
// that changes the partner's data through the same code as the API, recorded as an
// internal job's change of that partner.
func SystemOf(partnerID int) *Viewer {
	return &Viewer{system: true, PartnerID: partnerID, Settings: settings.Defaults}
}

// IsSystem reports whether v is the internal system viewer.
func (v *Viewer) IsSystem() bool { return v != nil && v.system }

// SeesAllCustomers reports whether the viewer's role sees every customer of its partner.
func (v *Viewer) SeesAllCustomers() bool {
	return v.system || v.Role == enum.RoleFullAdmin || v.Role == enum.RoleReadOnlyAdmin
}

type ctxKey struct{}

// NewContext returns a copy of ctx carrying v.
func NewContext(ctx context.Context, v *Viewer) context.Context {
	return context.WithValue(ctx, ctxKey{}, v)
}

// FromContext returns the viewer in ctx, or nil.
func FromContext(ctx context.Context) *Viewer {
	v, _ := ctx.Value(ctxKey{}).(*Viewer)
	return v
}

// SystemContext returns ctx carrying the system viewer.
func SystemContext(ctx context.Context) context.Context { return NewContext(ctx, System()) }
