package filter

import (
	"errors"
	"testing"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"
)

// FuzzParse checks that no input panics the parser, that every error is a SyntaxError
// pointing inside the input, and that whatever parses compiles to SQL on both databases.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{`status:trial,expired product:calling tag:"Key account" region:EU -status:expired acme`,
		`created:2026-01-01..2026-02-01`, `-`, `"`, `a:b:c`, `tag:,`, `managed:me`, "é\x00:\"", `created:>=2026-01-01`,
		`-created:<2026-01-01 type:paid,trial kpi:over_limit -"north wind" 100%_off`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, q string) {
		cs, err := Parse(q)
		var se *SyntaxError
		if err != nil {
			if !errors.As(err, &se) {
				t.Fatalf("non-syntax error %v", err)
			}
			if n := len([]rune(q)); se.Pos < 1 || se.Pos > n+1 {
				t.Fatalf("position %d outside 1..%d for %q", se.Pos, n+1, q)
			}
			return
		}
		for _, d := range []string{dialect.SQLite, dialect.Postgres} {
			s := sql.Dialect(d).Select("id").From(sql.Table("customers"))
			cs.Predicate(Env{AdminID: 1, PartnerID: 1})(s)
			if _, _ = s.Query(); s.Err() != nil {
				t.Fatalf("%q does not compile on %s: %v", q, d, s.Err())
			}
		}
	})
}
