package live

import (
	"context"
	"errors"
	"slices"

	"github.com/partnerhub/partnerhub-api/ent/change"
)

// Patch brings a stored value up to date with changes that touched customers alone: it
// returns what a computation would give now, without altering old.
type Patch[T any] func(ctx context.Context, old T, customers []int) (T, error)

// GetPatched is Get for a value that patch can bring up to date with changes that name
// their customers and touch only kinds among patchable: such a stale value is patched
// rather than computed anew (the metric counts it under ReasonPatch).
func GetPatched[T any](ctx context.Context, c *Cache, s Scope, key string, patchable []change.Kind,
	compute func(context.Context) (T, error), patch Patch[T]) (T, error) {
	return get(ctx, c, s, key, compute, patchable, patch)
}

// StoredPatched is GetPatched that never computes the value anew: ok is false when no
// value is stored that is fresh or can be patched.
func StoredPatched[T any](ctx context.Context, c *Cache, s Scope, key string, patchable []change.Kind, patch Patch[T]) (v T, ok bool, err error) {
	v, err = get(ctx, c, s, key, nil, patchable, patch)
	if errors.Is(err, errNotStored) {
		return v, false, nil
	}
	return v, err == nil, err
}

// Known reports whether a result of key for the scope is stored and younger than MaxAge,
// current or not: whether computing it now would recompute it after a change (never with
// MaxAge 0, the cache off). It computes nothing.
func Known(c *Cache, s Scope, key string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[s.full(key)]
	return e != nil && c.now().Sub(e.at) < c.MaxAge
}

// errNotStored is get's error when compute is nil and the value would have to be computed.
var errNotStored = errors.New("no value stored")

// touched returns the customers the changes that may alter the scope's results name, if
// each of those names its customers and touches, of the kinds the results read, only kinds
// among patchable.
func (s Scope) touched(changes []change.Set, patchable []change.Kind) ([]int, bool) {
	seen := map[int]bool{}
	var out []int
	for _, ch := range changes {
		if s.judge(ch) == keep {
			continue
		}
		if ch.All || ch.Many {
			return nil, false
		}
		for _, k := range ch.Kinds {
			if (s.Reads == nil || slices.Contains(s.Reads, k)) && !slices.Contains(patchable, k) {
				return nil, false
			}
		}
		for _, id := range ch.Customers {
			if !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
	}
	return out, true
}

// renew recomputes the result of full in the background, unless another renewal is under
// way: one at a time, so that the database time readers' renewals take is bounded
// whatever their number.
func (c *Cache) renew(ctx context.Context, s Scope, full string, run func(context.Context) (any, error)) {
	select {
	case c.renewing <- struct{}{}:
	default:
		return
	}
	ctx = context.WithoutCancel(ctx)
	go func() {
		defer func() { <-c.renewing }()
		_, _, _ = c.flight.Do(full, func() (any, error) {
			return c.compute(ctx, s, full, ReasonChange, 0, false, run)
		})
	}()
}
