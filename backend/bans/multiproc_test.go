package bans

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"banlist/backend/clock"
	"banlist/backend/store"
	"banlist/backend/store/storetest"
)

// The multi-process tests re-run this test binary as helper processes. The
// helper's role comes from these environment variables.
const (
	envRole   = "BANLIST_BANS_HELPER"
	envPath   = "BANLIST_BANS_DB"
	envShared = "BANLIST_BANS_SHARED"
	envName   = "BANLIST_BANS_NAME"
	envArg    = "BANLIST_BANS_ARG"
)

// ack is one line a helper prints after an operation returned.
type ack struct {
	Op       string `json:"op"` // ready, ban, renew, unban, conflict, refused, error
	ID       int64  `json:"id,omitempty"`
	Target   string `json:"target,omitempty"`
	Already  bool   `json:"already,omitempty"`
	Renewals int    `json:"renewals,omitempty"`
	Msg      string `json:"msg,omitempty"`
}

// TestHelperProcess is not a test: it is the body of the helper processes.
func TestHelperProcess(t *testing.T) {
	role := os.Getenv(envRole)
	if role == "" {
		t.Skip("helper process for the multi-process tests")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, store.Options{
		Path:   os.Getenv(envPath),
		Shared: os.Getenv(envShared) == "1",
		// The crash test kills 15 lock holders in a row: break their dot-file
		// locks after 3 s instead of 15 (store/lockwatch.go).
		LockStaleAfter: 3 * time.Second,
		Clock:          clock.NewFixed(storetest.Epoch),
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "open:", err)
		os.Exit(3)
	}
	name := os.Getenv(envName)
	svc := New(db, func() string { return name })
	var mu sync.Mutex
	enc := json.NewEncoder(os.Stdout) // unbuffered: a printed ack is in the pipe
	say := func(a ack) {
		mu.Lock()
		defer mu.Unlock()
		_ = enc.Encode(a)
	}
	arg := os.Getenv(envArg)
	switch role {
	case "worker":
		helperWorker(ctx, svc, name, arg, say)
	case "ban":
		b, err := svc.BanIP(ctx, arg, "1d", "from "+name)
		if err != nil {
			say(ack{Op: "error", Msg: err.Error()})
			os.Exit(1)
		}
		say(ack{Op: "ban", ID: b.ID, Target: b.Target})
	case "unban":
		id, _ := strconv.ParseInt(arg, 10, 64)
		res, err := svc.Unban(ctx, id, "")
		if err != nil {
			say(ack{Op: "error", Msg: err.Error()})
			os.Exit(1)
		}
		say(ack{Op: "unban", ID: id, Already: res.AlreadyRemoved})
	case "stream":
		say(ack{Op: "ready"})
		var last Ban
		for i := 0; ; i++ {
			if i%3 == 2 {
				r, err := svc.Renew(ctx, last.ID, "1w", false, "")
				if err != nil {
					say(ack{Op: "error", Msg: err.Error()})
					os.Exit(1)
				}
				say(ack{Op: "renew", ID: r.ID, Renewals: r.Renewals})
				continue
			}
			ip := fmt.Sprintf("10.%s.%d.%d", arg, i/256%256, i%256)
			b, err := svc.BanIP(ctx, ip, "1h", "stream "+arg)
			if err != nil {
				say(ack{Op: "error", Msg: err.Error()})
				os.Exit(1)
			}
			last = b
			say(ack{Op: "ban", ID: b.ID, Target: b.Target})
		}
	default:
		fmt.Fprintln(os.Stderr, "unknown role", role)
		os.Exit(2)
	}
	_ = db.Close()
	os.Exit(0)
}

// sharedIP is banned once by every worker; exactly one may succeed.
const sharedIP = "192.0.2.1"

