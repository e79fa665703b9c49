package app

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/server/internal/wsclient"
)

// recomputed sums the analytics recomputations of a scope class that an instance's
// /metrics reports.
func recomputed(t *testing.T, srv *httptest.Server, scope string) int {
	t.Helper()
	return int(metricSum(t, srv, func(line string) bool {
		return strings.HasPrefix(line, "partnerhub_analytics_recomputations_total{") && strings.Contains(line, `scope="`+scope+`"`)
	}))
}

// metricSum sums the samples of srv's /metrics whose lines match.
func metricSum(t *testing.T, srv *httptest.Server, match func(line string) bool) float64 {
	t.Helper()
	_, raw := request(t, srv, http.MethodGet, "/metrics", "", nil)
	total := 0.0
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		line := sc.Text()
		if !match(line) {
			continue
		}
		n, err := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64)
		if err != nil {
			t.Fatalf("metric line %q: %v", line, err)
		}
		total += n
	}
	return total
}

// TestLiveKpisOfAdminScope: an ADMIN subscribed on the last instance hears nothing and has
// nothing recomputed after a change to a customer they do not see, and gets new KPIs,
// recomputed once, after a change to one of theirs.
func TestLiveKpisOfAdminScope(t *testing.T) {
	w := newLiveWorld(t, liveInstances(), nil)
	adm := w.f.admins[enum.RoleAdmin]
	w.a.DB.Client.Customer.Create().SetPartnerID(w.f.partner.ID).SetName("Managed Co").SetOrgID("managed-org").SetExternalID("managed-1").
		SetRegion(enum.RegionEU).SetCountry("DE").AddAdmins(adm).ExecX(sysCtx())
	upsertSubOf(t, w.srvA, w.writer, "managed-1", inDays(365), 3)

	sub, err := wsclient.Subscribe(context.Background(), wsURL(w.srvB), mustToken(t, w.a, adm), kpiSubscription)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	if first := mustFirstKpis(t, sub); first.KpisUpdated.TotalCustomers.Count != 1 || first.KpisUpdated.ApproachingExpiration.Count != 0 {
		t.Fatalf("initial KPIs = %+v, want total 1, approaching 0", first)
	}
	before := recomputed(t, w.srvB, "admin")

	t.Run("OutsideChangeSendsAndRecomputesNothing", func(t *testing.T) {
		upsertSub(t, w.srvA, w.writer, inDays(20), 3) // live-1, not the ADMIN's
		if got, err := nextKpis(t, sub, 1500*time.Millisecond); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("got a message %+v (err %v) after a change to a customer the ADMIN does not see", got, err)
		}
		if after := recomputed(t, w.srvB, "admin"); after != before {
			t.Errorf("the ADMIN's figures were recomputed %d times after a change to a customer they do not see, want 0", after-before)
		}
	})
	t.Run("InsideChangeReachesAdmin", func(t *testing.T) {
		upsertSubOf(t, w.srvA, w.writer, "managed-1", inDays(20), 3)
		got, err := nextKpis(t, sub, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if got.KpisUpdated.ApproachingExpiration.Count != 1 {
			t.Fatalf("after the change KPIs = %+v, want approaching 1", got)
		}
		if after := recomputed(t, w.srvB, "admin"); after <= before {
			t.Errorf("the ADMIN's figures were not recomputed after a change to one of their customers")
		}
	})
}
