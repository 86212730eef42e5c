package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// ErrUnsupported says an operation needs something the PostgreSQL store does
// not offer yet.
var ErrUnsupported = errors.New("not supported on PostgreSQL yet")

// ErrSharedServer refuses --shared with a server address: shared mode is how
// several machines use one SQLite file; a server is shared by nature.
var ErrSharedServer = errors.New("--shared is for a database file on a network share; a PostgreSQL server needs no shared mode")

// migrateLockKey is the advisory lock that serialises migrations of one
// PostgreSQL database across processes ("banlist" in ASCII).
const migrateLockKey int64 = 0x62616e6c697374

// Redact returns dsn with any password replaced, fit for messages and logs.
func Redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// PostgresSessionDefaults are the settings of every session unless the address
// names them (openPostgres says why).
var PostgresSessionDefaults = map[string]string{"jit": "off", "max_parallel_workers_per_gather": "0"}

// openPostgres connects to the server named by opts.Path (a postgres:// DSN),
// refuses a database that holds another program's tables, and migrates it.
func openPostgres(ctx context.Context, opts Options) (*DB, error) {
	name := Redact(opts.Path)
	u, err := url.Parse(opts.Path)
	if err != nil {
		return nil, fmt.Errorf("database address %s: %w", name, err)
	}
	// The report's statements are short and run over and over; JIT
	// compilation, which the planner starts for anything it thinks costly
	// (a join on address ranges looks like millions of rows to it), cost
	// 160 ms of a 200 ms blocked-only count at a million contacts. pgx sends
	// unknown address parameters as session settings. Parallel workers are
	// off too: starting them costs more than these statements gain, and on
	// the bench's 2 cores the blocked-only count took 35–53 ms with one
	// worker and 24–28 ms without, the count of the 58,613 contacts
	// matching "ana" 600–712 ms with and 222–234 ms without (psql, warm,
	// on the bench's 1M-contact database). An address that sets either
	// itself keeps its choice.
	q := u.Query()
	for k, v := range PostgresSessionDefaults {
		if !q.Has(k) {
			q.Set(k, v)
		}
	}
	u.RawQuery = q.Encode()
	dsn := u.String()
	gdb, err := gorm.Open(postgres.Open(dsn), &gorm.Config{
		NowFunc:        opts.Clock.Now,
		TranslateError: true,
		Logger:         logger.Default.LogMode(logger.Silent),
		// pgx already prepares and caches each statement per connection.
		CreateBatchSize: 500,
	})
	if err != nil { // gorm.Open pings the server
		return nil, fmt.Errorf("connect to %s: %w", name, Classify(err))
	}
	if err := translateRowErrors(gdb, translatePG); err != nil {
		return nil, fmt.Errorf("open database %s: %w", name, err)
	}
	sqlDB, err := gdb.DB()
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", name, err)
	}
	// A server serves many connections at once; a few per process let reads
	// go on while a write waits for a row lock.
	sqlDB.SetMaxOpenConns(8)
	sqlDB.SetMaxIdleConns(4)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	db := &DB{DB: gdb, Path: name, Engine: Postgres, Clock: opts.Clock}
	if err := db.checkIsBanlistPG(ctx); err != nil {
		_ = sqlDB.Close()
		return nil, err
	}
	if err := migratePostgres(ctx, db); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("migrate %s: %w", name, Classify(err))
	}
	db.listen = startListener(dsn)
	return db, nil
}

// checkIsBanlistPG refuses a database whose schema has tables but no
// schema_migrations: it belongs to another program.
func (db *DB) checkIsBanlistPG(ctx context.Context) error {
	var tables []string
	if err := db.WithContext(ctx).Raw(`SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema()`).Scan(&tables).Error; err != nil {
		return fmt.Errorf("open database %s: %w", db.Path, Classify(err))
	}
	if len(tables) == 0 {
		return nil
	}
	for _, t := range tables {
		if t == "schema_migrations" {
			return nil
		}
	}
	return fmt.Errorf("open database %s: %w", db.Path, ErrNotBanlist)
}

// migratePostgres applies every step of pgMigrations not yet recorded. Each
// step runs in its own transaction that first takes a transaction-scoped
// advisory lock, so two processes starting at once apply each step once:
// the second waits, then sees the step recorded. PostgreSQL's DDL is
// transactional, so a failed step leaves nothing behind.
func migratePostgres(ctx context.Context, db *DB) error {
	lock := func(tx *gorm.DB) error {
		return tx.Exec(`SELECT pg_advisory_xact_lock(?)`, migrateLockKey).Error
	}
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := lock(tx); err != nil {
			return err
		}
		return tx.Exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
			name       TEXT COLLATE "C" PRIMARY KEY,
			applied_at BIGINT NOT NULL
		)`).Error
	})
	if err != nil {
		return err
	}
	for _, m := range pgMigrations {
		err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if err := lock(tx); err != nil {
				return err
			}
			return db.applyStep(tx, m)
		})
		if err != nil {
			return fmt.Errorf("step %s: %w", m.name, err)
		}
	}
	return nil
}

// PostgreSQL error classes a user can act on (SQLSTATE codes).
const (
	pgSerialization   = "40001" // serialization_failure: retry the transaction
	pgDeadlock        = "40P01" // deadlock_detected: retry
	pgLockTimeout     = "55P03" // lock_not_available
	pgReadOnly        = "25006" // read_only_sql_transaction (a standby)
	pgDiskFull        = "53100"
	pgPrivilege       = "42501" // insufficient_privilege
	pgInvalidPassword = "28P01"
	pgInvalidAuth     = "28000" // invalid_authorization_specification (no pg_hba entry, unknown role)
	pgNoSuchDatabase  = "3D000"
)

// pgKindOf maps a PostgreSQL server error to one of the storage faults.
func pgKindOf(err error) (kind error, known bool) {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		var ce *pgconn.ConnectError
		if errors.As(err, &ce) {
			return ErrUnreachable, true
		}
		return nil, false
	}
	switch pe.Code {
	case pgInvalidPassword, pgInvalidAuth:
		return ErrLoginRefused, true
	case pgNoSuchDatabase:
		return ErrNoSuchDB, true
	case pgSerialization, pgDeadlock, pgLockTimeout:
		return ErrBusy, true
	case pgReadOnly, pgPrivilege:
		return ErrReadOnly, true
	case pgDiskFull:
		return ErrDiskFull, true
	}
	return nil, true
}

// translatePG wraps PostgreSQL's unique and foreign-key violations in the
// GORM errors callers test for, keeping the server's message.
func translatePG(err error) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return err
	}
	switch pe.Code {
	case "23505":
		return wrapAs(gorm.ErrDuplicatedKey, err)
	case "23503":
		return wrapAs(gorm.ErrForeignKeyViolated, err)
	}
	return err
}
