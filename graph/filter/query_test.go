package filter

import (
	"errors"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/graph/model"
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

// TestSteady checks which filters a page may keep prepared: only those whose best plan is
// the same whatever their values. A tag, a word, a region, a date, a kind or an admin can
// match most customers or a handful, and must be planned for its value.
func TestSteady(t *testing.T) {
	for query, want := range map[string]bool{
		``:                                     true,
		`status:expiring_soon product:calling`: true,
		`-status:active -status:expired`:       true,
		`status:trial,suspended -product:meetings managed:partner`: true,
		`status:expired tag:gold`:                                  false,
		`product:calling acme`:                                     false,
		`status:trial region:eu`:                                   false,
		`status:trial created:>2026-01-01`:                         false,
		`status:trial type:paid`:                                   false,
		`status:trial managed:me`:                                  false,
		`-tag:gold`:                                                false,
		`kpi:over_limit`:                                           false,
		`created:2026-01-01..2026-02-01 -status:active`:            false,
	} {
		cs, err := Parse(query)
		if err != nil {
			t.Fatalf("Parse(%q): %v", query, err)
		}
		if got := cs.Steady(); got != want {
			t.Errorf("Parse(%q).Steady() = %v, want %v", query, got, want)
		}
	}
	typed, err := FromInput(&model.CustomerFilter{
		Statuses: []enum.CustomerStatus{enum.StatusTrial}, ExcludeStatuses: []enum.CustomerStatus{enum.StatusExpired},
		Products: []enum.Product{enum.ProductCalling},
	})
	if err != nil || !typed.Steady() {
		t.Errorf("statuses, excluded statuses and products: Steady() = %v (%v), want true", typed.Steady(), err)
	}
	me := model.ManagedByMe
	if typed, _ := FromInput(&model.CustomerFilter{Statuses: []enum.CustomerStatus{enum.StatusTrial}, ManagedBy: &me}); typed.Steady() {
		t.Error("statuses managed by me: Steady() = true, want false")
	}
}
