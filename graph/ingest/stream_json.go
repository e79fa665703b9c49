package ingest

import (
	"strconv"
)

// NDJSON lines are read the quick way when they have the common shape, and otherwise by
// encoding/json, which also explains what is wrong with a bad line. The quick way reads one
// flat object of legLine's keys, spelt exactly and each once, whose values are null, plain
// strings (printable ASCII without escapes), integers without exponent and, for the
// metrics, numbers; anything else sends the line the general way, so both ways read every
// line they both accept alike. encoding/json's reflection would take about a quarter of
// the server's CPU time of an ingest.

// jsonLine is a line being read the quick way.
type jsonLine struct {
	b []byte
	i int
}

func (s *jsonLine) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// take reports whether the next byte is c, and passes it.
func (s *jsonLine) take(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// plain reads a string without escapes or bytes outside printable ASCII.
func (s *jsonLine) plain() ([]byte, bool) {
	if !s.take('"') {
		return nil, false
	}
	start := s.i
	for s.i < len(s.b) {
		switch c := s.b[s.i]; {
		case c == '"':
			s.i++
			return s.b[start : s.i-1], true
		case c < 0x20 || c == '\\' || c >= 0x7f:
			return nil, false
		}
		s.i++
	}
	return nil, false
}

// number reads a JSON number and returns its text, and whether it is an integer (no
// fraction, no exponent).
func (s *jsonLine) number() (text string, integer, ok bool) {
	start := s.i
	s.take('-')
	digits := func() int {
		n := 0
		for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
			s.i++
			n++
		}
		return n
	}
	lead := s.i
	switch n := digits(); {
	case n == 0, n > 1 && s.b[lead] == '0':
		return "", false, false
	}
	integer = true
	if s.take('.') {
		if digits() == 0 {
			return "", false, false
		}
		integer = false
	}
	if s.take('e') || s.take('E') {
		if !s.take('+') {
			s.take('-')
		}
		if digits() == 0 {
			return "", false, false
		}
		integer = false
	}
	return string(s.b[start:s.i]), integer, true
}

// null passes a null.
func (s *jsonLine) null() bool {
	if len(s.b)-s.i >= 4 && string(s.b[s.i:s.i+4]) == "null" {
		s.i += 4
		return true
	}
	return false
}

// quickLegJSON reads line the quick way; ok is false when it has another shape.
func quickLegJSON(line []byte) (l legLine, ok bool) {
	s := &jsonLine{b: line}
	s.space()
	if !s.take('{') {
		return l, false
	}
	s.space()
	var seen uint32
	for first := true; !s.take('}'); first = false {
		if !first && !s.take(',') {
			return l, false
		}
		s.space()
		key, ok := s.plain()
		if !ok {
			return l, false
		}
		s.space()
		if !s.take(':') {
			return l, false
		}
		s.space()
		bit, ok := s.value(&l, key)
		if !ok || seen&bit != 0 {
			return l, false
		}
		seen |= bit
		s.space()
	}
	s.space()
	return l, s.i == len(s.b)
}

// value reads the value of key into l and returns the key's bit (each key has its own).
func (s *jsonLine) value(l *legLine, key []byte) (bit uint32, ok bool) {
	var str **string
	var num **float64
	var integer **int
	switch string(key) {
	case "legId":
		bit, str = 1<<0, &l.LegID
	case "callId":
		bit, str = 1<<1, &l.CallID
	case "customerExternalId":
		bit, str = 1<<2, &l.CustomerExternalID
	case "locationExternalId":
		bit, str = 1<<3, &l.LocationExternalID
	case "userId":
		bit, str = 1<<4, &l.UserID
	case "startedAt":
		bit, str = 1<<5, &l.StartedAt
	case "direction":
		bit, str = 1<<6, &l.Direction
	case "media":
		bit, str = 1<<7, &l.Media
	case "endpointType":
		bit, str = 1<<8, &l.EndpointType
	case "feature":
		bit, str = 1<<9, &l.Feature
	case "queueExternalId":
		bit, str = 1<<10, &l.QueueExternalID
	case "queueOutcome":
		bit, str = 1<<11, &l.QueueOutcome
	case "durationSeconds":
		bit, integer = 1<<12, &l.DurationSeconds
	case "waitSeconds":
		bit, integer = 1<<13, &l.WaitSeconds
	case "jitterMs":
		bit, num = 1<<14, &l.JitterMs
	case "latencyMs":
		bit, num = 1<<15, &l.LatencyMs
	case "packetLossPercent":
		bit, num = 1<<16, &l.PacketLossPercent
	default:
		return 0, false
	}
	if s.null() {
		return bit, true
	}
	if str != nil {
		v, ok := s.plain()
		text := string(v)
		*str = &text
		return bit, ok
	}
	text, isInt, ok := s.number()
	if !ok {
		return 0, false
	}
	if integer != nil {
		n, err := strconv.Atoi(text)
		*integer = &n
		return bit, isInt && err == nil
	}
	x, err := strconv.ParseFloat(text, 64)
	*num = &x
	return bit, err == nil
}
