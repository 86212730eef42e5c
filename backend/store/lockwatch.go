package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"banlist/backend/actor"
)

// Recovery of a dot-file lock left behind by a crashed process.
//
// With the unix-dotfile VFS a process holds the database lock while the
// folder <db>.lock exists: SQLite creates it with mkdir (atomic on every
// network file system) and removes it with rmdir. A process killed while
// holding it leaves it behind, and every other process would then wait
// forever. So:
//
//   - The holder beats. While a write transaction is open (WriteTx, from
//     BEGIN IMMEDIATE until just before COMMIT or ROLLBACK) the process
//     touches the lock folder's modification time every LockBeatEvery, and
//     when the transaction begins it writes <db>.lock-owner (host, process,
//     time), removed again before COMMIT, so that others can say whose lock
//     it was (a lock without that file was taken for a read, or by a process
//     killed before it wrote it). Nothing is ever put
//     inside the lock folder: SQLite's rmdir must keep working.
//   - Everyone watches. Each process that has the file open checks the lock
//     folder every second. The folder's identity (inode and modification
//     time) is compared with the last look; time is measured on the
//     watcher's own monotonic clock, so clocks that differ between machines
//     do not matter. A folder unchanged for LockStaleAfter belongs to a
//     holder that stopped beating.
//   - Breaking is a rename, then a check. The watcher makes sure its own
//     process is not inside a write transaction (it could be the holder
//     then), renames <db>.lock to a unique name (atomic: only one watcher
//     wins), and checks that what it moved is the folder it watched. If a new
//     holder's folder was moved instead (two watchers racing) it is put back.
//     The moved folder is then removed.
//   - The watch starts before the file is first read, so a process that
//     starts while a crashed one's lock is still there recovers it instead
//     of failing to open the file.
//   - SQLite rolls back. The next transaction, in any process, finds the
//     dead holder's hot journal (<db>-journal) with no lock held and rolls it
//     back before reading; SQLite 3.54's dot-file VFS reports "no reserved
//     lock" when the lock folder is absent, which is what makes it hot. The
//     watcher then records a lock_recovered audit event in the file, which
//     Settings → Database shows on every machine.
//
// What this cannot cover: a live process frozen for longer than
// LockStaleAfter in the middle of a write (a laptop suspended mid-commit)
// loses its lock; reads outside a write transaction do not beat, so a single
// read holding the lock for longer than LockStaleAfter could be interrupted
// (a read never changes the file). Both are far beyond the milliseconds a
// banlist transaction takes.
//
// The bound is LockStaleAfter unless Options.LockStaleAfter says otherwise
// (tests that kill many holders use a shorter one); the beat is 2/15 of it.
const (
	LockStaleAfter = 15 * time.Second
	LockBeatEvery  = 2 * time.Second
	lockLookEvery  = time.Second
)

// LockDir is the folder the unix-dotfile VFS creates as the lock of path.
func LockDir(path string) string { return path + ".lock" }

// lockOwnerFile names the last process that took the lock for a write.
func lockOwnerFile(path string) string { return path + ".lock-owner" }

// AuditLockRecovered is the audit kind of a broken stale lock.
const AuditLockRecovered = "lock_recovered"

// lockWatch watches one file's lock folder for the whole life of its DB.
type lockWatch struct {
	path    string
	stale   time.Duration // a folder unchanged this long is broken
	beat    time.Duration // how often a holder touches its folder
	holding atomic.Int32  // this process's write transactions inside the lock
	stop    chan struct{}
	done    chan struct{}

	mu      sync.Mutex
	db      *DB      // set once the file is open; recoveries are recorded there
	pending []string // recoveries made before that
}

// watchLockOf starts watching path's lock folder; stale 0 means LockStaleAfter.
func watchLockOf(path string, stale time.Duration) *lockWatch {
	if stale <= 0 {
		stale = LockStaleAfter
	}
	w := &lockWatch{path: path, stale: stale, beat: stale * 2 / 15, // LockBeatEvery at the default bound
		stop: make(chan struct{}), done: make(chan struct{})}
	go w.run()
	return w
}

// attach gives the watch the open database and records the recoveries
// made while it was being opened.
func (w *lockWatch) attach(db *DB) {
	w.mu.Lock()
	w.db = db
	pending := w.pending
	w.pending = nil
	w.mu.Unlock()
	for _, detail := range pending {
		w.record(detail)
	}
}

// close stops the watch; it is safe on nil and more than once.
func (w *lockWatch) close() {
	if w == nil {
		return
	}
	w.mu.Lock()
	select {
	case <-w.stop:
	default:
		close(w.stop)
	}
	w.mu.Unlock()
	<-w.done
}

// dotLocked reports whether this file uses the dot-file lock.
func (db *DB) dotLocked() bool { return db.Shared && db.Lock == LockDotfile && db.lockWatch != nil }

