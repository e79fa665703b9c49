package ent

import "entgo.io/ent/dialect/sql"

// WhereSQL adds a SQL predicate to a privacy filter, for rules that entql cannot express
// (sub-selects). It reports false when f is not one of this package's filters.
func WhereSQL(f any, p func(*sql.Selector)) bool {
	pa, ok := f.(interface{ addPredicate(func(*sql.Selector)) })
	if ok {
		pa.addPredicate(p)
	}
	return ok
}