// helperWorker bans its own addresses, and renews and unbans random active
// bans of any worker, printing an ack for each operation that returned.
func helperWorker(ctx context.Context, svc *Service, name, index string, say func(ack)) {
	say(ack{Op: "ready"})
	// Wait for the parent's go, so all workers start together.
	if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
		os.Exit(4)
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	fail := func(err error) { say(ack{Op: "error", Msg: err.Error()}) }
	pick := func() (Ban, bool) {
		sorts := []string{"expires", "created", "ip"}
		p, err := svc.ListBlacklist(ctx, Filter{Sort: sorts[rng.IntN(3)], Desc: rng.IntN(2) == 0, PageSize: 20})
		if err != nil {
			fail(err)
			return Ban{}, false
		}
		var cands []Ban
		for _, b := range p.Items {
			if b.Target != sharedIP {
				cands = append(cands, b)
			}
		}
		if len(cands) == 0 {
			return Ban{}, false
		}
		return cands[rng.IntN(len(cands))], true
	}
	const bans = 40
	for i := 0; i < bans; i++ {
		if i == bans/2 {
			b, err := svc.BanIP(ctx, sharedIP, "1d", name)
			switch {
			case err == nil:
				say(ack{Op: "ban", ID: b.ID, Target: b.Target})
			case errors.Is(err, ErrAlreadyBlocked):
				say(ack{Op: "conflict", Target: sharedIP})
			default:
				fail(err)
			}
		}
		ip := fmt.Sprintf("10.%s.%d.%d", index, i/256, i%256)
		b, err := svc.BanIP(ctx, ip, "1h", fmt.Sprintf("%s #%d", name, i))
		if err != nil {
			fail(err)
			continue
		}
		say(ack{Op: "ban", ID: b.ID, Target: b.Target})
		if i%2 == 1 {
			if c, ok := pick(); ok {
				r, err := svc.Renew(ctx, c.ID, "1w", false, "")
				switch {
				case err == nil:
					say(ack{Op: "renew", ID: r.ID, Renewals: r.Renewals})
				case errors.Is(err, ErrRemoved):
					// Another worker unbanned it after the pick.
					say(ack{Op: "refused", ID: c.ID})
				default:
					fail(err)
				}
			}
		}
		if i%3 == 2 {
			if c, ok := pick(); ok {
				res, err := svc.Unban(ctx, c.ID, "")
				if err != nil {
					fail(err)
					continue
				}
				say(ack{Op: "unban", ID: c.ID, Already: res.AlreadyRemoved})
			}
		}
	}
}

