package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"gorm.io/gorm"

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
//     time) so that others can say whose lock it was. Nothing is ever put
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

type lockWatch struct {
	stop chan struct{}
	done chan struct{}
}

// dotLocked reports whether this file uses the dot-file lock.
func (db *DB) dotLocked() bool { return db.Shared && db.Lock == LockDotfile }

// holdLock is called right after BEGIN IMMEDIATE succeeded: this process
// holds the lock folder. It records the owner and beats until the returned
// function is called (before COMMIT or ROLLBACK, which release the folder).
func (db *DB) holdLock() (release func()) {
	if !db.dotLocked() {
		return func() {}
	}
	host, _ := os.Hostname()
	owner := fmt.Sprintf("host %s, process %d, since %s", host, os.Getpid(), time.Now().UTC().Format(time.RFC3339))
	db.holding.Add(1)
	_ = os.WriteFile(lockOwnerFile(db.Path), []byte(owner), 0o600)
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(LockBeatEvery)
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
		db.holding.Add(-1)
	}
}

func (db *DB) startLockWatch() {
	if !db.dotLocked() {
		return
	}
	w := &lockWatch{stop: make(chan struct{}), done: make(chan struct{})}
	db.lockWatch = w
	go db.watchLock(w)
}

func (db *DB) stopLockWatch() {
	if w := db.lockWatch; w != nil {
		db.lockWatch = nil
		close(w.stop)
		<-w.done
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
	id := lockID{mtime: fi.ModTime().UnixNano()}
	id.ino = fileIno(fi)
	return id, true
}

func (db *DB) watchLock(w *lockWatch) {
	defer close(w.done)
	t := time.NewTicker(lockLookEvery)
	defer t.Stop()
	var seen lockID
	var since time.Time
	for {
		select {
		case <-w.stop:
			return
		case <-t.C:
		}
		id, ok := statLock(LockDir(db.Path))
		switch {
		case !ok:
			seen, since = lockID{}, time.Time{}
		case id != seen:
			seen, since = id, time.Now()
		case time.Since(since) >= LockStaleAfter:
			silent := time.Since(since)
			if db.breakLock(id, silent) {
				seen, since = lockID{}, time.Time{}
			}
		}
	}
}

// breakLock removes the lock folder if it is still the one watched (id) and
// this process is not inside a write transaction (then it would be the
// holder, and beating). It reports whether the folder was removed.
func (db *DB) breakLock(id lockID, silent time.Duration) bool {
	if db.holding.Load() > 0 {
		return false // this process holds the lock and beats: never stale
	}
	lock := LockDir(db.Path)
	owner, _ := os.ReadFile(lockOwnerFile(db.Path))
	hot := false
	if fi, err := os.Stat(db.Path + "-journal"); err == nil && fi.Size() > 0 {
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
	slog.Warn("broke a stale database lock", "path", db.Path, "holder", holder, "silent", silent.Round(time.Second), "hot_journal", hot)
	actx := actor.With(context.Background(), actor.Actor{Name: "banlist", Source: "lock-watch", Remote: host})
	wctx, cancel := context.WithTimeout(actx, 30*time.Second)
	defer cancel()
	// This write is the first to take the lock after the break, in this
	// process at least: SQLite rolls the hot journal back before it.
	if err := db.Write(wctx, func(tx *gorm.DB) error {
		return db.RecordAudit(wctx, tx, AuditEntry{Kind: AuditLockRecovered, Target: db.Path, Detail: detail})
	}); err != nil && !errors.Is(err, context.Canceled) {
		slog.Warn("record the lock recovery", "err", err)
	}
	return true
}
