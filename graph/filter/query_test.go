package filter

import (
	"errors"
	"strings"
	"testing"
)

func TestParseErrors(t *testing.T) {
	tests := []struct {
		query string
		pos   int
		msg   string
	}{
		{`foo:bar`, 1, `unknown qualifier "foo:"`},
		{`acme status:`, 13, "expected a value"},
		{`status:trial,`, 14, "expected a value"},
		{`status:bogus`, 8, `unknown value "bogus"`},
		{`product:calling,fax`, 17, `unknown value "fax"`},
		{`type:free`, 6, `unknown value "free"`},
		{`region:mars`, 8, `unknown value "mars"`},
		{`tag:"Key account`, 5, "unterminated quote"},
		{`"open`, 1, "unterminated quote"},
		{`- acme`, 2, "after '-'"},
		{`managed:you`, 9, "managed:me or managed:partner"},
		{`created:2026-13-01`, 9, "YYYY-MM-DD"},
		{`created:>=01/02/2026`, 11, "YYYY-MM-DD"},
		{`created:2026-01-01..x`, 21, "YYYY-MM-DD"},
		{`created:2026-01-01,2026-02-01`, 20, "one date or range"},
		{`tag:""`, 5, "non-empty"},
		{`status:"trial"x`, 15, "expected a space"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			_, err := Parse(tt.query)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) err = %v, want a SyntaxError", tt.query, err)
			}
			if se.Pos != tt.pos || !strings.Contains(se.Msg, tt.msg) {
				t.Errorf("Parse(%q) = position %d %q, want position %d mentioning %q", tt.query, se.Pos, se.Msg, tt.pos, tt.msg)
			}
		})
	}
}

func TestParseAccepts(t *testing.T) {
	for query, terms := range map[string]int{
		``:                        0,
		`   `:                     0,
		`acme`:                    1,
		`status:trial,expired`:    1,
		`STATUS:Expiring-Soon`:    1,
		`-status:expired acme`:    2,
		`tag:"Key account" tag:x`: 2,
		`region:eu,uae type:paid product:calling managed:me created:>2026-01-01 "two words"`: 6,
		`created:2026-01-01..2026-02-01 created:<=2026-03-01 created:2026-01-05`:             3,
		`-"north wind"`: 1,
	} {
		cs, err := Parse(query)
		if err != nil {
			t.Errorf("Parse(%q): %v", query, err)
			continue
		}
		if len(cs) != terms {
			t.Errorf("Parse(%q) gave %d criteria, want %d", query, len(cs), terms)
		}
	}
}
