package app

import (
	"bytes"
	"context"
	"net"
	"strings"
	"testing"
)

// TestStrictConfiguration sets one variable of each kind to a value it must refuse, or
// accept, and checks that start-up ends with one line naming the variable and the value.
func TestStrictConfiguration(t *testing.T) {
	tests := []struct {
		name, env, value string
		ok               bool
	}{
		{"DurationWord", "PARTNERHUB_TOKEN_TTL", "forever", false},
		{"DurationWithoutUnit", "PARTNERHUB_ANALYTICS_CACHE_TTL", "10", false},
		{"DurationNegative", "PARTNERHUB_READ_TIMEOUT", "-5s", false},
		{"DurationZeroWithoutMeaning", "PARTNERHUB_SHUTDOWN_TIMEOUT", "0s", false},
		{"IntegerWord", "PARTNERHUB_MAX_DEPTH", "abc", false},
		{"IntegerZero", "PARTNERHUB_MAX_COMPLEXITY", "0", false},
		{"IntegerNegative", "PARTNERHUB_MAX_CONCURRENT_REQUESTS", "-1", false},
		{"IntegerFraction", "PARTNERHUB_MAX_BODY_BYTES", "1.5", false},
		{"IntegerGCPercentZero", "PARTNERHUB_GC_PERCENT", "0", false},
		{"IntegerLiveRateZero", "PARTNERHUB_LIVE_MAX_RATE", "0", false},
		{"IntegerLiveRateFraction", "PARTNERHUB_LIVE_MAX_RATE", "2.5", false},
		{"ChoiceUnknown", "PARTNERHUB_LOG_FORMAT", "xml", false},
		{"ChoiceLevelUnknown", "PARTNERHUB_LOG_LEVEL", "verbose", false},
		{"AddressWithoutPort", "PARTNERHUB_ADDR", "localhost", false},
		{"AddressPortWord", "PARTNERHUB_ADDR", ":http-alt", false},
		{"AddressPortTooLarge", "PARTNERHUB_ADDR", ":70000", false},
		{"RetentionInWeeks", "PARTNERHUB_CALL_LEG_RETENTION", "13w", false},
		{"RetentionZero", "PARTNERHUB_CALL_LEG_RETENTION", "0s", false},

		{"DurationZeroDisablesCache", "PARTNERHUB_ANALYTICS_CACHE_TTL", "0", true},
		{"DurationZeroAuthCache", "PARTNERHUB_AUTH_CACHE_TTL", "0s", true},
		{"Duration", "PARTNERHUB_TOKEN_TTL", "72h", true},
		{"IntegerZeroMeansCPUs", "PARTNERHUB_MAX_CONCURRENT_REQUESTS", "0", true},
		{"IntegerLiveRate", "PARTNERHUB_LIVE_MAX_RATE", "10", true},
		{"ChoiceAnyCase", "PARTNERHUB_LOG_LEVEL", "WARN", true},
		{"AddressHostPort", "PARTNERHUB_ADDR", "127.0.0.1:0", true},
		{"Retention", "PARTNERHUB_CALL_LEG_RETENTION", "720h", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := runMigrate(t, map[string]string{tt.env: tt.value})
			if tt.ok {
				if err != nil {
					t.Fatalf("%s=%s refused: %v", tt.env, tt.value, err)
				}
				return
			}
			want := tt.env + `="` + tt.value + `": `
			if err == nil || !strings.HasPrefix(err.Error(), want) {
				t.Fatalf("err = %v, want it to start with %s", err, want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
		})
	}

	t.Run("FlagOverEnvironment", func(t *testing.T) {
		var out, errOut bytes.Buffer
		err := run(context.Background(), []string{"migrate", "-token-ttl", "forever"},
			func(k string) string { return map[string]string{"PARTNERHUB_DATA_DIR": t.TempDir()}[k] }, &out, &errOut)
		if err == nil || !strings.Contains(err.Error(), `"forever"`) || !strings.Contains(err.Error(), "-token-ttl") {
			t.Fatalf("err = %v, want it to name -token-ttl and the value", err)
		}
	})
}

// runMigrate runs `server migrate` on an embedded database in a new directory with vars.
func runMigrate(t *testing.T, vars map[string]string) error {
	t.Helper()
	all := map[string]string{"PARTNERHUB_DATA_DIR": t.TempDir()}
	for k, v := range vars {
		all[k] = v
	}
	var out, errOut bytes.Buffer
	return run(context.Background(), []string{"migrate"}, func(k string) string { return all[k] }, &out, &errOut)
}

// TestPortInUse checks that a port in use ends start-up before any token is printed.
func TestPortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	vars := map[string]string{"PARTNERHUB_DATA_DIR": t.TempDir(), "PARTNERHUB_ADDR": ln.Addr().String(),
		"PARTNERHUB_DEMO_CUSTOMERS": "20", "PARTNERHUB_DEMO_CALL_LEGS": "200"}
	var out, errOut bytes.Buffer
	err = run(context.Background(), []string{"serve"}, func(k string) string { return vars[k] }, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "listen on "+ln.Addr().String()) {
		t.Fatalf("err = %v, want the port in use named", err)
	}
	if jwtPattern.MatchString(out.String()) {
		t.Errorf("tokens printed before the port was found in use:\n%s", out.String())
	}
}
