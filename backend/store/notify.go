package store

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// notifyChannel is the PostgreSQL channel the change triggers (migration
// 054_change_notify) notify, with the changed table's name as the payload.
const notifyChannel = "banlist_changes"

// listener follows other processes' commits on a PostgreSQL server through
// LISTEN on its own connection, and wakes the watchers of each table. It
// reconnects after a lost connection, waking every watcher once then, since
// notifications sent meanwhile are lost.
type listener struct {
	dsn    string
	cancel context.CancelFunc
	done   chan struct{}

	mu       sync.Mutex
	watchers map[string][]chan struct{}
}

// Changes returns a channel that receives a value soon after any process
// commits a change to table (bans, contacts, protected). On PostgreSQL the
// server notifies every listening process; on an SQLite file it returns nil
// (a channel that never fires): SQLite watchers poll data_version or the
// file's change counter instead. Bursts are coalesced into one value.
func (db *DB) Changes(table string) <-chan struct{} {
	if db.listen == nil {
		return nil
	}
	ch := make(chan struct{}, 1)
	l := db.listen
	l.mu.Lock()
	l.watchers[table] = append(l.watchers[table], ch)
	l.mu.Unlock()
	return ch
}

func startListener(dsn string) *listener {
	ctx, cancel := context.WithCancel(context.Background())
	l := &listener{dsn: dsn, cancel: cancel, done: make(chan struct{}), watchers: map[string][]chan struct{}{}}
	go l.run(ctx)
	return l
}

func (l *listener) close() {
	if l == nil {
		return
	}
	l.cancel()
	<-l.done
}

func (l *listener) run(ctx context.Context) {
	defer close(l.done)
	backoff := 250 * time.Millisecond
	for ctx.Err() == nil {
		err := l.session(ctx)
		if ctx.Err() != nil {
			return
		}
		slog.Warn("listening for changes on the database server", "err", err, "retry in", backoff)
		l.wake("")
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

// session listens on one connection until it fails or ctx ends.
func (l *listener) session(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, l.dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+notifyChannel); err != nil {
		return err
	}
	// Changes committed before LISTEN took effect were not notified.
	l.wake("")
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		l.wake(n.Payload)
	}
}

// wake signals the watchers of table, or of every table when table is "".
func (l *listener) wake(table string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for t, chans := range l.watchers {
		if table != "" && t != table {
			continue
		}
		for _, ch := range chans {
			select {
			case ch <- struct{}{}:
			default:
			}
		}
	}
}