func TestMultiProcessWriters(t *testing.T) {
	if testing.Short() {
		t.Skip("multi-process test")
	}
	start := time.Now()
	pl := places(t, true)[0]
	db := pl.open(t) // create and migrate first
	const workers = 4
	helpers := make([]*helper, workers)
	for i := range helpers {
		helpers[i] = startHelper(t, "worker", pl.path, pl.shared, fmt.Sprintf("worker%d", i), strconv.Itoa(i+1))
	}
	// Wait until all are ready, then start them together.
	pending := make([][]ack, workers)
	for i, h := range helpers {
		a, ok := <-h.acks
		if !ok || a.Op != "ready" {
			_, err := h.collect()
			t.Fatalf("worker %d did not start: %v", i, err)
		}
	}
	for _, h := range helpers {
		if _, err := io.WriteString(h.stdin, "go\n"); err != nil {
			t.Fatal(err)
		}
	}
	for i, h := range helpers {
		acks, err := h.collect()
		if err != nil {
			t.Fatalf("worker %d: %v", i, err)
		}
		pending[i] = acks
	}

	banned := map[int64]string{}    // id -> target
	owner := map[int64]string{}     // id -> worker
	renewAcks := map[int64]int{}    // id -> successful renewals acked
	unbanAcks := map[int64][]bool{} // id -> AlreadyRemoved of each ack
	unbanBy := map[int64]string{}
	sharedWins, sharedConflicts := 0, 0
	for i, acks := range pending {
		name := fmt.Sprintf("worker%d", i)
		for _, a := range acks {
			switch a.Op {
			case "error":
				t.Errorf("%s saw an error: %s", name, a.Msg)
			case "ban":
				if _, dup := banned[a.ID]; dup {
					t.Errorf("ban id %d acknowledged twice", a.ID)
				}
				banned[a.ID], owner[a.ID] = a.Target, name
				if a.Target == sharedIP {
					sharedWins++
				}
			case "conflict":
				sharedConflicts++
			case "renew":
				renewAcks[a.ID]++
			case "unban":
				unbanAcks[a.ID] = append(unbanAcks[a.ID], a.Already)
				if !a.Already {
					unbanBy[a.ID] = name
				}
			}
		}
	}
	if sharedWins != 1 || sharedConflicts != workers-1 {
		t.Errorf("shared address: %d bans and %d conflicts, want 1 and %d", sharedWins, sharedConflicts, workers-1)
	}
	var rows []store.Ban
	if err := db.Raw(`SELECT * FROM bans`).Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(banned) {
		t.Errorf("%d bans in the file, %d acknowledged", len(rows), len(banned))
	}
	type counts struct{ banned, renewed, unbanned int }
	events := map[int64]*counts{}
	var evRows []store.BanEvent
	db.Raw(`SELECT * FROM ban_events ORDER BY id`).Scan(&evRows)
	lastEnd := map[int64]int64{}
	for _, e := range evRows {
		c := events[e.BanID]
		if c == nil {
			c = &counts{}
			events[e.BanID] = c
		}
		switch e.Kind {
		case EventBanned:
			c.banned++
			lastEnd[e.BanID] = *e.ExpiresAt
		case EventRenewed:
			c.renewed++
			lastEnd[e.BanID] = *e.ExpiresAt
		case EventUnbanned:
			c.unbanned++
		}
	}
	renewTotal, unbanTotal := 0, 0
	for _, r := range rows {
		c := events[r.ID]
		if c == nil {
			c = &counts{}
		}
		if target, ok := banned[r.ID]; !ok || target != r.Target || owner[r.ID] != r.CreatedBy {
			t.Errorf("ban #%d %s by %s: not acknowledged as such", r.ID, r.Target, r.CreatedBy)
		}
		if c.banned != 1 {
			t.Errorf("ban #%d has %d banned events", r.ID, c.banned)
		}
		if r.Renewals != renewAcks[r.ID] || c.renewed != r.Renewals {
			t.Errorf("ban #%d: renewals %d, acked %d, events %d", r.ID, r.Renewals, renewAcks[r.ID], c.renewed)
		}
		if r.ExpiresAt != lastEnd[r.ID] {
			t.Errorf("ban #%d ends %d, its last event says %d", r.ID, r.ExpiresAt, lastEnd[r.ID])
		}
		acks := unbanAcks[r.ID]
		firsts := 0
		for _, already := range acks {
			if !already {
				firsts++
			}
		}
		removed := r.RemovedAt != nil
		if removed != (len(acks) > 0) || firsts != c.unbanned || (removed && (firsts != 1 || r.RemovedBy != unbanBy[r.ID])) {
			t.Errorf("ban #%d: removed=%v by %q, unban acks %v, unbanned events %d", r.ID, removed, r.RemovedBy, acks, c.unbanned)
		}
		renewTotal += r.Renewals
		if removed {
			unbanTotal++
		}
	}
	checkIntegrity(t, db)
	t.Logf("%d workers: %d bans, %d renewals, %d unbans, %d events in %v",
		workers, len(rows), renewTotal, unbanTotal, len(evRows), time.Since(start).Round(time.Millisecond))
}

