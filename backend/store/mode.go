package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"

	"gorm.io/gorm"
)

// The storage mode of a file is recorded in the file itself (table
// storage_mode, migration 031) when it is made shared, so that every process
// and command that opens it later (serve, the desktop app, import, export)
// uses the same journal and lock scheme whatever its own flags say. Without
// the record, one command run without --shared would turn a shared file into
// WAL, which needs shared memory on one host and breaks on a network share.
//
// The journal mode is also in the file's header (byte 18: 1 rollback, 2 WAL),
// which is read without any lock before SQLite opens the file: a WAL file
// cannot be opened through the unix-dotfile VFS (it has no shared memory),
// and a WAL file that another local process keeps open cannot be switched to
// the rollback journal. That second case gets its own error, ErrInUseLocal.

// Lock schemes recorded in storage_mode.lock.
const (
	// LockDotfile is SQLite's unix-dotfile VFS: a process holds the lock by
	// creating the folder <db>.lock (mkdir is atomic on every network file
	// system, unlike the POSIX byte-range locks that sshfs, NFS without a
	// lock manager and many SMB set-ups do not pass between machines).
	LockDotfile = "unix-dotfile"
	// LockWindows is the Windows VFS's own LockFileEx locks, which SMB
	// passes between Windows clients.
	LockWindows = "windows"
)

// Errors about the storage mode that a user must act on.
var (
	ErrInUseLocal = errors.New("the file is open as a local (WAL) database by another banlist process")
	ErrLockScheme = errors.New("the file is shared with a lock scheme this program cannot use")
)

// SharedLock is the lock scheme this platform uses for a shared file.
func SharedLock() string {
	if runtime.GOOS == "windows" {
		return LockWindows
	}
	return LockDotfile
}

// vfsFor is the SQLite VFS name for a lock scheme ("" is the default VFS).
func vfsFor(lock string) string {
	if lock == LockDotfile {
		return "unix-dotfile"
	}
	return ""
}

// Mode is the storage mode recorded in a database file.
type Mode struct {
	Shared bool   `json:"shared"`
	Lock   string `json:"lock"`  // LockDotfile or LockWindows; "" for a local file
	SetAt  int64  `json:"setAt"` // UTC Unix ms when the file was made shared
	SetBy  string `json:"setBy"` // host and process that made it shared
	// Journal is what SQLite reports for the file now: "delete" or "wal".
	Journal string `json:"journal"`
}

// headerJournal reads the journal mode from the file header without
// opening it through SQLite: "wal", "rollback", or "" for a new, empty file
// or one too short to be a database (SQLite then reports it).
func headerJournal(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", osFault(err)
	}
	defer f.Close()
	var hdr [20]byte
	if _, err := io.ReadFull(f, hdr[:]); err != nil {
		return "", nil
	}
	if string(hdr[:15]) != "SQLite format 3" {
		return "", nil
	}
	if hdr[18] == 2 || hdr[19] == 2 {
		return "wal", nil
	}
	return "rollback", nil
}

// readMode reads the storage_mode row; a file without the table or the row
// has no record (Mode{}).
func readMode(ctx context.Context, g *gorm.DB) (Mode, error) {
	var n int64
	if err := g.WithContext(ctx).Raw(`SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'storage_mode'`).Scan(&n).Error; err != nil {
		return Mode{}, err
	}
	if n == 0 {
		return Mode{}, nil
	}
	var rows []struct {
		Shared bool
		Lock   string
		SetAt  int64
		SetBy  string
	}
	if err := g.WithContext(ctx).Raw(`SELECT shared, lock, set_at, set_by FROM storage_mode WHERE id = 1`).Scan(&rows).Error; err != nil {
		return Mode{}, err
	}
	if len(rows) == 0 {
		return Mode{}, nil
	}
	r := rows[0]
	return Mode{Shared: r.Shared, Lock: r.Lock, SetAt: r.SetAt, SetBy: r.SetBy}, nil
}

