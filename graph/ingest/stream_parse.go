package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/partnerhub/partnerhub-api/ent/enum"
	"github.com/partnerhub/partnerhub-api/graph/model"
)

// legLine is a call leg as a line of NDJSON or CSV gives it, under the keys of
// CallLegInput; nil is a key absent (or null, or an empty CSV cell).
type legLine struct {
	LegID              *string  `json:"legId"`
	CallID             *string  `json:"callId"`
	CustomerExternalID *string  `json:"customerExternalId"`
	LocationExternalID *string  `json:"locationExternalId"`
	UserID             *string  `json:"userId"`
	StartedAt          *string  `json:"startedAt"`
	DurationSeconds    *int     `json:"durationSeconds"`
	Direction          *string  `json:"direction"`
	Media              *string  `json:"media"`
	EndpointType       *string  `json:"endpointType"`
	JitterMs           *float64 `json:"jitterMs"`
	LatencyMs          *float64 `json:"latencyMs"`
	PacketLossPercent  *float64 `json:"packetLossPercent"`
	Feature            *string  `json:"feature"`
	QueueExternalID    *string  `json:"queueExternalId"`
	QueueOutcome       *string  `json:"queueOutcome"`
	WaitSeconds        *int     `json:"waitSeconds"`
}

// legKeys are the keys of a leg line, in CallLegInput's order, with whether each is required.
var legKeys = func() (out []struct {
	name     string
	index    int
	required bool
}) {
	t := reflect.TypeFor[legLine]()
	required := map[string]bool{"legId": true, "callId": true, "customerExternalId": true, "userId": true, "startedAt": true,
		"durationSeconds": true, "direction": true, "media": true, "endpointType": true}
	for i := range t.NumField() {
		name := t.Field(i).Tag.Get("json")
		out = append(out, struct {
			name     string
			index    int
			required bool
		}{name, i, required[name]})
	}
	return out
}()

// decodeLegJSON reads an NDJSON line of a call leg (see quickLegJSON).
func decodeLegJSON(line []byte) (*model.CallLegInput, error) {
	if l, ok := quickLegJSON(line); ok {
		return l.input()
	}
	l, err := generalLegJSON(line)
	if err != nil {
		return nil, err
	}
	return l.input()
}

// generalLegJSON reads an NDJSON line of a call leg with encoding/json.
func generalLegJSON(line []byte) (legLine, error) {
	var l legLine
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&l); err != nil {
		return l, jsonError(err)
	}
	if dec.More() {
		return l, invalid("a line holds one JSON object, found more after it")
	}
	return l, nil
}

// jsonError describes why a line is not a leg object.
func jsonError(err error) error {
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typeErr) && typeErr.Field == "":
		return invalid("a line holds a JSON object, got %s", typeErr.Value)
	case errors.As(err, &typeErr):
		return invalid("%s takes %s, got %s", typeErr.Field, kindOf(typeErr.Type), typeErr.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return invalid("unknown key %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
	}
	return invalid("the line is not valid JSON: %s", err.Error())
}

// kindOf names a Go type of legLine as a JSON value.
func kindOf(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Int:
		return "an integer"
	case reflect.Float64:
		return "a number"
	}
	return "a string"
}

// legFromCells reads a CSV row of a call leg: get returns a column's cell.
func legFromCells(get func(key string) (string, bool)) (*model.CallLegInput, error) {
	var l legLine
	v := reflect.ValueOf(&l).Elem()
	for _, k := range legKeys {
		cell, ok := get(k.name)
		if !ok || cell == "" {
			continue
		}
		f := v.Field(k.index)
		switch f.Type().Elem().Kind() {
		case reflect.Int:
			n, err := strconv.Atoi(cell)
			if err != nil {
				return nil, invalid("%s takes an integer, got %q", k.name, cell)
			}
			f.Set(reflect.ValueOf(&n))
		case reflect.Float64:
			x, err := strconv.ParseFloat(cell, 64)
			if err != nil {
				return nil, invalid("%s takes a number, got %q", k.name, cell)
			}
			f.Set(reflect.ValueOf(&x))
		default:
			f.Set(reflect.ValueOf(&cell))
		}
	}
	return l.input()
}

// input checks that the required keys are there and turns the line into a leg, which
// CheckCallLeg validates with the others of its batch.
func (l *legLine) input() (*model.CallLegInput, error) {
	v := reflect.ValueOf(l).Elem()
	var missing []string
	for _, k := range legKeys {
		if k.required && v.Field(k.index).IsNil() {
			missing = append(missing, k.name)
		}
	}
	if len(missing) > 0 {
		return nil, invalid("missing %s", strings.Join(missing, ", "))
	}
	started, err := parseTime("startedAt", *l.StartedAt)
	if err != nil {
		return nil, err
	}
	return &model.CallLegInput{
		LegID: *l.LegID, CallID: *l.CallID, CustomerExternalID: *l.CustomerExternalID, LocationExternalID: l.LocationExternalID,
		UserID: *l.UserID, StartedAt: started, DurationSeconds: *l.DurationSeconds,
		Direction: enum.CallDirection(*l.Direction), Media: enum.Media(*l.Media), EndpointType: enum.EndpointType(*l.EndpointType),
		JitterMs: l.JitterMs, LatencyMs: l.LatencyMs, PacketLossPercent: l.PacketLossPercent,
		Feature: enumOf[enum.CallFeature](l.Feature), QueueExternalID: l.QueueExternalID,
		QueueOutcome: enumOf[enum.QueueOutcome](l.QueueOutcome), WaitSeconds: l.WaitSeconds,
	}, nil
}

func enumOf[E ~string](s *string) *E {
	if s == nil {
		return nil
	}
	e := E(*s)
	return &e
}

// timeLayouts are the times a line may give: RFC 3339, or UTC without a zone as Webex's
// CSV export writes them.
var timeLayouts = []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999"}

func parseTime(key, s string) (time.Time, error) {
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, invalid("%s takes an RFC 3339 time such as 2026-03-09T10:00:00Z, got %q", key, truncate(s))
}

// truncate shortens a value quoted in an error.
func truncate(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}

// csvHeader maps a CSV header's column names to their positions.
type csvHeader map[string]int

// newCSVHeader reads the header of a CSV of legs: every column a key of CallLegInput,
// the required ones present.
func newCSVHeader(names []string) (csvHeader, error) {
	h := csvHeader{}
	known := map[string]bool{}
	for _, k := range legKeys {
		known[k.name] = true
	}
	for i, n := range names {
		n = trimName(n)
		if !known[n] {
			return nil, invalid("unknown column %q in the CSV header", truncate(n))
		}
		h[n] = i
	}
	for _, k := range legKeys {
		if _, ok := h[k.name]; k.required && !ok {
			return nil, invalid("the CSV header lacks the column %s", k.name)
		}
	}
	return h, nil
}

// cells returns the getter of a row's cells under h.
func (h csvHeader) cells(row []string) func(string) (string, bool) {
	return func(key string) (string, bool) {
		i, ok := h[key]
		if !ok || i >= len(row) {
			return "", false
		}
		return row[i], true
	}
}

// checkRow checks a CSV row has as many cells as its header has columns.
func checkRow(row []string, columns int) error {
	if len(row) != columns {
		return invalid("the row has %d cells, the header %d", len(row), columns)
	}
	return nil
}