func TestCrossProcessVisibility(t *testing.T) {
	if testing.Short() {
		t.Skip("multi-process test")
	}
	for _, pl := range places(t, true, false) {
		t.Run(pl.name, func(t *testing.T) {
			path, shared := pl.path, pl.shared
			db := pl.open(t)
			svc := New(db, func() string { return "parent" })
			svc.Start(t.Context())
			t.Cleanup(func() { _ = svc.Close() })
			notified := make(chan struct{}, 16)
			svc.Subscribe(func() { notified <- struct{}{} })
			const ip = "203.0.113.99"
			if r, err := svc.Check(t.Context(), ip); err != nil || r.Blocked {
				t.Fatalf("before: %+v, %v", r, err)
			}
			waitFor := func(what string, blocked bool) time.Duration {
				t.Helper()
				start := time.Now()
				for {
					r, err := svc.Check(t.Context(), ip)
					if err != nil {
						t.Fatal(err)
					}
					if r.Blocked == blocked {
						return time.Since(start)
					}
					if time.Since(start) > time.Second {
						t.Fatalf("%s: not visible after 1 s", what)
					}
					time.Sleep(5 * time.Millisecond)
				}
			}
			// run starts a helper and returns its first ack as soon as it is
			// printed (the change is committed by then), while the helper
			// may still be exiting.
			run := func(role, arg string) (ack, func()) {
				h := startHelper(t, role, path, shared, "child", arg)
				a, ok := <-h.acks
				if !ok || a.Op != role {
					_, err := h.collect()
					t.Fatalf("child %s: %+v %v", role, a, err)
				}
				return a, func() {
					if _, err := h.collect(); err != nil {
						t.Errorf("child %s: %v", role, err)
					}
				}
			}
			banned, wait := run("ban", ip)
			banLag := waitFor("ban", true)
			wait()
			select {
			case <-notified:
			case <-time.After(time.Second):
				t.Fatal("no change notification for the other process's ban")
			}
			_, wait = run("unban", strconv.FormatInt(banned.ID, 10))
			unbanLag := waitFor("unban", false)
			wait()
			t.Logf("seen %v after the ban, %v after the unban", banLag.Round(time.Millisecond), unbanLag.Round(time.Millisecond))
		})
	}
}

func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("multi-process test")
	}
	for _, pl := range places(t, false, true) {
		t.Run(pl.name, func(t *testing.T) {
			start := time.Now()
			path, shared := pl.path, pl.shared
			rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 11))
			acked := map[int64]string{}
			renewed := map[int64]int{}
			const rounds = 15
			for round := 1; round <= rounds; round++ {
				h := startHelper(t, "stream", path, shared, "stream", strconv.Itoa(round))
				if a, ok := <-h.acks; !ok || a.Op != "ready" {
					_, err := h.collect()
					t.Fatalf("round %d: helper did not start: %v", round, err)
				}
				time.Sleep(time.Duration(rng.IntN(200)) * time.Millisecond)
				if err := h.cmd.Process.Kill(); err != nil { // SIGKILL
					t.Fatal(err)
				}
				acks, err := h.collect()
				if err == nil || !strings.Contains(err.Error(), "killed") {
					t.Fatalf("round %d: helper ended with %v, want killed", round, err)
				}
				for _, a := range acks {
					switch a.Op {
					case "ban":
						acked[a.ID] = a.Target
					case "renew":
						renewed[a.ID] = max(renewed[a.ID], a.Renewals)
					case "error":
						t.Fatalf("round %d: helper error %s", round, a.Msg)
					}
				}
			}
			db := pl.open(t)
			checkIntegrity(t, db)
			var rows []store.Ban
			db.Raw(`SELECT * FROM bans`).Scan(&rows)
			inFile := map[int64]store.Ban{}
			for _, r := range rows {
				inFile[r.ID] = r
			}
			for id, target := range acked {
				r, ok := inFile[id]
				if !ok || r.Target != target {
					t.Errorf("acknowledged ban #%d (%s) missing or wrong: %+v", id, target, r)
				}
				if r.Renewals < renewed[id] {
					t.Errorf("ban #%d: %d renewals in the file, %d acknowledged", id, r.Renewals, renewed[id])
				}
			}
			// Every transaction is whole: one banned event per ban, one
			// renewed event per renewal.
			var broken int64
			db.Raw(`SELECT count(*) FROM bans b WHERE
				(SELECT count(*) FROM ban_events e WHERE e.ban_id = b.id AND e.kind = 'banned') != 1 OR
				(SELECT count(*) FROM ban_events e WHERE e.ban_id = b.id AND e.kind = 'renewed') != b.renewals`).Scan(&broken)
			if broken != 0 {
				t.Errorf("%d bans with events out of step", broken)
			}
			var events int64
			db.Raw(`SELECT count(*) FROM ban_events`).Scan(&events)
			t.Logf("%d kills: %d acknowledged bans, %d in the file, %d events, in %v",
				rounds, len(acked), len(rows), events, time.Since(start).Round(time.Millisecond))
			if len(acked) == 0 {
				t.Error("no ban was acknowledged: the kill came too early every time")
			}
		})
	}
}
