package store_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"banlist/backend/store"
)

const (
	envHolder  = "BANLIST_STORE_LOCK_HOLDER"
	envHoldFor = "BANLIST_STORE_HOLD_FOR" // how long the helper holds the lock; default an hour
	envStale   = "BANLIST_STORE_STALE"    // its Options.LockStaleAfter
)

// TestLockHolderProcess is not a test: it is the body of the helper process
// that takes the dot-file lock, writes enough for SQLite to spill changed
// pages into the database file, says "holding" and waits to be killed.
func TestLockHolderProcess(t *testing.T) {
	path := os.Getenv(envHolder)
	if path == "" {
		t.Skip("helper process for TestStaleLockOfAKilledProcessIsBroken")
	}
	ctx := context.Background()
	holdFor, _ := time.ParseDuration(os.Getenv(envHoldFor))
	stale, _ := time.ParseDuration(os.Getenv(envStale))
	db, err := store.Open(ctx, store.Options{Path: path, Shared: true, LockStaleAfter: stale})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(3)
	}
	// A tiny page cache makes SQLite write changed pages into the file
	// before COMMIT: the kill then leaves a really damaged file behind.
	db.Exec("PRAGMA cache_size=10")
	err = db.WriteTx(ctx, func(tx *store.Tx) error {
		for i := range 3000 {
			if err := tx.Gorm().Exec(`INSERT INTO settings(key, value) VALUES (?, ?)`, fmt.Sprintf("half-%d", i), strings.Repeat("x", 200)).Error; err != nil {
				return err
			}
		}
		fmt.Println("holding")
		if holdFor == 0 {
			holdFor = time.Hour
		}
		time.Sleep(holdFor)
		return nil
	})
	if err != nil {
		fmt.Println("commit:", err)
		os.Exit(5)
	}
	fmt.Println("committed")
	os.Exit(0)
}

