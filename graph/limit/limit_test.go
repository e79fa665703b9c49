package limit

import (
	"errors"
	"testing"

	"github.com/partnerhub/partnerhub-api/graph/gqlerr"
)

// TestWeeks takes 1 to TrendWeeks weeks and refuses the others as BAD_USER_INPUT.
func TestWeeks(t *testing.T) {
	for _, w := range []int{1, 8, TrendWeeks} {
		if err := Weeks(w); err != nil {
			t.Errorf("Weeks(%d) = %v, want nil", w, err)
		}
	}
	for _, w := range []int{-1, 0, TrendWeeks + 1} {
		var e *gqlerr.Error
		if err := Weeks(w); !errors.As(err, &e) || e.Code != gqlerr.BadUserInput {
			t.Errorf("Weeks(%d) = %v, want BAD_USER_INPUT", w, err)
		}
	}
}
