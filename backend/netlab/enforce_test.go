package netlab_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"banlist/backend/bans"
	"banlist/backend/clock"
	"banlist/backend/netlab"
	"banlist/backend/store"
)

// The bouncer pulls every period; a change must be enforced within
// period + 2 s (docs/ENFORCEMENT.md).
const (
	period   = time.Second
	within   = period + 2*time.Second
	chatPort = 8000
	apiAddr  = "127.0.0.1:18080"
)

var (
	banned    = netip.MustParseAddr("198.51.100.10")
	neighbour = netip.MustParseAddr("198.51.100.11")
	inRange   = netip.MustParseAddr("198.51.100.130") // inside 198.51.100.128/25
	renewed   = netip.MustParseAddr("198.51.100.20")
	expiring  = netip.MustParseAddr("198.51.100.21")
	whileDown = netip.MustParseAddr("198.51.100.30")
)

// lab is the running enforcement set-up.
type lab struct {
	t      *testing.T
	net    *netlab.Lab
	dir    string
	db     string
	bin    string
	client *http.Client
}

// TestFirewallBouncerEnforcesBans proves with real TCP connections between
// two network namespaces that Debian's crowdsec-firewall-bouncer (iptables +
// ipset nethash), pulling from banlist serve's /v1/, drops banned customers.
func TestFirewallBouncerEnforcesBans(t *testing.T) {
	if err := netlab.Available(); err != nil {
		t.Skipf("enforcement test skipped: %v", err)
	}
	bin := os.Getenv("BANLIST_BIN")
	if bin == "" {
		t.Skip("enforcement test skipped: BANLIST_BIN is not set (make test-enforce builds the binary and sets it)")
	}
	if _, err := os.Stat(bin); err != nil {
		t.Skipf("enforcement test skipped: BANLIST_BIN: %v", err)
	}
	n, err := netlab.New(banned, neighbour, inRange, renewed, expiring, whileDown)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(n.Close)
	l := &lab{t: t, net: n, dir: t.TempDir(), bin: bin,
		client: &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DialContext: netlab.DialerIn(n.Chat)}}}
	l.db = filepath.Join(l.dir, "banlist.db")

	ln, err := n.Listen(chatPort)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	go netlab.Greet(ln)

	key, err := netlab.AddBouncerKey(bin, l.db, "firewall")
	if err != nil {
		t.Fatal(err)
	}
	banlist := l.startBanlist()
	bouncer, err := netlab.StartBouncer(n.Chat, l.dir, "http://"+apiAddr+"/", key, period)
	if err != nil {
		t.Fatal(err)
	}
	// Cleanups run last-first: the bouncer removes its rules, then banlist
	// stops, then the namespaces go (with anything left inside them).
	t.Cleanup(func() {
		bouncer.Stop()
		if t.Failed() {
			t.Logf("bouncer log:\n%s", netlab.BouncerLog(l.dir))
		}
	})
	l.waitForPull()
	for _, a := range []netip.Addr{banned, neighbour, inRange, renewed, expiring, whileDown} {
		l.reachable(a, "before any ban")
	}

	t.Log("a ban drops that customer, not the neighbour")
	id := l.ban(banned.String(), "1h")
	l.dropped(banned, "after Ban")
	l.reachable(neighbour, "the neighbour of a banned address")

	t.Log("unban reopens")
	l.api("DELETE", fmt.Sprintf("/api/v1/bans/%d", id), "")
	l.reachable(banned, "after Unban")

	t.Log("a range ban drops inside the range only")
	l.ban("198.51.100.128/25", "1d")
	l.dropped(inRange, "inside the banned range")
	l.reachable(neighbour, "outside the banned range")
	if !netlab.SetHas(n.Chat, "198.51.100.128/25") {
		t.Errorf("the ipset does not hold the range itself")
	}

	t.Log("a renewal and an expiry are reflected")
	// Two bans written by another process on the same file, as a desktop app
	// would: they were made (by that process's clock) 1 h - 6 s ago for 1 h,
	// so they end 6 s from now. One is then renewed for a day.
	ids, end := l.banElsewhere(time.Now().Add(-time.Hour+6*time.Second), renewed.String(), expiring.String())
	l.dropped(renewed, "a ban from another process")
	l.dropped(expiring, "a ban from another process")
	deletedBefore := strings.Count(netlab.BouncerLog(l.dir), "deleted")
	l.api("POST", fmt.Sprintf("/api/v1/bans/%d/renew", ids[0]), `{"period":"1d"}`)
	time.Sleep(time.Until(end.Add(within)))
	l.reachable(expiring, "after its ban expired")
	l.stillDropped(renewed, "after the original end of a renewed ban")
	if strings.Count(netlab.BouncerLog(l.dir), "deleted") == deletedBefore {
		t.Errorf("the expiry never reached the bouncer as a deleted decision")
	}

	t.Log("enforcement survives a banlist restart, and a ban made meanwhile is picked up")
	banlist.Stop()
	time.Sleep(3 * period)
	if bouncer.Exited() {
		t.Fatalf("the bouncer exited while banlist was down:\n%s\n%s", bouncer.Output(), netlab.BouncerLog(l.dir))
	}
	l.stillDropped(inRange, "while banlist is down")
	l.banElsewhere(time.Now(), whileDown.String())
	l.reachable(whileDown, "banned while banlist is down (not enforced yet)")
	banlist = l.startBanlist()
	l.dropped(whileDown, "banned while banlist was down, after the restart")
	l.stillDropped(inRange, "after the restart")
	l.reachable(neighbour, "after the restart")

	// Nothing leaked into this machine's own namespace.
	if out, err := exec.Command("ipset", "list", netlab.BouncerSet).CombinedOutput(); err == nil {
		t.Errorf("the lab's ipset exists outside the lab:\n%s", out)
	}
}

