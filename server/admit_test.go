package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// TestAdmission checks that operations beyond the limit wait, in arrival order, that a
// waiting request whose client gives up never executes, and that websocket upgrades
// are not held back.
func TestAdmission(t *testing.T) {
	reg := prometheus.NewRegistry()
	a := newAdmission(1, reg)
	release := make(chan struct{})
	var running, order atomic.Int32
	started := make(chan int32, 4)
	h := a.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		started <- order.Add(1)
		if r.Header.Get("Upgrade") != "" {
			return
		}
		if n := running.Add(1); n > 1 {
			t.Errorf("%d operations ran at once with a limit of 1", n)
		}
		if r.Header.Get("X-Block") != "" {
			<-release
		}
		running.Add(-1)
	}))
	serve := func(ctx context.Context, hdr map[string]string) *httptest.ResponseRecorder {
		r := httptest.NewRequestWithContext(ctx, http.MethodPost, "/graphql", strings.NewReader("{}"))
		for k, v := range hdr {
			r.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	waiting := func() float64 {
		return float64(a.waiting.Load())
	}
	waitFor := func(want float64) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); waiting() != want; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("waiting = %v, want %v", waiting(), want)
			}
		}
	}

	done := make(chan struct{})
	go func() { serve(context.Background(), map[string]string{"X-Block": "1"}); close(done) }()
	<-started

	// A second operation queues behind the first.
	second := make(chan *httptest.ResponseRecorder)
	go func() { second <- serve(context.Background(), nil) }()
	waitFor(1)

	// A third one whose client gives up while queued is answered without executing.
	ctx, cancel := context.WithCancel(context.Background())
	third := make(chan *httptest.ResponseRecorder)
	go func() { third <- serve(ctx, nil) }()
	waitFor(2)
	cancel()
	if w := <-third; w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "cancelled while waiting") {
		t.Errorf("cancelled request: %d %s", w.Code, w.Body)
	}
	waitFor(1)

	// A websocket upgrade goes straight through while the slot is taken.
	serve(context.Background(), map[string]string{"Upgrade": "websocket"})
	if n := <-started; n != 2 {
		t.Errorf("the upgrade started as operation %d, want 2", n)
	}

	close(release)
	<-done
	if w := <-second; w.Code != http.StatusOK {
		t.Errorf("queued request: %d %s", w.Code, w.Body)
	}
	if n := <-started; n != 3 {
		t.Errorf("the queued request started as operation %d, want 3", n)
	}
	if got := order.Load(); got != 3 {
		t.Errorf("%d operations executed, want 3 (the cancelled one must not run)", got)
	}
	waitFor(0)
}

func TestAdmissionDefaultLimit(t *testing.T) {
	a := newAdmission(0, prometheus.NewRegistry())
	if got, want := cap(a.slots), 3*runtime.GOMAXPROCS(0); got != want {
		t.Errorf("default limit = %d, want %d", got, want)
	}
}
