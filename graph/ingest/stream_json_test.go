package ingest

import (
	"reflect"
	"testing"
)

// legLines are NDJSON lines of legs, of the common shape and of every other.
var legLines = []string{
	`{"legId":"l1","callId":"c1","customerExternalId":"acme","userId":"u1","startedAt":"2026-03-09T10:00:00Z","durationSeconds":60,"direction":"OUTBOUND","media":"AUDIO","endpointType":"DESK_PHONE"}`,
	` { "legId" : "l2" , "callId":"c2", "customerExternalId":"acme","userId":"u1","startedAt":"2026-03-09T10:00:00Z","durationSeconds":0,` +
		`"direction":"INBOUND","media":"VIDEO","endpointType":"WEBEX_APP","jitterMs":150.1,"latencyMs":4e2,"packetLossPercent":5.01,` +
		`"feature":"CALL_QUEUE","queueExternalId":"q","queueOutcome":"ANSWERED","waitSeconds":12,"locationExternalId":null}` + "\t\r",
	`{"legId":"l3","callId":"c3","customerExternalId":"acme","userId":"u1","startedAt":"2026-03-09T10:00:00Z","durationSeconds":-0,"jitterMs":-1.5E-3}`,
	`{}`,
	`{"legId":""}`,
	// Other shapes: each is read by encoding/json.
	`{"legId":"l\u00e9","callId":"c1"}`,
	`{"legId":"lé"}`,
	`{"LEGID":"l1"}`,
	`{"legId":"a","legId":"b"}`,
	`{"durationSeconds":1.0}`,
	`{"durationSeconds":1e2}`,
	`{"durationSeconds":01}`,
	`{"durationSeconds":99999999999999999999}`,
	`{"durationSeconds":"60"}`,
	`{"jitterMs":1e400}`,
	`{"jitterMs":.5}`,
	`{"jitterMs":5.}`,
	`{"jitterMs":true}`,
	`{"legId":1}`,
	`{"legId":"l1",}`,
	`{"legId":"l1"} {"legId":"l2"}`,
	`{"legId":"l1"`,
	`{"other":1}`,
	`{"legId":{"a":1}}`,
	`[1]`,
	`nul`,
	"\xef\xbb\xbf{}",
	"{\"legId\":\"a\x01\"}",
	`{"legId":nulls}`,
	``,
}

// TestQuickLegJSON: every line the quick way reads, encoding/json reads alike, and the
// lines of the common shape are read the quick way.
func TestQuickLegJSON(t *testing.T) {
	for i, line := range legLines {
		quick, ok := quickLegJSON([]byte(line))
		if want := i < 5; ok != want {
			t.Errorf("line %d %q read the quick way: %v, want %v", i, line, ok, want)
		}
		if !ok {
			continue
		}
		general, err := generalLegJSON([]byte(line))
		if err != nil || !reflect.DeepEqual(quick, general) {
			t.Errorf("line %q: quick %+v, encoding/json %+v (%v)", line, quick, general, err)
		}
	}
}

// FuzzQuickLegJSON: whatever the line, the quick way reads it as encoding/json does, or
// leaves it to encoding/json.
func FuzzQuickLegJSON(f *testing.F) {
	for _, line := range legLines {
		f.Add([]byte(line))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		quick, ok := quickLegJSON(line)
		if !ok {
			return
		}
		general, err := generalLegJSON(line)
		if err != nil || !reflect.DeepEqual(quick, general) {
			t.Errorf("line %q: quick %+v, encoding/json %+v (%v)", line, quick, general, err)
		}
	})
}
