package live

import (
	"context"
	"fmt"

	"github.com/partnerhub/partnerhub-api/ent/change"
)

// Scope is what cached results were computed for: a partner, the kinds of rows they read
// and the customers they see. Name tells scopes of one partner apart.
type Scope struct {
	PartnerID int
	Name      string
	// Reads are the kinds of rows the results read; nil reads every kind.
	Reads []change.Kind
	// Visible are the customers the results see; nil sees every customer of the partner.
	Visible map[int]bool
	// Global are the kinds whose change alters the results whichever customer it touches
	// (settings, roles, assignments).
	Global []change.Kind
	// Shared are the kinds whose rows of customers outside Visible still feed the results
	// through a partner-wide figure, which Check returns (comparable): a change of them
	// outside keeps a result while Check returns what it did when the result was computed.
	Shared []change.Kind
	Check  func(ctx context.Context) (any, error)
}

// full is the cache's key of the scope's result key.
func (s Scope) full(key string) string { return fmt.Sprintf("%d|%s|%s", s.PartnerID, s.Name, key) }

// verdict is what a change does to a scope's results.
type verdict int

const (
	keep    verdict = iota // cannot alter them
	check                  // may alter them through the partner-wide figure
	stale                  // may alter them
	paced                  // may alter them, but they were computed too recently to redo
	catchUp                // may alter them, and can be brought up to date customer by customer
	renew                  // may alter them: served as they are while recomputed in the background
)

// judge returns what the change c does to the scope's results.
func (s Scope) judge(c change.Set) verdict {
	switch {
	case c.All:
		return stale
	case s.Reads != nil && !c.Touches(s.Reads...):
		return keep
	case s.Visible == nil || c.Touches(s.Global...) || c.TouchesCustomerIn(s.Visible):
		return stale
	case s.Check != nil && c.Touches(s.Shared...):
		return check
	}
	return keep
}

// Reasons a result is computed, as the recomputation metric counts them.
const (
	ReasonNew    = "new"    // nothing was stored
	ReasonAge    = "age"    // the stored result outlived the cache's MaxAge
	ReasonChange = "change" // a change may have altered it
	ReasonShared = "shared" // the partner-wide figure it depends on changed
	ReasonPatch  = "patch"  // changes of a few customers were brought in (GetPatched)
)
