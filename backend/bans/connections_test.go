package bans

import (
	"errors"
	"sync"
	"testing"
	"time"

	"banlist/backend/store"
	"banlist/backend/store/pgtest"
	"banlist/backend/store/storetest"
)

// reopen opens f's database (a file, or a server database when
// BANLIST_TEST_ENGINE=postgres) a second time, as another process would, and
// returns a service on it sharing f's clock.
func (f *fixture) reopen(t *testing.T) *Service {
	t.Helper()
	var db *store.DB
	if f.db.Engine == store.Postgres {
		db, _ = pgtest.OpenDSN(t, f.db.Path)
	} else {
		db, _ = storetest.OpenAt(t, f.db.Path, f.db.Shared)
	}
	db.Clock = f.clk
	svc := New(db, func() string { return "bob" })
	t.Cleanup(func() { _ = svc.Close() })
	return svc
}

// A watcher on another connection learns of a ban, its renewal and its
// removal only by polling the change stamp, and tells its subscribers.
func TestAnotherConnectionSeesChanges(t *testing.T) {
	f := newFixture(t)
	other := f.reopen(t)
	other.Start(f.ctx)
	changed := make(chan struct{}, 8)
	defer other.Subscribe(func() { changed <- struct{}{} })()
	if r, err := other.Check(f.ctx, "192.0.2.7"); err != nil || r.Blocked {
		t.Fatalf("before: %+v %v", r, err)
	}
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		deadline := time.Now().Add(3 * time.Second)
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("the other connection never saw %s", what)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	b := f.ban("192.0.2.0/24", "1h", "")
	waitFor("the ban", func() bool { r, _ := other.Check(f.ctx, "192.0.2.7"); return r.Blocked && r.BanID == b.ID })
	select {
	case <-changed:
	case <-time.After(3 * time.Second):
		t.Fatal("no subscriber call for another connection's ban")
	}
	if _, err := f.svc.Renew(f.ctx, b.ID, "1d", false, ""); err != nil {
		t.Fatal(err)
	}
	waitFor("the renewal", func() bool {
		r, _ := other.Check(f.ctx, "192.0.2.7")
		return r.Until != nil && r.Until.Equal(at(24*time.Hour))
	})
	if _, err := f.svc.Unban(f.ctx, b.ID, ""); err != nil {
		t.Fatal(err)
	}
	waitFor("the removal", func() bool { r, _ := other.Check(f.ctx, "192.0.2.7"); return !r.Blocked })
}

// On a server, another process's ban reaches this one's Check through the
// server's notification, not the poll: with polling slowed to once an hour
// the subscriber still hears of it.
func TestServerNotifiesOtherConnections(t *testing.T) {
	if !storetest.Postgres() {
		t.Skip("a server's LISTEN/NOTIFY: runs in the PostgreSQL run")
	}
	f := newFixture(t)
	other := f.reopen(t)
	other.poll = time.Hour
	other.Start(f.ctx)
	if r, err := other.Check(f.ctx, "198.51.100.9"); err != nil || r.Blocked {
		t.Fatalf("before: %+v %v", r, err)
	}
	changed := make(chan struct{}, 8)
	defer other.Subscribe(func() { changed <- struct{}{} })()
	b := f.ban("198.51.100.9", "1h", "")
	select {
	case <-changed:
	case <-time.After(3 * time.Second):
		t.Fatal("the ban was not notified to the other process")
	}
	if r, err := other.Check(f.ctx, "198.51.100.9"); err != nil || !r.Blocked || r.BanID != b.ID {
		t.Fatalf("after the notification: %+v %v", r, err)
	}
}

// Two supervisors on two connections block the same address at once: the
// database lets exactly one of them.
func TestConcurrentBansOfOneAddressOnTwoConnections(t *testing.T) {
	f := newFixture(t)
	svcs := []*Service{f.svc, f.reopen(t), f.reopen(t), f.reopen(t)}
	for round := 0; round < 5; round++ {
		target := []string{"198.51.100.9", "198.51.100.0/24", "2001:db8::1", "2001:db8::/48", "203.0.113.1"}[round]
		var wg sync.WaitGroup
		errs := make([]error, len(svcs))
		for i, svc := range svcs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = svc.BanIP(f.ctx, target, "1h", "")
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, ErrAlreadyBlocked):
				t.Fatalf("%s: %v", target, err)
			}
		}
		if won != 1 {
			t.Errorf("%s: %d of %d concurrent bans succeeded, want 1", target, won, len(svcs))
		}
	}
	if n := f.count(`SELECT count(*) FROM bans`); n != 5 {
		t.Errorf("%d bans, want 5", n)
	}
}
