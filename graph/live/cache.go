package live

import (
	"context"
	"maps"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/partnerhub/partnerhub-api/ent/change"
)

// Cache keeps computed results per scope and key until a change that may alter them (or
// MaxAge) makes them stale; identical computations running at once are done once. Each
// partner's recent changes are kept in order, and a stored result is judged against the
// ones that came after it when it is next asked for.
//
// MinInterval paces recomputations: a result computed less than MinInterval ago (by the
// tick clock) is served as it is even when a change may have altered it, so a burst of
// changes recomputes each result at most once per MinInterval. With MinInterval set, a
// reader never waits for a recomputation of a result stored: one being recomputed is served
// as it is meanwhile, and the first lookup after MinInterval gets it as it is too while it
// is recomputed in the background, one such renewal at a time (a result a reader gets is
// thus at most MinInterval and one computation old). Lookups under a Strict context never
// get such a result: they wait for the figures that follow every change.
type Cache struct {
	MaxAge      time.Duration
	MinInterval time.Duration
	now         func() time.Time
	tick        func() time.Time

	mu       sync.Mutex
	logs     map[int]*changeLog
	entries  map[string]*entry
	flight   singleflight.Group
	inFlight map[string]bool // keys being computed

	renewing     chan struct{} // holds the one renewal running (renew)
	hits, misses atomic.Uint64
	computed     map[Recomputation]uint64
}

// Recomputation names a count of computed results: why, and for which class of scope (its
// name up to a colon: "admin" for "admin:7").
type Recomputation struct{ Reason, Scope string }

// maxLog is how many changes of a partner are kept; a result older than all of them is
// recomputed.
const maxLog = 1024

// changeLog is a partner's recent changes: changes[i] is number first+i.
type changeLog struct {
	first   uint64
	changes []change.Set
}

func (l *changeLog) last() uint64 { return l.first + uint64(len(l.changes)) }

type entry struct {
	seq      uint64 // the changes before this number are judged
	at       time.Time
	computed time.Time // by the tick clock
	value    any
	check    any // the scope's partner-wide figure when computed
}

// Stats returns how many lookups found a fresh value and how many computed one (or
// waited for the same computation running at once).
func (c *Cache) Stats() (hits, misses uint64) { return c.hits.Load(), c.misses.Load() }

// Recomputations returns how many results were computed, by reason and class of scope.
func (c *Cache) Recomputations() map[Recomputation]uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.computed)
}

// NewCache returns a cache made stale by b's notifications.
func NewCache(b Broker, maxAge time.Duration, now func() time.Time) *Cache {
	c := &Cache{MaxAge: maxAge, now: now, tick: time.Now, logs: map[int]*changeLog{}, entries: map[string]*entry{}, inFlight: map[string]bool{}, computed: map[Recomputation]uint64{}, renewing: make(chan struct{}, 1)}
	b.OnChange(c.record)
	return c
}

// record keeps a change for the judgement of the partner's stored results.
func (c *Cache) record(ch Change) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ch.PartnerID == 0 {
		// Results being computed now are judged against this change when next asked for.
		clear(c.entries)
		for p := range c.logs {
			c.append(p, ch.Set)
		}
		return
	}
	c.append(ch.PartnerID, ch.Set)
}

// append adds a change to the partner's log, dropping the oldest half when it is full.
func (c *Cache) append(partnerID int, s change.Set) {
	l := c.log(partnerID)
	l.changes = append(l.changes, s)
	if len(l.changes) > maxLog {
		drop := len(l.changes) - maxLog/2
		l.changes = append([]change.Set(nil), l.changes[drop:]...)
		l.first += uint64(drop)
	}
}

func (c *Cache) log(partnerID int) *changeLog {
	l := c.logs[partnerID]
	if l == nil {
		l = &changeLog{first: 1}
		c.logs[partnerID] = l
	}
	return l
}

// SetTick sets the clock that paces recomputations (MinInterval).
func (c *Cache) SetTick(tick func() time.Time) { c.tick = tick }

type strictKey struct{}

// Strict returns a context whose lookups never get a result that a change may have
// altered, however recently it was computed: for those who must end with the latest.
func Strict(ctx context.Context) context.Context { return context.WithValue(ctx, strictKey{}, true) }

// IsStrict reports whether ctx is Strict.
func IsStrict(ctx context.Context) bool {
	strict, _ := ctx.Value(strictKey{}).(bool)
	return strict
}

