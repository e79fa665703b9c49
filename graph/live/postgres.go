package live

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/lib/pq"
)

// Channel is the PostgreSQL notification channel.
const Channel = "partnerhub_changes"

// Postgres is a broker whose notifications travel through PostgreSQL LISTEN/NOTIFY, so
// every instance on the same database hears every change. It reconnects by itself and,
// after a reconnection, notifies every subscriber, since changes may have been missed.
type Postgres struct {
	*Local
	db       *sql.DB
	listener *pq.Listener
	logger   *slog.Logger
	done     chan struct{}
}

// NewPostgres listens on the database at url and publishes through db.
func NewPostgres(url string, db *sql.DB, logger *slog.Logger) (*Postgres, error) {
	p := &Postgres{Local: NewLocal(), db: db, logger: logger, done: make(chan struct{})}
	p.listener = pq.NewListener(url, 100*time.Millisecond, 5*time.Second, func(ev pq.ListenerEventType, err error) {
		switch ev {
		case pq.ListenerEventDisconnected:
			logger.Warn("change listener disconnected", "err", err)
		case pq.ListenerEventReconnected:
			logger.Info("change listener reconnected")
		case pq.ListenerEventConnectionAttemptFailed:
			logger.Debug("change listener reconnect failed", "err", err)
		}
	})
	if err := p.listener.Listen(Channel); err != nil {
		p.listener.Close()
		return nil, fmt.Errorf("listen for changes: %w", err)
	}
	go p.run()
	return p, nil
}

func (p *Postgres) run() {
	for {
		select {
		case <-p.done:
			return
		case n, ok := <-p.listener.Notify:
			if !ok {
				return
			}
			if n == nil { // reconnected: anything may have changed meanwhile
				p.deliver(Everything(0))
				continue
			}
			if c, ok := decode(n.Extra); ok {
				p.deliver(c)
			}
		case <-time.After(30 * time.Second):
			go func() {
				if err := p.listener.Ping(); err != nil {
					p.logger.Debug("change listener ping failed", "err", err)
				}
			}()
		}
	}
}

// Publish sends the notification through PostgreSQL to every instance, this one included.
func (p *Postgres) Publish(ctx context.Context, c Change) error {
	payload, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("encode change: %w", err)
	}
	if _, err := p.db.ExecContext(ctx, "SELECT pg_notify($1, $2)", Channel, string(payload)); err != nil {
		return fmt.Errorf("notify change: %w", err)
	}
	return nil
}

// decode reads a notification's payload: a change, or the bare partner ID that instances
// of earlier versions send, which says anything of the partner may have changed.
func decode(payload string) (Change, bool) {
	if id, err := strconv.Atoi(payload); err == nil {
		return Everything(id), true
	}
	var c Change
	if err := json.Unmarshal([]byte(payload), &c); err != nil {
		return Change{}, false
	}
	return c, true
}

// Close stops listening.
func (p *Postgres) Close() error {
	close(p.done)
	return p.listener.Close()
}
