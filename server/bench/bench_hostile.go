package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/partnerhub/partnerhub-api/ent"
	"github.com/partnerhub/partnerhub-api/ent/admin"
	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/ent/viewer"
	"github.com/partnerhub/partnerhub-api/graph/auth"
	"github.com/partnerhub/partnerhub-api/server/internal/app"
)

// hostileDocuments are the worst documents of a hostile caller: introspection repeated
// by aliases, the whole schema for nobody, and searched counts repeated by aliases, anonymous
// or with a token.
func hostileDocuments() []struct {
	name      string
	anonymous bool
	body      []byte
} {
	alias := func(n int, field string) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "a%d: %s ", i, strings.ReplaceAll(field, "$i", fmt.Sprint(i)))
		}
		return b.String()
	}
	const typeFragment = ` fragment F on __Type { name kind description fields { name description args { name description type { name } } type { name kind } } }`
	docs := []struct {
		name      string
		anonymous bool
		query     string
	}{
		{"100 __schema aliases, anonymous", true, `{ ` + alias(100, "__schema { types { ...F } }") + `}` + typeFragment},
		{"one full introspection, anonymous", true, `{ __schema { types { ...F } } }` + typeFragment},
		{"1 000 searched totalCount aliases", false, `{ ` + alias(1000, `customers(first: 1, query: "x$i") { totalCount }`) + `}`},
		{"a searched totalCount, the most allowed", false, `{ customers(first: 1, query: "x0") { totalCount } }`},
	}
	out := make([]struct {
		name      string
		anonymous bool
		body      []byte
	}, len(docs))
	for i, d := range docs {
		out[i].name, out[i].anonymous = d.name, d.anonymous
		out[i].body, _ = json.Marshal(map[string]any{"query": d.query})
	}
	return out
}

// hostileResult counts what the hostile clients got.
type hostileResult struct {
	refused, answered, failed atomic.Int64
	slowest                   atomic.Int64 // nanoseconds
}

// hostile measures the directory page from --clients clients alone, then again while 8
// clients send hostileDocuments, one after another each, with the token of another admin
// of the partner (a READ_ONLY_ADMIN) or none.
func (b bench) hostile(ctx context.Context, e *app.Env, a *app.App, adm *ent.Admin, url, token string) error {
	sys := viewer.SystemContext(ctx)
	other, err := a.DB.Client.Admin.Query().Where(admin.PartnerID(adm.PartnerID), admin.RoleEQ(enum.RoleReadOnlyAdmin)).
		Order(ent.Asc(admin.FieldID)).First(sys)
	if err != nil {
		return fmt.Errorf("find the partner's READ_ONLY_ADMIN: %w", err)
	}
	hostileToken, _, err := a.Auth.Issue(sys, a.DB.Client, other, auth.Grant{Name: "hostile benchmark", Role: other.Role, TTL: 2 * time.Hour})
	if err != nil {
		return err
	}
	body, _ := json.Marshal(map[string]any{"query": directoryQuery, "variables": map[string]any{"q": ""}})
	quiet, err := load(ctx, url, token, body, b.clients, b.warmup, b.duration)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "directory page, %d clients, quiet\n  %s\n", b.clients, quiet)
	hctx, stop := context.WithCancel(ctx)
	var res hostileResult
	var wg sync.WaitGroup
	docs := hostileDocuments()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := i; hctx.Err() == nil; n++ {
				d := docs[n%len(docs)]
				bearer := hostileToken
				if d.anonymous {
					bearer = ""
				}
				sendHostile(hctx, client, url, bearer, d.body, &res)
			}
		}()
	}
	loud, err := load(ctx, url, token, body, b.clients, b.warmup, b.duration)
	stop()
	wg.Wait()
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "directory page, %d clients, beside 8 hostile clients\n  %s\n", b.clients, loud)
	fmt.Fprintf(e.Stdout, "  p99 under hostile load / quiet p99: %.2f\n", float64(loud.percentile(0.99))/float64(quiet.percentile(0.99)))
	fmt.Fprintf(e.Stdout, "hostile requests: %d refused, %d answered, %d failed (no answer or 5xx); slowest %s\n",
		res.refused.Load(), res.answered.Load(), res.failed.Load(), time.Duration(res.slowest.Load()).Round(time.Millisecond))
	return nil
}

// sendHostile posts one hostile document and counts how it was answered.
func sendHostile(ctx context.Context, client *http.Client, url, token string, body []byte, res *hostileResult) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() == nil {
			res.failed.Add(1)
		}
		return
	}
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	took := time.Since(start)
	for {
		old := res.slowest.Load()
		if int64(took) <= old || res.slowest.CompareAndSwap(old, int64(took)) {
			break
		}
	}
	switch {
	case err != nil || resp.StatusCode >= 500:
		res.failed.Add(1)
	case bytes.Contains(raw, []byte(`"errors"`)):
		res.refused.Add(1)
	default:
		res.answered.Add(1)
	}
}