// lookup judges the stored result of full for s: the value when it is fresh, else why not.
// A result that only the partner-wide figure may have altered comes back with check.
// Unless strict, a result computed within MinInterval, or being recomputed, comes back as
// it is (paced). With patchable kinds, a stale result whose changes since all name their
// customers and touch only those kinds comes back with patch and those customers.
func (c *Cache) lookup(s Scope, full string, strict bool, patchable []change.Kind) (e *entry, seq uint64, v verdict, reason string, customers []int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	l := c.log(s.PartnerID)
	seq = l.last()
	e = c.entries[full]
	switch {
	case e == nil:
		return nil, seq, stale, ReasonNew, nil
	case c.now().Sub(e.at) >= c.MaxAge:
		return nil, seq, stale, ReasonAge, nil
	}
	v = keep
	if e.seq < l.first {
		v = stale
	} else {
		for _, ch := range l.changes[e.seq-l.first:] {
			if v = max(v, s.judge(ch)); v == stale {
				break
			}
		}
	}
	switch {
	case v == keep:
		e.seq = seq
		return e, seq, keep, "", nil
	case !strict && c.MinInterval > 0 && (c.tick().Sub(e.computed) < c.MinInterval || c.inFlight[full]):
		return e, seq, paced, "", nil
	case !strict && c.MinInterval > 0 && v == stale:
		return e, seq, renew, ReasonChange, nil
	case v == stale && patchable != nil && e.seq >= l.first:
		if customers, ok := s.touched(l.changes[e.seq-l.first:], patchable); ok {
			return e, seq, catchUp, ReasonPatch, customers
		}
		return nil, seq, stale, ReasonChange, nil
	case v == stale:
		return nil, seq, stale, ReasonChange, nil
	}
	return e, seq, check, "", nil
}

// Fresh reports whether the stored result of key for the scope is known to be current:
// no change since it was computed can alter it. It computes nothing.
func Fresh(c *Cache, s Scope, key string) bool {
	_, _, v, _, _ := c.lookup(s, s.full(key), true, nil)
	return v == keep
}

// Get returns the cached value of key for the scope, computing it when missing or stale.
// One computation of a key runs at a time: callers asking meanwhile wait for it, and those
// who heard of a change it may have started before compute once more, together.
func Get[T any](ctx context.Context, c *Cache, s Scope, key string, compute func(context.Context) (T, error)) (T, error) {
	return get(ctx, c, s, key, compute, nil, nil)
}

// get is Get, GetPatched, or with compute nil StoredPatched.
func get[T any](ctx context.Context, c *Cache, s Scope, key string, compute func(context.Context) (T, error),
	patchable []change.Kind, patch Patch[T]) (T, error) {
	var zero T
	full := s.full(key)
	strict := IsStrict(ctx)
	for {
		e, seq, v, reason, customers := c.lookup(s, full, strict, patchable)
		if v == check {
			fig, err := s.Check(ctx)
			if err != nil {
				return zero, err
			}
			if fig == e.check {
				c.mu.Lock()
				e.seq = max(e.seq, seq)
				c.mu.Unlock()
			} else {
				e, reason = nil, ReasonShared
			}
		}
		run := func(ctx context.Context) (any, error) { return compute(ctx) }
		if v == renew && compute != nil {
			c.renew(ctx, s, full, run)
		}
		if e != nil && v != catchUp {
			c.hits.Add(1)
			return e.value.(T), nil
		}
		if v != catchUp && compute == nil {
			return zero, errNotStored
		}
		c.misses.Add(1)
		if v == catchUp {
			old := e.value.(T)
			run = func(ctx context.Context) (any, error) { return patch(ctx, old, customers) }
		}
		out, err, _ := c.flight.Do(full, func() (any, error) {
			// A computation that ended between this caller's lookup and now may have
			// followed every change it heard of: then it is the result.
			if r, ok := c.storedSince(full, seq); ok {
				return r, nil
			}
			return c.compute(ctx, s, full, reason, seq, v == catchUp, run)
		})
		if err != nil {
			return zero, err
		}
		if r := out.(computed); r.seq >= seq {
			return r.value.(T), nil
		}
		// The computation began before a change this caller heard of: judge it again.
	}
}

// storedSince returns the stored result of full when it was computed after every change
// numbered before seq, and is younger than MaxAge.
func (c *Cache) storedSince(full string, seq uint64) (computed, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[full]
	if e == nil || e.seq < seq || c.now().Sub(e.at) >= c.MaxAge {
		return computed{}, false
	}
	return computed{e.value, e.seq}, true
}

// computed is a result and the number of the first change it may not have seen.
type computed struct {
	value any
	seq   uint64
}

// compute computes and stores the result of full for the scope, counting it under reason.
// A patch has seen the changes before judged, those its lookup judged; a computation, every
// change recorded before it starts.
func (c *Cache) compute(ctx context.Context, s Scope, full, reason string, judged uint64, patched bool, compute func(context.Context) (any, error)) (computed, error) {
	class, _, _ := strings.Cut(s.Name, ":")
	c.mu.Lock()
	c.computed[Recomputation{reason, class}]++
	seq := c.log(s.PartnerID).last()
	if patched {
		seq = judged
	}
	c.inFlight[full] = true
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.inFlight, full)
		c.mu.Unlock()
	}()
	ctx = context.WithoutCancel(ctx)
	at, tick := c.now(), c.tick()
	var fig any
	if s.Check != nil {
		var err error
		if fig, err = s.Check(ctx); err != nil {
			return computed{}, err
		}
	}
	v, err := compute(ctx)
	if err != nil {
		return computed{}, err
	}
	c.mu.Lock()
	if len(c.entries) > 10000 {
		clear(c.entries)
	}
	// Changes from seq on are judged at the next lookup, whether or not the computation
	// saw them.
	c.entries[full] = &entry{seq: seq, at: at, computed: tick, value: v, check: fig}
	c.mu.Unlock()
	return computed{v, seq}, nil
}