func (l *lab) startBanlist() *netlab.Proc {
	l.t.Helper()
	p, err := netlab.StartBanlist(l.net.Chat, l.bin, l.db, apiAddr)
	if err != nil {
		l.t.Fatal(err)
	}
	l.t.Cleanup(p.Stop)
	return p
}

// api calls banlist's /api/v1 inside the chat namespace and decodes JSON.
func (l *lab) api(method, path, body string) map[string]any {
	l.t.Helper()
	req, err := http.NewRequest(method, "http://"+apiAddr+path, strings.NewReader(body))
	if err != nil {
		l.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := l.client.Do(req)
	if err != nil {
		l.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		l.t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, b)
	}
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return out
}

func (l *lab) ban(target, period string) int64 {
	l.t.Helper()
	out := l.api("POST", "/api/v1/bans", fmt.Sprintf(`{"ip":%q,"period":%q,"notes":"lab"}`, target, period))
	return int64(out["id"].(float64))
}

// banElsewhere bans targets for 1 h through the bans package on the
// database file, from this test process, as of the moment made: another
// process on the same file, whose bans banlist serve must pick up. It
// returns the ban ids and when the last one ends.
func (l *lab) banElsewhere(made time.Time, targets ...string) (ids []int64, end time.Time) {
	l.t.Helper()
	db, err := store.Open(context.Background(), store.Options{Path: l.db, Clock: clock.NewFixed(made)})
	if err != nil {
		l.t.Fatal(err)
	}
	defer db.Close()
	svc := bans.New(db, func() string { return "desktop supervisor" })
	for _, tg := range targets {
		b, err := svc.BanIP(context.Background(), tg, "1h", "from the desktop app")
		if err != nil {
			l.t.Fatal(err)
		}
		ids = append(ids, b.ID)
		end = b.ExpiresAt
	}
	return ids, end
}

func (l *lab) waitForPull() {
	l.t.Helper()
	if _, err := netlab.Until(15*time.Second, 100*time.Millisecond, func() error {
		res, err := l.client.Get("http://" + apiAddr + "/api/v1/bouncers")
		if err != nil {
			return err
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if !bytes.Contains(b, []byte(`"lastPullAt":"`)) {
			return fmt.Errorf("no pull yet: %s", b)
		}
		return nil
	}); err != nil {
		l.t.Fatalf("the bouncer never pulled: %v\n%s", err, netlab.BouncerLog(l.dir))
	}
}

func (l *lab) reachable(a netip.Addr, why string) {
	l.t.Helper()
	if _, err := netlab.Until(within, 100*time.Millisecond, func() error {
		return l.net.Connect(a, chatPort, 300*time.Millisecond)
	}); err != nil {
		l.t.Fatalf("%s (%s) cannot reach the chat server: %v", a, why, err)
	}
}

func (l *lab) dropped(a netip.Addr, why string) {
	l.t.Helper()
	took, err := netlab.Until(within, 100*time.Millisecond, func() error {
		err := l.net.Connect(a, chatPort, 300*time.Millisecond)
		switch {
		case err == nil:
			return fmt.Errorf("%s still connects", a)
		case !errors.Is(err, netlab.ErrNoAnswer):
			return fmt.Errorf("%s fails otherwise than by a drop: %w", a, err)
		}
		return nil
	})
	if err != nil {
		l.t.Fatalf("%s (%s) was not dropped: %v", a, why, err)
	}
	l.t.Logf("%s dropped (%s) after %v", a, why, took.Round(10*time.Millisecond))
}

// stillDropped checks, without waiting for it, that a is dropped now.
func (l *lab) stillDropped(a netip.Addr, why string) {
	l.t.Helper()
	for i := 0; i < 2; i++ {
		if err := l.net.Connect(a, chatPort, 300*time.Millisecond); !errors.Is(err, netlab.ErrNoAnswer) {
			l.t.Fatalf("%s (%s) is not dropped: %v", a, why, err)
		}
	}
}