// holdLock is called right after BEGIN IMMEDIATE succeeded: this process
// holds the lock folder. It records the owner and beats until the returned
// function is called (before COMMIT or ROLLBACK, which release the folder).
func (db *DB) holdLock() (release func()) {
	if !db.dotLocked() {
		return func() {}
	}
	w := db.lockWatch
	w.holding.Add(1)
	host, _ := os.Hostname()
	owner := fmt.Sprintf("host %s, process %d, since %s", host, os.Getpid(), time.Now().UTC().Format(time.RFC3339))
	_ = os.WriteFile(lockOwnerFile(db.Path), []byte(owner), 0o600)
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(w.beat)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				now := time.Now()
				_ = os.Chtimes(LockDir(db.Path), now, now)
			}
		}
	}()
	return func() {
		close(stop)
		<-done
		// Still inside the lock: no one else can have written the file.
		_ = os.Remove(lockOwnerFile(db.Path))
		w.holding.Add(-1)
	}
}

// lockID identifies one state of the lock folder: a new folder, or a beat
// of its holder, changes it.
type lockID struct {
	ino   uint64
	mtime int64
}

func statLock(path string) (lockID, bool) {
	fi, err := os.Lstat(path)
	if err != nil || !fi.IsDir() {
		return lockID{}, false
	}
	return lockID{ino: fileIno(fi), mtime: fi.ModTime().UnixNano()}, true
}

func (w *lockWatch) run() {
	defer close(w.done)
	t := time.NewTicker(min(lockLookEvery, w.beat))
	defer t.Stop()
	var seen lockID
	var since time.Time
	for {
		select {
		case <-w.stop:
			return
		case <-t.C:
		}
		id, ok := statLock(LockDir(w.path))
		switch {
		case !ok:
			seen, since = lockID{}, time.Time{}
		case id != seen:
			seen, since = id, time.Now()
		case time.Since(since) >= w.stale:
			if w.breakLock(id, time.Since(since)) {
				seen, since = lockID{}, time.Time{}
			}
		}
	}
}

// breakLock removes the lock folder if it is still the one watched (id) and
// this process is not inside a write transaction (then it would be the
// holder, and beating). It reports whether the folder was removed.
func (w *lockWatch) breakLock(id lockID, silent time.Duration) bool {
	if w.holding.Load() > 0 {
		return false
	}
	lock := LockDir(w.path)
	owner, _ := os.ReadFile(lockOwnerFile(w.path))
	hot := false
	if fi, err := os.Stat(w.path + "-journal"); err == nil && fi.Size() > 0 {
		hot = true
	}
	host, _ := os.Hostname()
	moved := fmt.Sprintf("%s.stale-%s-%d-%d", lock, host, os.Getpid(), time.Now().UnixNano())
	if err := os.Rename(lock, moved); err != nil {
		return false
	}
	// Compared by modification time only: a rename changes the folder's
	// change time, and FUSE file systems may give it a new inode number.
	if got, ok := statLock(moved); !ok || got.mtime != id.mtime {
		// Another watcher broke the stale lock first and this rename moved
		// a live holder's folder: give it back.
		_ = os.Rename(moved, lock)
		return false
	}
	_ = os.Remove(moved)

	holder := strings.TrimSpace(string(owner))
	if holder == "" {
		holder = "an unknown process"
	}
	detail := fmt.Sprintf("The lock on the shared file was held by %s and silent for %d s; it was removed.", holder, int(silent.Round(time.Second)/time.Second))
	if hot {
		detail += " SQLite rolled back the write that process left unfinished."
	}
	slog.Warn("broke a stale database lock", "path", w.path, "holder", holder, "silent", silent.Round(time.Second), "hot_journal", hot)
	w.mu.Lock()
	if w.db == nil {
		w.pending = append(w.pending, detail)
		w.mu.Unlock()
		return true
	}
	w.mu.Unlock()
	w.record(detail)
	return true
}

// record writes a lock_recovered audit event. This write is the first to
// take the lock after the break, in this process at least: SQLite rolls the
// hot journal back before it.
func (w *lockWatch) record(detail string) {
	host, _ := os.Hostname()
	actx := actor.With(context.Background(), actor.Actor{Name: "banlist", Source: "lock-watch", Remote: host})
	ctx, cancel := context.WithTimeout(actx, 30*time.Second)
	defer cancel()
	db := w.db
	if err := db.Write(ctx, func(tx *Tx) error {
		return tx.RecordAudit(AuditEntry{Kind: AuditLockRecovered, Target: db.Path, Detail: detail})
	}); err != nil && !errors.Is(err, context.Canceled) {
		slog.Warn("record the lock recovery", "err", err)
	}
}
