package counting

import (
	"encoding/json"
	"testing"
	"time"

	"entgo.io/ent/dialect"
)

// TestReadier: SQLite gets times in UTC; PostgreSQL gets ent's JSON as text and bytes as
// bytes; the caller's arguments stay as they were.
func TestReadier(t *testing.T) {
	paris := time.FixedZone("CET", 3600)
	at := time.Date(2026, 3, 1, 13, 0, 0, 0, paris)
	args := []any{at, json.RawMessage(`{"a":1}`), []byte{0, 1}, 7}

	sqlite := readier(dialect.SQLite)(args)
	if got := sqlite[0].(time.Time); got.Location() != time.UTC || !got.Equal(at) {
		t.Errorf("SQLite time = %v, want %v in UTC", got, at)
	}
	pg := readier(dialect.Postgres)(args)
	if got, ok := pg[1].(string); !ok || got != `{"a":1}` {
		t.Errorf("PostgreSQL JSON = %#v, want the text", pg[1])
	}
	if _, ok := pg[2].([]byte); !ok {
		t.Errorf("PostgreSQL bytes = %#v, want []byte", pg[2])
	}
	if args[0].(time.Time).Location() != paris {
		t.Error("readying changed the caller's arguments")
	}
	if _, ok := args[1].(json.RawMessage); !ok {
		t.Error("readying changed the caller's arguments")
	}
}
