package counting

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	_ "modernc.org/sqlite"
)

// openSQLite opens a SQLite file whose writers give up after 50 ms of waiting, as the
// server's do after their busy timeout.
func openSQLite(t *testing.T) dialect.Driver {
	t.Helper()
	path := filepath.Join(t.TempDir(), "gate.db")
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(50)&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec("CREATE TABLE t (n INTEGER)"); err != nil {
		t.Fatal(err)
	}
	return Driver(entsql.OpenDB(dialect.SQLite, db), nil)
}

// TestSQLiteWritersQueue: on SQLite a transaction begun while another writes for longer
// than the busy timeout waits its turn and commits, where it failed with "database is
// locked" before; one whose context ends first fails with the context's error.
func TestSQLiteWritersQueue(t *testing.T) {
	drv := openSQLite(t)
	ctx := context.Background()
	first, err := drv.Tx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Exec(ctx, "INSERT INTO t VALUES (1)", []any{}, nil); err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := drv.Tx(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a transaction whose context ended while waiting: %v, want the deadline", err)
	}

	done := make(chan error, 1)
	go func() {
		second, err := drv.Tx(ctx)
		if err != nil {
			done <- err
			return
		}
		if err := second.Exec(ctx, "INSERT INTO t VALUES (2)", []any{}, nil); err != nil {
			done <- errors.Join(err, second.Rollback())
			return
		}
		done <- second.Commit()
	}()
	time.Sleep(300 * time.Millisecond) // six busy timeouts
	if err := first.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("the waiting transaction: %v", err)
	}
	var rows entsql.Rows
	if err := drv.Query(ctx, "SELECT count(*) FROM t", []any{}, &rows); err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var n int
	if !rows.Next() || rows.Scan(&n) != nil || n != 2 {
		t.Errorf("%d rows stored, want 2", n)
	}
}
