package observe

import (
	"context"
	"log/slog"
	"math"
	"time"
)

// ReadableDurations returns a slog ReplaceAttr function that writes durations for their
// reader: in text to three significant digits with their unit (startup=26.7s,
// duration=1.42ms), in JSON as a number of milliseconds under the key with "_ms" added
// ("duration_ms":1.42), where slog would write nanoseconds.
func ReadableDurations(json bool) func(groups []string, a slog.Attr) slog.Attr {
	return func(_ []string, a slog.Attr) slog.Attr {
		if a.Value.Kind() != slog.KindDuration {
			return a
		}
		d := a.Value.Duration()
		if json {
			ms := float64(d) / float64(time.Millisecond)
			return slog.Float64(a.Key+"_ms", math.Round(ms*1000)/1000)
		}
		return slog.String(a.Key, RoundDuration(d).String())
	}
}

// RoundDuration rounds d to three significant digits (26.7s, 312ms, 1.42ms); durations of
// a minute or more to the second.
func RoundDuration(d time.Duration) time.Duration {
	abs := d.Abs()
	switch {
	case abs >= time.Minute:
		return d.Round(time.Second)
	case abs < 1000:
		return d
	}
	unit := time.Duration(1)
	for abs >= 1000*unit {
		unit *= 10
	}
	return d.Round(unit)
}

// WithRequestID wraps h so that every line logged with the context of a request or a
// websocket operation carries its request_id, the internal errors among them.
func WithRequestID(h slog.Handler) slog.Handler { return requestIDHandler{h} }

type requestIDHandler struct{ slog.Handler }

func (h requestIDHandler) Handle(ctx context.Context, r slog.Record) error {
	if rec, ok := ctx.Value(recordKey{}).(*Record); ok {
		if id := rec.snapshot().requestID; id != "" {
			r.AddAttrs(slog.String("request_id", id))
		}
	}
	return h.Handler.Handle(ctx, r)
}

func (h requestIDHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return requestIDHandler{h.Handler.WithAttrs(attrs)}
}

func (h requestIDHandler) WithGroup(name string) slog.Handler {
	return requestIDHandler{h.Handler.WithGroup(name)}
}
