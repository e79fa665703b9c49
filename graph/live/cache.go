package live

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"
)

// Cache keeps computed results per key until a change notification of the key's partner
// (or MaxAge) invalidates them; identical computations running at once are done once.
type Cache struct {
	MaxAge time.Duration
	now    func() time.Time

	mu      sync.Mutex
	gen     map[int]uint64 // per partner, bumped by every change
	entries map[string]entry
	flight  singleflight.Group

	hits, misses atomic.Uint64
}

// Stats returns how many lookups found a fresh value and how many computed one (or
// waited for the same computation running at once).
func (c *Cache) Stats() (hits, misses uint64) { return c.hits.Load(), c.misses.Load() }

type entry struct {
	gen   uint64
	at    time.Time
	value any
}

// NewCache returns a cache invalidated by b's notifications.
func NewCache(b Broker, maxAge time.Duration, now func() time.Time) *Cache {
	c := &Cache{MaxAge: maxAge, now: now, gen: map[int]uint64{}, entries: map[string]entry{}}
	b.OnChange(c.invalidate)
	return c
}

func (c *Cache) invalidate(partnerID int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if partnerID == 0 {
		for p := range c.gen {
			c.gen[p]++
		}
		clear(c.entries)
		return
	}
	c.gen[partnerID]++
}

// Get returns the cached value of key for partnerID, computing it when missing or stale.
func Get[T any](ctx context.Context, c *Cache, partnerID int, key string, compute func(context.Context) (T, error)) (T, error) {
	full := fmt.Sprintf("%d|%s", partnerID, key)
	c.mu.Lock()
	gen := c.gen[partnerID]
	e, ok := c.entries[full]
	c.mu.Unlock()
	if ok && e.gen == gen && c.now().Sub(e.at) < c.MaxAge {
		c.hits.Add(1)
		return e.value.(T), nil
	}
	c.misses.Add(1)
	v, err, _ := c.flight.Do(fmt.Sprintf("%s|%d", full, gen), func() (any, error) {
		at := c.now()
		v, err := compute(context.WithoutCancel(ctx))
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		if c.gen[partnerID] == gen { // no change while computing
			if len(c.entries) > 10000 {
				clear(c.entries)
			}
			c.entries[full] = entry{gen: gen, at: at, value: v}
		}
		c.mu.Unlock()
		return v, nil
	})
	if err != nil {
		var zero T
		return zero, err
	}
	return v.(T), nil
}
