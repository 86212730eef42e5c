// Package store opens the banlist database through GORM (an SQLite file, with
// the connection pragmas that make it safe to share between processes, or a
// PostgreSQL server) and runs the schema migrations.
package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"banlist/backend/clock"
	"banlist/backend/store/sqlitedriver"
)

// Options says how to open a database file.
type Options struct {
	// Path is the database file (its folder is created if CreateFolder), or
	// a postgres:// or postgresql:// DSN naming a PostgreSQL database.
	Path string
	// Shared marks a file that several machines open over a network share.
	// It switches the journal from WAL (which needs shared memory on one host)
	// to the rollback journal, and syncs fully on every commit.
	Shared bool
	// Clock stamps GORM's automatic time fields. Defaults to the system clock.
	Clock clock.Clock
	// CreateFolder creates the file's folder if it is missing. Only the
	// default location is created; a folder the user chose must exist.
	CreateFolder bool
	// LockStaleAfter is how long a shared file's dot-file lock may stay
	// unchanged before this process breaks it (lockwatch.go). Defaults to
	// LockStaleAfter (15 s); every process on a file should use the same.
	LockStaleAfter time.Duration
	// BusyTimeout is how long SQLite waits for another process's lock before
	// returning SQLITE_BUSY. Defaults to 5 s.
	BusyTimeout time.Duration
}

// DB is an open banlist database.
type DB struct {
	*gorm.DB
	// Path is the file, or the server's DSN without its password.
	Path   string
	Shared bool
	// Lock is the lock scheme of a shared file (LockDotfile, LockWindows).
	Lock  string
	Clock clock.Clock
	// Engine is SQLite for a file, Postgres for a server.
	Engine Engine

	// lockWatch breaks a dot-file lock left by a crashed process (lockwatch.go).
	lockWatch *lockWatch
	// listen follows other processes' commits on a server (notify.go).
	listen *listener
}

// CacheSize is the page cache of every connection, in KiB (negative, as
// PRAGMA cache_size reads it): 64 MiB instead of SQLite's 2 MiB, so the
// report's indexes on a million contacts stay in memory (first page 11 ms →
// 1 ms, docs/BENCHMARKS.md). One connection per process, so 64 MiB at most.
//
// Imports do not raise it. A 512 MiB cache during a bulk insert saved
// spilling, but freeing those pages after COMMIT cost more: modernc's
// allocator returns each freed page to the system with its own madvise
// call, 4–5 s after a 50,000-contact import into the bench's 1M file
// (BenchmarkImportLarge: 3,931 contacts/s with it, 6,490/s without).
const CacheSize = -64 << 10

// dsnParams are the connection settings that vary with the storage mode.
type dsnParams struct {
	timeout time.Duration
	vfs     string // "" is SQLite's default VFS (POSIX or Windows locks)
	journal string // journal_mode to set on connect; "" leaves it as it is
	sync    string
}

// DSN builds the driver connection string for opts as Open finally uses it
// when the file records no other mode: WAL for a local file, the rollback
// journal and the platform's shared lock scheme for a shared one.
func DSN(opts Options) string {
	p := dsnParams{timeout: opts.BusyTimeout, journal: "WAL", sync: "NORMAL"}
	if opts.Shared {
		p = dsnParams{timeout: opts.BusyTimeout, vfs: vfsFor(SharedLock()), journal: "DELETE", sync: "FULL"}
	}
	return dsn(opts.Path, p)
}