func TestStaleLockOfAKilledProcessIsBroken(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the 15 s stale-lock bound")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "team.db")
	db, err := store.Open(ctx, store.Options{Path: path, Shared: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var before int64
	db.Raw(`SELECT count(*) FROM settings`).Scan(&before)

	cmd := exec.Command(os.Args[0], "-test.run=^TestLockHolderProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), envHolder+"="+path)
	out, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(out).ReadString('\n')
	if strings.TrimSpace(line) != "holding" {
		_ = cmd.Process.Kill()
		t.Fatalf("helper said %q", line)
	}
	if fi, err := os.Stat(path + "-journal"); err != nil || fi.Size() == 0 {
		t.Fatalf("the holder has no journal to roll back: %v", err)
	}
	_ = cmd.Process.Kill() // SIGKILL: nothing is cleaned up
	_ = cmd.Wait()
	killed := time.Now()
	if _, err := os.Stat(store.LockDir(path)); err != nil {
		t.Fatalf("the killed holder left no lock folder: %v", err)
	}

	// Writes now fail as busy until this process's watcher breaks the lock.
	var wrote time.Time
	for time.Since(killed) < store.LockStaleAfter+10*time.Second {
		err := db.WriteTx(ctx, func(tx *store.Tx) error {
			return tx.Gorm().Exec(`INSERT INTO settings(key, value) VALUES ('after', 'kill')`).Error
		})
		if err == nil {
			wrote = time.Now()
			break
		}
		if !store.IsBusy(err) {
			t.Fatalf("write while the stale lock is there: %v (want busy)", err)
		}
		if time.Since(killed) < store.LockStaleAfter-2*time.Second {
			continue
		}
	}
	if wrote.IsZero() {
		t.Fatalf("no write succeeded within %v of the kill", store.LockStaleAfter+10*time.Second)
	}
	if d := wrote.Sub(killed); d < store.LockStaleAfter-time.Second {
		t.Fatalf("lock broken after %v, before the %v bound: a live holder could have lost it", d, store.LockStaleAfter)
	}
	t.Logf("lock recovered %v after the kill", wrote.Sub(killed).Round(100*time.Millisecond))

	var ic string
	db.Raw(`PRAGMA integrity_check`).Scan(&ic)
	if ic != "ok" {
		t.Fatalf("integrity_check = %q", ic)
	}
	var half, after int64
	db.Raw(`SELECT count(*) FROM settings WHERE key LIKE 'half-%'`).Scan(&half)
	db.Raw(`SELECT count(*) FROM settings`).Scan(&after)
	if half != 0 || after != before+1 {
		t.Fatalf("after recovery: %d rows of the killed write, %d rows (want 0 and %d)", half, after, before+1)
	}
	// The recovery is recorded in the file for every machine's panel.
	deadline := time.Now().Add(5 * time.Second)
	for {
		e, _, ok, err := db.LastAudit(ctx, store.AuditLockRecovered)
		if err == nil && ok {
			if !strings.Contains(e.Detail, fmt.Sprintf("process %d", cmd.Process.Pid)) || !strings.Contains(e.Detail, "rolled back") {
				t.Fatalf("recovery detail %q does not name the holder and the rollback", e.Detail)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no lock_recovered audit event (err %v)", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// A process that starts while a crashed process's lock is still on the file
// waits for the bound, breaks it and opens the file.
func TestOpenRecoversAStaleLockFoundAtStart(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the 15 s stale-lock bound")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "team.db")
	db, err := store.Open(ctx, store.Options{Path: path, Shared: true})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	// What a process killed between its mkdir and its first beat leaves.
	if err := os.Mkdir(store.LockDir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	db, err = store.Open(ctx, store.Options{Path: path})
	if err != nil {
		t.Fatalf("open with a stale lock on the file: %v", err)
	}
	defer db.Close()
	took := time.Since(start)
	if took < store.LockStaleAfter-time.Second || took > store.LockStaleAfter+8*time.Second {
		t.Fatalf("open took %v; want about the %v bound", took, store.LockStaleAfter)
	}
	e, _, ok, err := db.LastAudit(ctx, store.AuditLockRecovered)
	if err != nil || !ok || !strings.Contains(e.Detail, "unknown process") {
		t.Fatalf("recovery at open not recorded: %+v %v %v", e, ok, err)
	}
}

// A live holder beats, so its lock is never broken however long it holds it:
// here three times the bound, while this process keeps trying to write.
func TestALiveHoldersLockIsNeverBroken(t *testing.T) {
	ctx := context.Background()
	const stale = 2 * time.Second
	path := filepath.Join(t.TempDir(), "team.db")
	db, err := store.Open(ctx, store.Options{Path: path, Shared: true, LockStaleAfter: stale})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockHolderProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), envHolder+"="+path, envHoldFor+"="+(3*stale).String(), envStale+"="+stale.String())
	out, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	r := bufio.NewReader(out)
	if line, _ := r.ReadString('\n'); strings.TrimSpace(line) != "holding" {
		t.Fatalf("helper said %q", line)
	}
	held := time.Now()
	err = db.WriteTx(ctx, func(tx *store.Tx) error {
		return tx.Gorm().Exec(`INSERT INTO settings(key, value) VALUES ('after', 'holder')`).Error
	})
	for store.IsBusy(err) && time.Since(held) < 6*stale {
		err = db.WriteTx(ctx, func(tx *store.Tx) error {
			return tx.Gorm().Exec(`INSERT INTO settings(key, value) VALUES ('after', 'holder')`).Error
		})
	}
	if err != nil {
		t.Fatalf("write after the holder: %v", err)
	}
	if waited := time.Since(held); waited < 3*stale-500*time.Millisecond {
		t.Fatalf("wrote %v after the holder took the lock, before it let go (%v): its lock was broken", waited, 3*stale)
	}
	if line, _ := r.ReadString('\n'); strings.TrimSpace(line) != "committed" {
		t.Fatalf("the holder's commit: %q", line)
	}
	var half int64
	db.Raw(`SELECT count(*) FROM settings WHERE key LIKE 'half-%'`).Scan(&half)
	if half != 3000 {
		t.Fatalf("the live holder's 3000 rows: %d in the file", half)
	}
	if _, _, ok, _ := db.LastAudit(ctx, store.AuditLockRecovered); ok {
		t.Fatal("a lock_recovered event was recorded for a live holder")
	}
}
