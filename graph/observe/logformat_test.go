package observe

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestReadableDurations(t *testing.T) {
	tests := []struct {
		d          time.Duration
		text       string
		jsonMillis float64
	}{
		{26712345678, "26.7s", 26712.346},
		{1423456, "1.42ms", 1.423},
		{312345678, "312ms", 312.346},
		{38512, "38.5µs", 0.039},
		{999, "999ns", 0.001},
		{61*time.Second + 300*time.Millisecond, "1m1s", 61300},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			var text, js bytes.Buffer
			slog.New(slog.NewTextHandler(&text, &slog.HandlerOptions{ReplaceAttr: ReadableDurations(false)})).Info("x", "startup", tt.d)
			slog.New(slog.NewJSONHandler(&js, &slog.HandlerOptions{ReplaceAttr: ReadableDurations(true)})).Info("x", "startup", tt.d)
			if !strings.Contains(text.String(), " startup="+tt.text+"\n") {
				t.Errorf("text: %s, want startup=%s", text.String(), tt.text)
			}
			var line map[string]any
			if err := json.Unmarshal(js.Bytes(), &line); err != nil || line["startup_ms"] != tt.jsonMillis {
				t.Errorf("json: %s, want startup_ms %v", js.String(), tt.jsonMillis)
			}
		})
	}
}

func TestRequestID(t *testing.T) {
	for _, given := range []string{"", "has space", strings.Repeat("x", 129), "tab\there", "é"} {
		if got := requestID(given); got == given || len(got) != 32 {
			t.Errorf("requestID(%q) = %q, want a new one", given, got)
		}
	}
	if got := requestID("req-42/abc"); got != "req-42/abc" {
		t.Errorf("requestID kept %q, want the client's", got)
	}
}