// dsn builds a connection string. The order matters: busy_timeout comes
// first so that every later pragma (journal_mode needs a lock) already waits
// for other processes instead of failing at once.
func dsn(path string, p dsnParams) string {
	timeout := p.timeout
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	q := url.Values{}
	pragmas := []string{
		fmt.Sprintf("busy_timeout(%d)", timeout.Milliseconds()),
		"foreign_keys(1)",
		fmt.Sprintf("cache_size(%d)", CacheSize),
	}
	// A shared file uses the rollback journal (WAL's shared-memory index
	// does not work across machines) and syncs fully on every commit.
	if p.journal != "" {
		pragmas = append(pragmas, "journal_mode("+p.journal+")")
	}
	if p.sync != "" {
		pragmas = append(pragmas, "synchronous("+p.sync+")")
	}
	q["_pragma"] = pragmas
	// Every transaction takes the write lock when it begins, so two writers
	// never both read and then deadlock on the upgrade to a write lock.
	q.Set("_txlock", "immediate")
	if p.vfs != "" {
		q.Set("vfs", p.vfs)
	}
	return path + "?" + q.Encode()
}

// Open opens (creating if needed) and migrates the database at opts.Path:
// an SQLite file, or a PostgreSQL database when Path is a server DSN. For a
// file, the storage mode recorded in it wins over opts.Shared (see mode.go).
func Open(ctx context.Context, opts Options) (*DB, error) {
	if strings.TrimSpace(opts.Path) == "" {
		return nil, errors.New("no database path given")
	}
	if opts.Clock == nil {
		opts.Clock = clock.System{}
	}
	if IsServerDSN(opts.Path) {
		if opts.Shared {
			return nil, fmt.Errorf("%s: %w", Redact(opts.Path), ErrSharedServer)
		}
		return openPostgres(ctx, opts)
	}
	if strings.ContainsAny(opts.Path, "?#") {
		return nil, fmt.Errorf("database path %q: the characters ? and # are not supported", opts.Path)
	}
	dir := filepath.Dir(opts.Path)
	if opts.CreateFolder {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("create database folder: %w", osFault(err))
		}
	} else if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		// Never create a chosen folder: on an unmounted network share that
		// would quietly start a second, empty blacklist on this machine.
		return nil, fmt.Errorf("%w: %s (is the network share mounted?)", ErrMissingFolder, dir)
	}
	if err := prepareFile(opts.Path, opts.Shared); err != nil {
		return nil, err
	}
	// Watch for a crashed process's dot-file lock from the first read on.
	var watch *lockWatch
	if SharedLock() == LockDotfile {
		watch = watchLockOf(opts.Path, opts.LockStaleAfter)
	}
	// On a share, a file that exists can fail to open for a moment while
	// another machine rolls back a hot journal or breaks a stale lock
	// (SQLITE_CANTOPEN on the journal): try again for up to 2 s before
	// calling the file unreachable.
	var db *DB
	err := Retry(ctx, RetryPolicy{Attempts: 9, Budget: 2 * time.Second, First: 250 * time.Millisecond, MaxDelay: 250 * time.Millisecond,
		Retryable: func(err error) bool {
			_, serr := os.Stat(opts.Path)
			return watch != nil && isCantOpen(err) && serr == nil
		}},
		func() (err error) { db, err = open(ctx, opts, watch); return err })
	if err != nil || db.Lock != LockDotfile {
		watch.close()
	}
	if err != nil {
		return nil, err
	}
	if db.Lock == LockDotfile {
		watch.attach(db)
	}
	return db, nil
}

// open decides the storage mode, connects and migrates.
func open(ctx context.Context, opts Options, watch *lockWatch) (*DB, error) {
	lock, err := decideMode(ctx, opts)
	if err != nil {
		return nil, err
	}
	opts.Shared = lock != ""
	gdb, err := connect(DSN(opts), opts)
	if err != nil {
		return nil, err
	}
	db := &DB{DB: gdb, Path: opts.Path, Shared: opts.Shared, Lock: lock, Clock: opts.Clock, Engine: SQLite}
	if lock == LockDotfile {
		db.lockWatch = watch
	}
	if err := db.checkIsSQLite(ctx); err != nil {
		closeGorm(gdb)
		return nil, err
	}
	if err := migrate(ctx, db); err != nil {
		closeGorm(gdb)
		return nil, fmt.Errorf("migrate %s: %w", opts.Path, Classify(err))
	}
	if db.Shared {
		if err := db.recordShared(ctx); err != nil {
			closeGorm(gdb)
			return nil, fmt.Errorf("record the shared mode in %s: %w", opts.Path, Classify(err))
		}
	}
	return db, nil
}

