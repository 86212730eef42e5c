package lapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"banlist/backend/httpapi"
	"banlist/backend/lapi"
	"banlist/backend/service"
	"banlist/backend/store/storetest"
)

func TestStreamStartupSendsEveryActiveBanWithItsFields(t *testing.T) {
	e := newEnv(t, httpapi.Options{})
	ipID := e.ban("203.0.113.5", "1w", "insulted agent Maria\nsecond line")
	e.ban("198.51.100.0/24", "1d", "")
	gone := e.ban("192.0.2.9", "1h", "")
	if _, err := e.svc.Unban(context.Background(), gone, ""); err != nil {
		t.Fatal(err)
	}
	e.clk.Advance(2 * time.Second)

	s := e.pull("startup=true")
	if got := values(s.New); !slices.Equal(got, []string{"203.0.113.5", "198.51.100.0/24"}) {
		t.Fatalf("startup new = %v", got)
	}
	if len(s.Deleted) != 0 {
		t.Fatalf("startup deleted = %v", s.Deleted)
	}
	d := s.New[0]
	want := lapi.Decision{ID: ipID, Origin: "banlist", Type: "ban", Scope: "Ip", Value: "203.0.113.5",
		Duration: "167h59m58s", Scenario: "banlist: insulted agent Maria",
		Until: storetest.Epoch.Add(7 * 24 * time.Hour).Format(time.RFC3339)}
	if d != want {
		t.Fatalf("decision\n got %+v\nwant %+v", d, want)
	}
	if r := s.New[1]; r.Scope != "Range" || r.Duration != "23h59m58s" || r.Scenario != "banlist: blocked by a supervisor" {
		t.Fatalf("range decision %+v", r)
	}
	// Nothing changed: both lists empty (and present).
	if s := e.pull("startup=false"); len(s.New)+len(s.Deleted) != 0 {
		t.Fatalf("idle pull = %+v", s)
	}
}

