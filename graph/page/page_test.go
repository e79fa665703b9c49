package page

import (
	"bytes"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub-api/graph/gqlerr"
	"github.com/partnerhub/partnerhub-api/graph/limit"
)

func TestCursorRoundTrip(t *testing.T) {
	v := "Acme, \"Ltd\""
	for _, c := range []Cursor{{ID: 1}, {ID: 42, Value: &v}} {
		var b bytes.Buffer
		c.MarshalGQL(&b)
		s, err := strconv.Unquote(b.String())
		if err != nil {
			t.Fatalf("cursor %+v written as %s, not a JSON string", c, b.String())
		}
		var got Cursor
		if err := got.UnmarshalGQL(s); err != nil || got.ID != c.ID || (got.Value == nil) != (c.Value == nil) || got.Value != nil && *got.Value != *c.Value {
			t.Errorf("cursor %+v read back as %+v (%v)", c, got, err)
		}
	}
}

// TestMalformedCursor: whatever a client sends as a cursor that is not one of ours is
// BAD_USER_INPUT, never a panic or an internal error.
func TestMalformedCursor(t *testing.T) {
	for name, v := range map[string]any{"Number": 12, "NotBase64": "%%%", "NotJSON": "bm90IGpzb24", "NoID": "e30", "NegativeID": "eyJpIjotMX0", "Object": map[string]any{"i": 1}} {
		var c Cursor
		err := c.UnmarshalGQL(v)
		var e *gqlerr.Error
		if !errors.As(err, &e) || e.Code != gqlerr.BadUserInput {
			t.Errorf("%s: cursor %v gave %v, want BAD_USER_INPUT", name, v, err)
		}
	}
}

func TestArgsSize(t *testing.T) {
	n := func(v int) *int { return &v }
	cur := &Cursor{ID: 3}
	for _, tt := range []struct {
		name          string
		args          Args
		size          int
		backwards, ok bool
	}{
		{"Default", Args{}, DefaultSize, false, true},
		{"First", Args{First: n(10)}, 10, false, true},
		{"Last", Args{Last: n(7)}, 7, true, true},
		{"BeforeAlone", Args{Before: cur}, DefaultSize, true, true},
		{"AfterAndBefore", Args{After: cur, Before: cur}, DefaultSize, false, true},
		{"Max", Args{First: n(limit.PageSize)}, limit.PageSize, false, true},
		{"OverMax", Args{First: n(limit.PageSize + 1)}, 0, false, false},
		{"Zero", Args{Last: n(0)}, 0, false, false},
		{"Both", Args{First: n(1), Last: n(1)}, 0, false, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			size, backwards, err := tt.args.size()
			if (err == nil) != tt.ok || tt.ok && (size != tt.size || backwards != tt.backwards) {
				t.Errorf("size() = %d, %v, %v; want %d, %v, ok %v", size, backwards, err, tt.size, tt.backwards, tt.ok)
			}
		})
	}
}

// TestToTime reads the forms both databases return times in, monotonic reading included.
func TestToTime(t *testing.T) {
	want := time.Date(2026, 3, 8, 10, 30, 0, 500000000, time.UTC)
	for _, v := range []any{want, "2026-03-08 10:30:00.5 +0000 UTC", "2026-03-08 10:30:00.5 +0000 UTC m=+0.000000001",
		"2026-03-08 10:30:00.5+00:00", "2026-03-08T10:30:00.5Z", []byte("2026-03-08 10:30:00.5")} {
		if got, err := ToTime(v); err != nil || !got.Equal(want) {
			t.Errorf("ToTime(%q) = %v, %v; want %v", v, got, err, want)
		}
	}
	if _, err := ToTime(42); err == nil {
		t.Error("ToTime(42) read a time")
	}
}