// connect opens one GORM connection pool of a single connection on dsn.
func connect(dsn string, opts Options) (*gorm.DB, error) {
	// Connecting already reads the file (and on a shared file takes the
	// lock): wait out a crashed process's lock, which the watch breaks.
	var gdb *gorm.DB
	err := Retry(context.Background(), openRetry(opts), func() (err error) {
		gdb, err = gorm.Open(sqliteDialector{sqlite.Dialector{DriverName: sqlitedriver.Name, DSN: dsn}}, &gorm.Config{
			NowFunc:        opts.Clock.Now,
			TranslateError: true,
			Logger:         logger.Default.LogMode(logger.Silent),
			// No database/sql prepared statements: the driver keeps each
			// connection's compiled statements itself (sqlitedriver).
			CreateBatchSize: 500,
		})
		if err == nil {
			err = translateRowErrors(gdb, sqliteDialector{}.Translate)
		}
		if err != nil && gdb != nil {
			closeGorm(gdb)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", opts.Path, Classify(err))
	}
	sqlDB, err := gdb.DB()
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", opts.Path, err)
	}
	// One connection: SQLite allows one writer at a time anyway, and a single
	// connection keeps this process's writes strictly ordered and its
	// transactions from waiting on each other's busy timeouts.
	sqlDB.SetMaxOpenConns(1)
	sqlDB.SetConnMaxLifetime(0)
	return gdb, nil
}

// osFault marks file-system refusals (permissions, read-only mounts,
// immutable files) as ErrReadOnly so the UI can say what to fix.
func osFault(err error) error {
	if errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS) || errors.Is(err, syscall.EPERM) {
		return fmt.Errorf("%w: %w", ErrReadOnly, err)
	}
	return err
}

// checkIsSQLite refuses a file that is not SQLite, and a SQLite database
// that belongs to another program (it has tables but none of ours), so that
// banlist never adds its tables to someone else's data.
func (db *DB) checkIsSQLite(ctx context.Context) error {
	var tables []string
	if err := db.WithContext(ctx).Raw("SELECT name FROM sqlite_master WHERE type = 'table'").Scan(&tables).Error; err != nil {
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

// errProbe rolls back the write probe.
var errProbe = errors.New("write probe")

// CheckWritable proves the file accepts writes (a read-only file, folder or
// mount often opens fine and fails only at the first write) by writing a row
// in a transaction that is then rolled back.
func (db *DB) CheckWritable(ctx context.Context) error {
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(`INSERT INTO settings(key, value) VALUES ('write_probe', 'x')
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`).Error; err != nil {
			return err
		}
		return errProbe
	})
	if errors.Is(err, errProbe) {
		return nil
	}
	return fmt.Errorf("write to %s: %w", db.Path, Classify(err))
}

// Close stops the lock watch and closes the underlying connection.
func (db *DB) Close() error {
	db.lockWatch.close()
	db.listen.close()
	sqlDB, err := db.DB.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// DataVersion returns SQLite's data_version for this connection: it changes
// whenever another connection (in this or another process) commits a change
// to the file. Watchers poll it cheaply instead of re-reading tables.
// PostgreSQL has no such counter (its watchers will use LISTEN/NOTIFY).
func (db *DB) DataVersion(ctx context.Context) (int64, error) {
	if db.Engine == Postgres {
		return 0, fmt.Errorf("data version: %w", ErrUnsupported)
	}
	var v int64
	err := db.WithContext(ctx).Raw("PRAGMA data_version").Scan(&v).Error
	return v, err
}
