package app

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/partnerhub/partnerhub-api/graph/observe"
	"github.com/partnerhub/partnerhub-api/server/seed"
)

// SeedProgress returns what draws a seed's progress on w, or nil when w is not a terminal
// (a log or a pipe gets the summary alone).
func SeedProgress(w io.Writer, now func() time.Time) func(seed.Progress) {
	if !isTerminal(w) {
		return nil
	}
	return (&progressLine{w: w, start: now(), now: now}).draw
}

// isTerminal reports whether w is a character device, such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// progressLine redraws one line with the rows done, the rate and the time left.
type progressLine struct {
	w     io.Writer
	start time.Time
	now   func() time.Time
}

func (p *progressLine) draw(pr seed.Progress) {
	elapsed := p.now().Sub(p.start)
	rate := 0.0
	if elapsed > 0 {
		rate = float64(pr.Rows) / elapsed.Seconds()
	}
	// \r returns to the start of the line and \x1b[K clears what a longer line left.
	if pr.Finishing {
		fmt.Fprintf(p.w, "\rseeding: %d customers, %d rows written in %s; computing facts and building indexes…\x1b[K\n",
			pr.Total, pr.Rows, observe.RoundDuration(elapsed))
		return
	}
	left := "?"
	if pr.Customers > 0 {
		left = observe.RoundDuration(time.Duration(float64(elapsed) * float64(pr.Total-pr.Customers) / float64(pr.Customers))).String()
	}
	fmt.Fprintf(p.w, "\rseeding: %d/%d customers (%d%%), %d rows, %.0f rows/s, %s left\x1b[K",
		pr.Customers, pr.Total, 100*pr.Customers/max(pr.Total, 1), pr.Rows, rate, left)
}