// Mode reads the storage mode recorded in the file and the journal mode
// SQLite uses for it now, for the Settings → Database panel.
func (db *DB) Mode(ctx context.Context) (Mode, error) {
	if db.Engine == Postgres {
		return Mode{}, nil // a server has no file mode
	}
	m, err := readMode(ctx, db.DB)
	if err != nil {
		return m, Classify(err)
	}
	var j string
	if err := db.WithContext(ctx).Raw(`PRAGMA journal_mode`).Scan(&j).Error; err != nil {
		return m, Classify(err)
	}
	m.Journal = strings.ToLower(j)
	return m, nil
}

// recordShared writes the shared mode into the file, once.
func (db *DB) recordShared(ctx context.Context) error {
	host, _ := os.Hostname()
	return db.Write(ctx, func(tx *Tx) error {
		return tx.g.Exec(`INSERT OR IGNORE INTO storage_mode(id, shared, lock, set_at, set_by) VALUES (1, 1, ?, ?, ?)`,
			SharedLock(), db.Clock.Now().UnixMilli(), fmt.Sprintf("%s pid %d", host, os.Getpid())).Error
	})
}

// decideMode opens the file briefly to find out how it must be opened: it
// returns the lock scheme ("" for a local WAL file). A file recorded as
// shared is shared whatever opts.Shared says; a shared file recorded with a
// lock scheme this platform cannot use is refused; a WAL file asked to be
// shared is switched to the rollback journal first, which fails with
// ErrInUseLocal while another process has it open as a local file.
func decideMode(ctx context.Context, opts Options) (lock string, err error) {
	journal, err := headerJournal(opts.Path)
	if err != nil {
		return "", err
	}
	probeVFS := vfsFor(SharedLock())
	if journal == "wal" {
		// The unix-dotfile VFS cannot read a WAL file at all (it has no
		// shared memory); such a file is local, so POSIX locks hold for it.
		probeVFS = ""
	}
	probe, err := connect(dsn(opts.Path, dsnParams{timeout: opts.BusyTimeout, vfs: probeVFS}), opts)
	if err != nil {
		return "", err
	}
	defer closeGorm(probe)
	// Waits out a crashed process's lock: the lock watch, already running,
	// breaks it after LockStaleAfter.
	var rec Mode
	err = Retry(ctx, openRetry(opts), func() (err error) {
		rec, err = readMode(ctx, probe)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("open database %s: %w", opts.Path, Classify(err))
	}
	if rec.Shared && rec.Lock != SharedLock() {
		return "", fmt.Errorf("%w: %s is shared with the %q lock, and this computer uses %q; open it only from computers of one kind",
			ErrLockScheme, opts.Path, rec.Lock, SharedLock())
	}
	shared := rec.Shared || opts.Shared
	if !shared {
		return "", nil
	}
	if journal == "wal" {
		var mode string
		if err := probe.WithContext(ctx).Raw(`PRAGMA journal_mode=DELETE`).Scan(&mode).Error; err != nil || !strings.EqualFold(mode, "delete") {
			if err == nil || IsBusy(err) {
				return "", fmt.Errorf("%w: %s cannot be opened as shared while a banlist window or command that opened it without --shared is running; close it (or start it with --shared too), then try again",
					ErrInUseLocal, opts.Path)
			}
			return "", fmt.Errorf("switch %s to the rollback journal: %w", opts.Path, Classify(err))
		}
	}
	return SharedLock(), nil
}

// openRetry outlasts a stale dot-file lock found when a file is opened.
func openRetry(opts Options) RetryPolicy {
	stale := opts.LockStaleAfter
	if stale <= 0 {
		stale = LockStaleAfter
	}
	return RetryPolicy{Attempts: 20, Budget: stale + 10*time.Second, First: 25 * time.Millisecond, MaxDelay: 2 * time.Second}
}

func closeGorm(g *gorm.DB) {
	if sqlDB, err := g.DB(); err == nil {
		_ = sqlDB.Close()
	}
}
