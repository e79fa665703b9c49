// Package auth mints and verifies the API's bearer tokens: HS256 JWTs whose ID (jti)
// names an ApiToken row, so a token can be revoked and its role never exceeds its admin's.
package auth

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/sync/singleflight"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/apitoken"
	"github.com/partnerhub/partnerhub-api/ent/change"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/gid"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
)

// Algorithm is the only signing algorithm accepted.
const Algorithm = "HS256"

// lastUsedResolution is how stale an ApiToken's lastUsedAt may be.
const lastUsedResolution = time.Minute

// ErrInvalidToken is returned for any token that does not authenticate; the reason is
// wrapped for logs, never shown to the client.
var ErrInvalidToken = errors.New("invalid token")

// ErrUnavailable is returned when a token cannot be checked because its record cannot be
// read: the database is down or unreachable. The token may well be valid.
var ErrUnavailable = errors.New("the token store is unavailable")

// Config configures an Authority.
type Config struct {
	Secret   []byte
	Issuer   string
	Audience string
	// TTL is the default lifetime of minted tokens.
	TTL time.Duration
	// Leeway tolerates clock skew on exp, nbf and iat.
	Leeway time.Duration
	// CacheTTL is how long a verified token's lookup is reused; revocation takes effect
	// within it.
	CacheTTL time.Duration
}

// Claims are the JWT claims of an API token.
type Claims struct {
	jwt.RegisteredClaims
	PartnerID int       `json:"pid"`
	Role      enum.Role `json:"role"`
	Scopes    []string  `json:"scopes,omitempty"`
}

// Authority mints and verifies tokens.
type Authority struct {
	cfg    Config
	client *ent.Client
	now    func() time.Time
	parser *jwt.Parser

	mu    sync.Mutex
	cache map[string]cached
	gen   map[int]uint64 // per partner, bumped by Forget
	// forgets counts the calls of Forget: a lookup that saw one happen while it read the
	// token is not cached, since what it read may predate the change.
	forgets uint64
	flight  singleflight.Group
}

type cached struct {
	viewer  *viewer.Viewer
	fetched time.Time
	gen     uint64
}

