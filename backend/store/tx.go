package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"math/rand/v2"
	"strings"
	"time"

	"gorm.io/gorm"
)

// RetryPolicy bounds how long a write keeps trying while another process
// holds the database lock (beyond SQLite's own busy timeout).
type RetryPolicy struct {
	Attempts        int
	Budget          time.Duration
	First, MaxDelay time.Duration
	// Retryable says which errors are worth another attempt; nil means
	// IsBusy. DB.RetryPolicy adds the shared file's transient open failures.
	Retryable func(error) bool
}

// DefaultRetry suits a handful of supervisors on one shared file. Each
// attempt already waits up to the busy_timeout inside SQLite; these retries
// cover what the busy handler does not (a lock held longer than that, or a
// busy COMMIT in rollback-journal mode).
var DefaultRetry = RetryPolicy{Attempts: 10, Budget: 15 * time.Second, First: 25 * time.Millisecond, MaxDelay: 2 * time.Second}

// Retry calls fn until it succeeds, fails with something other than
// SQLITE_BUSY, or the attempt or time budget runs out. Waits grow
// exponentially with jitter so competing processes spread out.
func Retry(ctx context.Context, p RetryPolicy, fn func() error) error {
	start := time.Now()
	delay := p.First
	retryable := p.Retryable
	if retryable == nil {
		retryable = IsBusy
	}
	for attempt := 1; ; attempt++ {
		err := fn()
		if err == nil || !retryable(err) || attempt >= p.Attempts {
			return err
		}
		wait := delay/2 + rand.N(delay/2+1)
		if time.Since(start)+wait > p.Budget {
			return err
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return err
		case <-timer.C:
		}
		delay = min(2*delay, p.MaxDelay)
	}
}

// Tx is where the store's statements run: a write transaction (Write,
// WriteTx) or a session outside any transaction (Session), bound to the
// caller's ctx. The domain packages get one only inside a callback or for one
// call, and reach the database only through its methods.
type Tx struct {
	g  *gorm.DB
	db *DB
}

// Session returns a Tx outside any transaction: each statement commits on
// its own. For reads, and for single writes that need no transaction.
func (db *DB) Session(ctx context.Context) *Tx {
	return &Tx{g: db.WithContext(ctx), db: db}
}

// Engine is the engine the statements run on.
func (tx *Tx) Engine() Engine { return tx.db.Engine }

func (tx *Tx) ctx() context.Context { return tx.g.Statement.Context }

// Write runs fn in one write transaction (WriteTx), retrying the whole
// transaction with DefaultRetry while the database is busy.
func (db *DB) Write(ctx context.Context, fn func(tx *Tx) error) error {
	return Retry(ctx, db.RetryPolicy(DefaultRetry), func() error { return db.WriteTx(ctx, fn) })
}

// WriteTx runs fn between BEGIN and COMMIT on one pinned connection. On
// SQLite it is BEGIN IMMEDIATE: the write lock is taken up front, so two
// writers never both read and then deadlock upgrading to it.
//
// database/sql transactions are not used on purpose: when COMMIT fails (for
// example SQLITE_BUSY in rollback-journal mode) SQLite keeps the transaction
// open, but database/sql considers it finished and hands the connection back
// still inside it. Here every failure is followed by an explicit ROLLBACK,
// and a connection whose state is unknown is discarded.
func (db *DB) WriteTx(ctx context.Context, fn func(tx *Tx) error) error {
	return db.WithContext(ctx).Connection(func(pinned *gorm.DB) error {
		// GORM must not open transactions of its own inside this one.
		c := pinned.WithContext(ctx).Session(&gorm.Session{SkipDefaultTransaction: true})
		if err := c.Exec(db.dialect().begin).Error; err != nil {
			rollback(ctx, pinned)
			return err
		}
		// On a dot-file-locked shared file, beat while holding the lock, and
		// stop before COMMIT or ROLLBACK release it (lockwatch.go).
		release := db.holdLock()
		tx := &Tx{g: c, db: db}
		if err := fn(tx); err != nil {
			release()
			rollback(ctx, pinned)
			return err
		}
		release()
		// Commit even if ctx ended meanwhile: the work is done and valid.
		if err := pinned.WithContext(context.WithoutCancel(ctx)).Exec("COMMIT").Error; err != nil {
			rollback(ctx, pinned)
			return err
		}
		return nil
	})
}

func rollback(ctx context.Context, pinned *gorm.DB) {
	err := pinned.WithContext(context.WithoutCancel(ctx)).Exec("ROLLBACK").Error
	if err == nil || strings.Contains(err.Error(), "no transaction is active") {
		return
	}
	if conn, ok := pinned.Statement.ConnPool.(*sql.Conn); ok {
		_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	}
}

// RetryPolicy returns p for this database: on a shared file it also retries
// SQLITE_CANTOPEN, which a network share answers for a moment while another
// machine rolls back a hot journal or breaks a stale lock (the file opened
// fine before, so the share is there). Everything else as IsBusy.
func (db *DB) RetryPolicy(p RetryPolicy) RetryPolicy {
	if db.Shared {
		p.Retryable = func(err error) bool { return IsBusy(err) || isCantOpen(err) }
	}
	return p
}
