// Package change records what the mutations of a transaction touch — the kinds of rows
// and the customers they belong to — so that the notification sent once it commits can
// say what changed, and readers of other rows and other customers keep what they computed.
package change

import (
	"context"
	"slices"
	"sync"

	entgo "entgo.io/ent"

	"github.com/partnerhub/partnerhub-api/ent"
)

// Kind is a kind of row: the ent type name of the rows changed ("License", "Customer"),
// or Assignment.
type Kind string

// Assignment is the kind of an assignment of admins to customers, or its removal.
const Assignment Kind = "Assignment"

// MaxCustomers bounds the customers a Set names; beyond it the set says Many.
const MaxCustomers = 100

// Set is what a change touched. All says anything of the partner may have changed (its
// kinds and customers are then unknown); Many says more customers than MaxCustomers, or
// customers that could not be told, were touched.
type Set struct {
	All       bool   `json:"all,omitempty"`
	Kinds     []Kind `json:"k,omitempty"`
	Customers []int  `json:"c,omitempty"`
	Many      bool   `json:"many,omitempty"`
}

// Everything is the set of a change that may have touched anything.
func Everything() Set { return Set{All: true} }

// Touches reports whether the change touched rows of any of kinds.
func (s Set) Touches(kinds ...Kind) bool {
	if s.All {
		return true
	}
	for _, k := range kinds {
		if slices.Contains(s.Kinds, k) {
			return true
		}
	}
	return false
}

// TouchesCustomerIn reports whether the change touched a customer of visible, or may have.
func (s Set) TouchesCustomerIn(visible map[int]bool) bool {
	if s.All || s.Many {
		return true
	}
	for _, id := range s.Customers {
		if visible[id] {
			return true
		}
	}
	return false
}

// Recorder collects the set of one transaction; it is safe for concurrent use.
type Recorder struct {
	mu  sync.Mutex
	set Set
}

type ctxKey struct{}

// NewContext returns a context whose mutations record what they touch into the returned
// recorder.
func NewContext(ctx context.Context) (context.Context, *Recorder) {
	r := &Recorder{}
	return context.WithValue(ctx, ctxKey{}, r), r
}

// Set returns what the recorded mutations touched.
func (r *Recorder) Set() Set {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.set
	s.Kinds, s.Customers = slices.Clone(s.Kinds), slices.Clone(s.Customers)
	return s
}

// add records rows of kind and their customers; many says some customers are unknown.
func (r *Recorder) add(kind Kind, customers []int, many bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !slices.Contains(r.set.Kinds, kind) {
		r.set.Kinds = append(r.set.Kinds, kind)
	}
	if many || r.set.Many {
		r.set.Many, r.set.Customers = true, nil
		return
	}
	for _, id := range customers {
		if !slices.Contains(r.set.Customers, id) {
			r.set.Customers = append(r.set.Customers, id)
		}
	}
	if len(r.set.Customers) > MaxCustomers {
		r.set.Many, r.set.Customers = true, nil
	}
}

// customerOwned is a mutation of rows that belong to one customer.
type customerOwned interface {
	CustomerID() (int, bool)
}

type customersKey struct{}

// WithCustomers returns a context in which the mutation about to run is known to write
// rows of these customers only: a hook that read them before a bulk update or deletion of
// customers' rows says so, and the recording names them instead of saying Many.
func WithCustomers(ctx context.Context, ids []int) context.Context {
	return context.WithValue(ctx, customersKey{}, ids)
}

// Hook returns the hook that records every successful mutation into the recorder of its
// context, when there is one: its kind and the customers of its rows. A mutation of a
// customer's admins is recorded as an Assignment too.
func Hook() entgo.Hook {
	return func(next entgo.Mutator) entgo.Mutator {
		return entgo.MutateFunc(func(ctx context.Context, m entgo.Mutation) (entgo.Value, error) {
			rec, _ := ctx.Value(ctxKey{}).(*Recorder)
			if rec == nil {
				return next.Mutate(ctx, m)
			}
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return v, err
			}
			customers, known := customersOf(m, v)
			if ids, ok := ctx.Value(customersKey{}).([]int); ok && !known && m.Type() != ent.TypeCustomer {
				customers, known = ids, true
			}
			rec.add(Kind(m.Type()), customers, !known)
			if cm, ok := m.(*ent.CustomerMutation); ok && (len(cm.AdminsIDs()) > 0 || len(cm.RemovedAdminsIDs()) > 0 || cm.AdminsCleared()) {
				rec.add(Assignment, customers, !known)
			}
			return v, nil
		})
	}
}

// customersOf returns the customers of the rows a mutation wrote, and whether they are
// known: a bulk update or deletion of customers' rows does not say whose rows they were.
func customersOf(m entgo.Mutation, v entgo.Value) ([]int, bool) {
	switch v := v.(type) {
	case *ent.Customer:
		return []int{v.ID}, true
	case *ent.License:
		return []int{v.CustomerID}, true
	case *ent.Subscription:
		return []int{v.CustomerID}, true
	case *ent.LicenseSnapshot:
		return []int{v.CustomerID}, true
	}
	if m.Type() == ent.TypeCustomer {
		return nil, false
	}
	co, ok := m.(customerOwned)
	if !ok {
		return nil, true // not a customer's rows
	}
	if id, ok := co.CustomerID(); ok {
		return []int{id}, true
	}
	return nil, false
}