// New returns an Authority over client's ApiToken rows, with now as its clock.
func New(cfg Config, client *ent.Client, now func() time.Time) (*Authority, error) {
	if len(cfg.Secret) < 32 {
		return nil, errors.New("the JWT secret must be at least 32 bytes")
	}
	if cfg.Issuer == "" || cfg.Audience == "" {
		return nil, errors.New("the JWT issuer and audience must be set")
	}
	parser := jwt.NewParser(
		jwt.WithValidMethods([]string{Algorithm}),
		jwt.WithIssuer(cfg.Issuer),
		jwt.WithAudience(cfg.Audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(cfg.Leeway),
		jwt.WithTimeFunc(now),
	)
	return &Authority{cfg: cfg, client: client, now: now, parser: parser, cache: map[string]cached{}, gen: map[int]uint64{}}, nil
}

// Grant describes a token to mint.
type Grant struct {
	Name   string
	Role   enum.Role
	Scopes []string
	// TTL is the token's lifetime; zero takes the configured default.
	TTL time.Duration
	// Parent is the ID (jti) of the token the new one is minted with, if any: the new
	// token expires no later than it and is revoked with it.
	Parent string
}

// Issue records a new token for admin (who must already be loaded) through client, which
// may be a transaction's, and returns its signed JWT — the only time the secret exists.
func (a *Authority) Issue(ctx context.Context, client *ent.Client, admin *ent.Admin, g Grant) (string, *ent.ApiToken, error) {
	if g.TTL <= 0 {
		g.TTL = a.cfg.TTL
	}
	now := a.now().UTC().Truncate(time.Second)
	create := client.ApiToken.Create().
		SetPartnerID(admin.PartnerID).
		SetAdminID(admin.ID).
		SetJti(newJTI()).
		SetName(g.Name).
		SetRole(g.Role).
		SetScopes(g.Scopes).
		SetCreatedAt(now).
		SetExpiresAt(now.Add(g.TTL))
	if g.Parent != "" {
		parent, err := client.ApiToken.Query().Where(apitoken.Jti(g.Parent)).Only(ctx)
		if err != nil {
			return "", nil, fmt.Errorf("read the parent token: %w", err)
		}
		create.SetParentID(parent.ID)
		if parent.ExpiresAt.Before(now.Add(g.TTL)) {
			create.SetExpiresAt(parent.ExpiresAt)
		}
	}
	tok, err := create.Save(ctx)
	if err != nil {
		return "", nil, fmt.Errorf("record token: %w", err)
	}
	signed, err := a.Sign(tok, gid.Encode("Admin", admin.ID))
	if err != nil {
		return "", nil, err
	}
	return signed, tok, nil
}

// Sign returns the JWT of a recorded token.
func (a *Authority) Sign(tok *ent.ApiToken, subject string) (string, error) {
	claims := Claims{
		RegisteredClaims: jwt.RegisteredClaims{
			ID:        tok.Jti,
			Subject:   subject,
			Issuer:    a.cfg.Issuer,
			Audience:  jwt.ClaimStrings{a.cfg.Audience},
			IssuedAt:  jwt.NewNumericDate(tok.CreatedAt),
			NotBefore: jwt.NewNumericDate(tok.CreatedAt),
			ExpiresAt: jwt.NewNumericDate(tok.ExpiresAt),
		},
		PartnerID: tok.PartnerID,
		Role:      tok.Role,
		Scopes:    tok.Scopes,
	}
	signed, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(a.cfg.Secret)
	if err != nil {
		return "", fmt.Errorf("sign token: %w", err)
	}
	return signed, nil
}

// Authenticate verifies a raw JWT and returns the viewer it acts as.
func (a *Authority) Authenticate(ctx context.Context, raw string) (*viewer.Viewer, error) {
	var claims Claims
	if _, err := a.parser.ParseWithClaims(raw, &claims, func(*jwt.Token) (any, error) { return a.cfg.Secret, nil }); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	if claims.ID == "" {
		return nil, fmt.Errorf("%w: no jti", ErrInvalidToken)
	}
	return a.lookupOf(ctx, claims.ID, claims.PartnerID)
}

// Recheck looks the token of v, a viewer Authenticate gave, up again as Authenticate does
// once the token's signature is verified: it fails the same way once the token is revoked
// or its admin removed, and gives the role and settings they have now. A websocket checks
// its token so, without parsing it again.
func (a *Authority) Recheck(ctx context.Context, v *viewer.Viewer) (*viewer.Viewer, error) {
	return a.lookupOf(ctx, v.TokenID, v.PartnerID)
}

// lookupOf returns the viewer of the recorded token jti (see lookup), which must be of
// partnerID.
func (a *Authority) lookupOf(ctx context.Context, jti string, partnerID int) (*viewer.Viewer, error) {
	v, err := a.lookup(ctx, jti)
	if err != nil {
		return nil, err
	}
	if v.PartnerID != partnerID {
		return nil, fmt.Errorf("%w: partner does not match", ErrInvalidToken)
	}
	return v, nil
}

// Expired reports whether v's token is past its expiry, without the leeway verification
// allows for clock skew: a websocket closes at its token's exact expiry.
func (a *Authority) Expired(v *viewer.Viewer) bool {
	return !v.ExpiresAt.IsZero() && !a.now().Before(v.ExpiresAt)
}

// lookup returns the viewer of the recorded token jti, reusing a lookup younger than
// CacheTTL; concurrent lookups of one token are made once.
func (a *Authority) lookup(ctx context.Context, jti string) (*viewer.Viewer, error) {
	now := a.now()
	a.mu.Lock()
	c, ok := a.cache[jti]
	fresh := ok && c.gen == a.gen[c.viewer.PartnerID] && now.Sub(c.fetched) < a.cfg.CacheTTL
	a.mu.Unlock()
	if fresh {
		return c.viewer, nil
	}
	v, err, _ := a.flight.Do(jti, func() (any, error) { return a.fetch(context.WithoutCancel(ctx), jti, now) })
	if err != nil {
		return nil, err
	}
	return v.(*viewer.Viewer), nil
}

// Changed forgets the cached lookups of the partner's tokens (Forget) when a change of the
// partner may alter what they give: one of its tokens, admins or settings, or anything.
// Changes of other rows (customers, licenses, call legs) keep them.
func (a *Authority) Changed(partnerID int, touched change.Set) {
	if touched.Touches(ent.TypeApiToken, ent.TypeAdmin, ent.TypePartner) {
		a.Forget(partnerID)
	}
}

// Forget drops the cached lookups of the partner's tokens (of every partner when partnerID
// is 0), so a revocation or a change of an admin's role applies from the next request: it
// is called for every change notification, from this instance and from the others.
func (a *Authority) Forget(partnerID int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.forgets++
	if partnerID == 0 {
		clear(a.cache)
		return
	}
	a.gen[partnerID]++
}

// fetch reads the recorded token jti and its admin, and caches the viewer they make unless
// Forget was called meanwhile.
func (a *Authority) fetch(ctx context.Context, jti string, now time.Time) (*viewer.Viewer, error) {
	a.mu.Lock()
	forgets := a.forgets
	a.mu.Unlock()
	tok, err := a.client.ApiToken.Query().
		Where(apitoken.Jti(jti)).
		WithAdmin(func(q *ent.AdminQuery) { q.WithPartner() }).
		Only(viewer.SystemContext(ctx))
	switch {
	case ent.IsNotFound(err):
		return nil, fmt.Errorf("%w: unknown token", ErrInvalidToken)
	case err != nil:
		return nil, fmt.Errorf("%w: look up token: %w", ErrUnavailable, err)
	case tok.RevokedAt != nil:
		return nil, fmt.Errorf("%w: revoked", ErrInvalidToken)
	case tok.Edges.Admin.RemovedAt != nil:
		return nil, fmt.Errorf("%w: admin removed", ErrInvalidToken)
	case !now.Before(tok.ExpiresAt.Add(a.cfg.Leeway)):
		return nil, fmt.Errorf("%w: expired", ErrInvalidToken)
	}
	if tok.LastUsedAt == nil || now.Sub(*tok.LastUsedAt) > lastUsedResolution {
		// At most one write a minute per token, and only on a cache miss.
		if err := a.client.ApiToken.UpdateOneID(tok.ID).SetLastUsedAt(now.UTC()).Exec(viewer.SystemContext(ctx)); err != nil {
			return nil, fmt.Errorf("%w: record token use: %w", ErrUnavailable, err)
		}
	}
	adm := tok.Edges.Admin
	v := &viewer.Viewer{
		PartnerID: tok.PartnerID,
		AdminID:   adm.ID,
		Role:      tok.Role.Min(adm.Role),
		Scopes:    tok.Scopes,
		TokenID:   tok.Jti,
		ExpiresAt: tok.ExpiresAt,
		Settings:  adm.Edges.Partner.Settings.WithDefaults(),
	}
	a.mu.Lock()
	if len(a.cache) > 10000 {
		clear(a.cache)
	}
	if a.forgets == forgets {
		a.cache[jti] = cached{viewer: v, fetched: now, gen: a.gen[v.PartnerID]}
	}
	a.mu.Unlock()
	return v, nil
}

func newJTI() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