func TestStreamDeltasFollowUnbanExpiryAndRenewals(t *testing.T) {
	e := newEnv(t, httpapi.Options{})
	ip := e.ban("203.0.113.5", "1w", "")
	rng := e.ban("198.51.100.0/24", "1d", "")
	short := e.ban("203.0.113.77", "1mo", "")
	long := e.ban("203.0.113.78", "1h", "")
	e.pull("startup=true")

	// Unban → deleted.
	if _, err := e.svc.Unban(context.Background(), ip, ""); err != nil {
		t.Fatal(err)
	}
	s := e.pull("startup=false")
	if got := values(s.Deleted); !slices.Equal(got, []string{"203.0.113.5"}) || len(s.New) != 0 {
		t.Fatalf("after unban: new %v deleted %v", values(s.New), got)
	}
	if s.Deleted[0].Duration != "0s" {
		t.Fatalf("a deleted decision has no time left: %+v", s.Deleted[0])
	}

	// A renewal that lengthens → new with the new time; one that shortens
	// → deleted, and new again with the shorter time.
	e.clk.Advance(10 * time.Minute)
	if _, err := e.svc.Renew(context.Background(), long, "1d", true, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Renew(context.Background(), short, "1h", true, ""); err != nil {
		t.Fatal(err)
	}
	s = e.pull("startup=false")
	if got := values(s.New); !slices.Equal(got, []string{"203.0.113.77", "203.0.113.78"}) {
		t.Fatalf("after renewals new = %v", got)
	}
	if got := values(s.Deleted); !slices.Equal(got, []string{"203.0.113.77"}) {
		t.Fatalf("after renewals deleted = %v (the shortened ban must be dropped first)", got)
	}
	if d, _ := find(s.New, "203.0.113.78"); d.Duration != "24h0m0s" {
		t.Fatalf("lengthened ban duration %q", d.Duration)
	}
	if d, _ := find(s.New, "203.0.113.77"); d.Duration != "1h0m0s" {
		t.Fatalf("shortened ban duration %q", d.Duration)
	}

	// Expiry with no write at all: the range ends after a day, the
	// shortened ban after its hour; the lengthened one is still on.
	e.clk.Advance(23*time.Hour + 55*time.Minute)
	s = e.pull("startup=false")
	if got := values(s.Deleted); !slices.Equal(got, []string{"198.51.100.0/24", "203.0.113.77"}) {
		t.Fatalf("after expiry deleted = %v", got)
	}
	_ = rng
	// …and only once.
	if s := e.pull("startup=false"); len(s.New)+len(s.Deleted) != 0 {
		t.Fatalf("expiries were sent twice: %+v", s)
	}
	// Reviving the expired range (renewing it) puts it back.
	if _, err := e.svc.Renew(context.Background(), rng, "1h", true, ""); err != nil {
		t.Fatal(err)
	}
	if s := e.pull("startup=false"); !slices.Equal(values(s.New), []string{"198.51.100.0/24"}) || len(s.Deleted) != 0 {
		t.Fatalf("revived range: new %v deleted %v", values(s.New), values(s.Deleted))
	}
}

func TestStreamCursorIsPerKey(t *testing.T) {
	e := newEnv(t, httpapi.Options{})
	other := e.addBouncer("nginx")
	e.pull("startup=true")
	e.pullWith(other, "startup=true")
	e.ban("203.0.113.5", "1h", "")
	if got := values(e.pull("startup=false").New); !slices.Equal(got, []string{"203.0.113.5"}) {
		t.Fatalf("first key new = %v", got)
	}
	// The first key's pull must not consume the second key's change.
	if got := values(e.pullWith(other, "").New); !slices.Equal(got, []string{"203.0.113.5"}) {
		t.Fatalf("second key new = %v", got)
	}
}

func TestStreamScopesFilter(t *testing.T) {
	e := newEnv(t, httpapi.Options{})
	e.ban("203.0.113.5", "1h", "")
	e.ban("198.51.100.0/24", "1h", "")
	if got := values(e.pull("startup=true&scopes=ip").New); !slices.Equal(got, []string{"203.0.113.5"}) {
		t.Fatalf("scopes=ip: %v", got)
	}
	if got := values(e.pull("startup=true&scopes=Range&origins=crowdsec,cscli&community_pull=false&additional_pull=false&scenarios_containing=ssh").New); !slices.Equal(got, []string{"198.51.100.0/24"}) {
		t.Fatalf("scopes=Range: %v", got)
	}
	if got := values(e.pull("startup=true&scopes=ip,range").New); len(got) != 2 {
		t.Fatalf("scopes=ip,range: %v", got)
	}
}

// A one-month ban is longer than ipset's longest timeout (~24.8 days): it is
// sent again once its time left fits, so the firewall entry lasts to the end.
func TestStreamResendsLongBansWhenTheyFitIpset(t *testing.T) {
	e := newEnv(t, httpapi.Options{})
	e.ban("203.0.113.5", "1mo", "")
	e.pull("startup=true")
	e.clk.Advance(24 * time.Hour)
	if s := e.pull(""); len(s.New) != 0 {
		t.Fatalf("resent too early: %v", s.New)
	}
	e.clk.Advance(5 * 24 * time.Hour) // Jan 31 + 1 month = Feb 28: 28 days, 6 left
	s := e.pull("")
	if len(s.New) != 1 {
		t.Fatalf("the month ban was not resent when it fitted ipset: %+v", s)
	}
	d, err := time.ParseDuration(s.New[0].Duration)
	if err != nil || d > 2147483*time.Second {
		t.Fatalf("resent duration %q does not fit ipset", s.New[0].Duration)
	}
	if s := e.pull(""); len(s.New) != 0 {
		t.Fatalf("resent twice: %v", s.New)
	}
}

// Bans written by another process on the same file reach this feed.
func TestStreamFollowsAnotherProcess(t *testing.T) {
	path := t.TempDir() + "/shared.db"
	db1, _ := storetest.OpenAt(t, path, false)
	db2, _ := storetest.OpenAt(t, path, false)
	svc1 := service.New(context.Background(), db1, nil)
	svc2 := service.New(context.Background(), db2, nil)
	t.Cleanup(func() { _ = svc1.Close(); _ = svc2.Close() })
	nb, err := svc1.AddBouncer(context.Background(), "fw")
	if err != nil {
		t.Fatal(err)
	}
	feed := svc1.Feed()
	b, err := feed.Authenticate(context.Background(), nb.Key)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := feed.Stream(context.Background(), b, lapi.Pull{Startup: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc2.BanIP(context.Background(), "203.0.113.9", "1h", "from the desktop"); err != nil {
		t.Fatal(err)
	}
	b, _ = feed.Authenticate(context.Background(), nb.Key)
	s, err := feed.Stream(context.Background(), b, lapi.Pull{})
	if err != nil {
		t.Fatal(err)
	}
	if got := values(s.New); !slices.Equal(got, []string{"203.0.113.9"}) {
		t.Fatalf("ban from the other process: %v", got)
	}
}

// Many concurrent pulls by one key while bans are written: the union of
// what they received holds every ban (at least once), and every unban.
func TestConcurrentPullsByOneKeyLoseNothing(t *testing.T) {
	e := newEnv(t, httpapi.Options{})
	e.pull("startup=true")
	const n = 60
	var (
		mu       sync.Mutex
		got      = map[string]bool{}
		deleted  = map[string]bool{}
		wg       sync.WaitGroup
		stop     = make(chan struct{})
		pullErrs = make(chan error, 8)
	)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				status, body := e.do("GET", "/v1/decisions/stream", e.key)
				if status != 200 {
					pullErrs <- fmt.Errorf("%d %s", status, body)
					return
				}
				var st lapi.Stream
				if err := json.Unmarshal([]byte(body), &st); err != nil {
					pullErrs <- err
					return
				}
				mu.Lock()
				for _, d := range st.New {
					got[d.Value] = true
				}
				for _, d := range st.Deleted {
					deleted[d.Value] = true
				}
				mu.Unlock()
			}
		}()
	}
	var ids []int64
	for i := 0; i < n; i++ {
		ids = append(ids, e.ban(fmt.Sprintf("203.0.113.%d", i+1), "1h", ""))
		if i%3 == 0 {
			if _, err := e.svc.Unban(context.Background(), ids[i], ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	close(stop)
	wg.Wait()
	close(pullErrs)
	for err := range pullErrs {
		t.Fatal(err)
	}
	// One last pull collects whatever the racing pulls left after their cursor.
	s := e.pull("")
	for _, d := range s.New {
		got[d.Value] = true
	}
	for _, d := range s.Deleted {
		deleted[d.Value] = true
	}
	for i := 0; i < n; i++ {
		v := fmt.Sprintf("203.0.113.%d", i+1)
		if i%3 == 0 && !deleted[v] {
			t.Errorf("unban of %s never delivered", v)
		}
		if i%3 != 0 && !got[v] {
			t.Errorf("ban of %s never delivered", v)
		}
	}
}

// A key whose cursor is past the file's newest event (the file was restored
// from an older backup) gets the whole list again rather than nothing.
func TestStreamAfterRestoreFromBackupSendsEverything(t *testing.T) {
	e := newEnv(t, httpapi.Options{})
	e.ban("203.0.113.5", "1h", "")
	e.pull("startup=true")
	if err := e.db.Exec(`UPDATE bouncers SET cursor_event = cursor_event + 1000`).Error; err != nil {
		t.Fatal(err)
	}
	if got := values(e.pull("").New); !slices.Equal(got, []string{"203.0.113.5"}) {
		t.Fatalf("after a restore: new = %v", got)
	}
}
