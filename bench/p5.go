package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"banlist/backend/apikey"
	"banlist/backend/netlab"
	"banlist/backend/store"
)

// P5 targets (issue 10).
const (
	targetStartup = time.Second          // stream startup with 100,000 active bans
	targetDelta   = 5 * time.Millisecond // median idle delta pull, 50 keys pulling every second
	bouncerPeriod = time.Second          // the bouncer's update_frequency in the ipset run
	targetIpset   = bouncerPeriod + time.Second
	p5Keys        = 50
)

// EnforceResults is P5: the CrowdSec feed on /v1/ (docs/ENFORCEMENT.md).
type EnforceResults struct {
	Bans         int    `json:"bans"`
	Startup      Dist   `json:"startup"`      // GET /v1/decisions/stream?startup=true, whole body read
	StartupBytes int64  `json:"startupBytes"` // size of that answer
	Keys         int    `json:"keys"`
	Delta        Dist   `json:"delta"` // idle delta pulls while Keys keys pull every second
	Ipset        Dist   `json:"ipset"` // POST /api/v1/bans → entry in the bouncer's ipset
	IpsetNote    string `json:"ipsetNote,omitempty"`
}

// runEnforce measures P5 against build/bin/banlist-test serve.
func runEnforce(ctx context.Context, opts Options, tmp string, problem func(string, error)) *EnforceResults {
	logf := opts.Logf
	res := &EnforceResults{Bans: opts.CheckBans, Keys: p5Keys}
	bin := filepath.Join(opts.Root, "build/bin/banlist-test")
	if _, err := os.Stat(bin); err != nil {
		problem("P5", fmt.Errorf("%s is missing (make build/bin/banlist-test)", bin))
		return res
	}
	path := filepath.Join(tmp, "feed.db")
	if _, err := CheckDB(ctx, path, opts.CheckBans, time.Now()); err != nil {
		problem("P5 generate bans", err)
		return res
	}
	keys, err := benchKeys(ctx, path, p5Keys)
	if err != nil {
		problem("P5 bouncer keys", err)
		return res
	}
	srv, err := StartServer(ctx, bin, path, tmp)
	if err != nil {
		problem("P5 start server", err)
		return res
	}
	defer srv.Stop()
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: p5Keys + 4}}
	pull := func(key, query string) (int64, error) {
		req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/v1/decisions/stream?"+query, nil)
		req.Header.Set("X-Api-Key", key)
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		n, err := io.Copy(io.Discard, resp.Body)
		if resp.StatusCode != 200 {
			return n, fmt.Errorf("status %d", resp.StatusCode)
		}
		return n, err
	}

	// Startup: every active ban in one answer. The first key's pulls are
	// timed; the others pull once so that each has a cursor.
	startup, err := timeRuns(1, 5, 3, 20*time.Second, func() error {
		n, err := pull(keys[0], "startup=true")
		res.StartupBytes = n
		return err
	})
	if err != nil {
		problem("P5 startup pull", err)
		return res
	}
	res.Startup = Summarize(startup)
	logf("P5 startup pull of %d bans: median %s ms (%.1f MB)", res.Bans, f1(res.Startup.Median), float64(res.StartupBytes)/1e6)
	for _, k := range keys[1:] {
		if _, err := pull(k, "startup=true"); err != nil {
			problem("P5 startup pulls", err)
			return res
		}
	}

	// Idle deltas: each key pulls once a second, staggered, for long enough
	// that every key also writes its last-pull note (every 10 s).
	dur := max(opts.LoadDur, 12*time.Second)
	var mu sync.Mutex
	var lat []time.Duration
	var wg sync.WaitGroup
	var failed error
	deadline := time.Now().Add(dur)
	for i, k := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Duration(i) * time.Second / p5Keys)
			tick := time.NewTicker(time.Second)
			defer tick.Stop()
			for time.Now().Before(deadline) {
				t := time.Now()
				_, err := pull(k, "startup=false")
				d := time.Since(t)
				mu.Lock()
				if err != nil && failed == nil {
					failed = err
				}
				lat = append(lat, d)
				mu.Unlock()
				<-tick.C
			}
		}()
	}
	wg.Wait()
	if failed != nil {
		problem("P5 delta pulls", failed)
	}
	res.Delta = Summarize(lat)
	logf("P5 idle delta pull, %d keys each every second: median %s ms, p99 %s ms (%d pulls)", p5Keys, f1(res.Delta.Median), f1(res.Delta.P99), res.Delta.N)

	res.Ipset, res.IpsetNote = ipsetLatency(bin, tmp, logf)
	return res
}

// benchKeys adds n bouncer keys to the database at path and returns them.
func benchKeys(ctx context.Context, path string, n int) ([]string, error) {
	db, err := store.Open(ctx, store.Options{Path: path})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	keys := make([]string, n)
	for i := range keys {
		plain, hash := apikey.New("blb_")
		if _, err := db.AddBouncer(ctx, fmt.Sprintf("bench-%02d", i), hash); err != nil {
			return nil, err
		}
		keys[i] = plain
	}
	return keys, nil
}

// ipsetLatency runs banlist serve and Debian's firewall bouncer in a netlab
// namespace and times each ban from the API call until the address is in
// the bouncer's ipset. Without root or the bouncer it says why instead.
func ipsetLatency(bin, tmp string, logf func(string, ...any)) (Dist, string) {
	if err := netlab.Available(); err != nil {
		return Dist{}, "not measured: " + err.Error()
	}
	lab, err := netlab.New()
	if err != nil {
		return Dist{}, "not measured: " + err.Error()
	}
	defer lab.Close()
	dir := filepath.Join(tmp, "ipset")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Dist{}, err.Error()
	}
	db := filepath.Join(dir, "banlist.db")
	key, err := netlab.AddBouncerKey(bin, db, "firewall")
	if err != nil {
		return Dist{}, err.Error()
	}
	const addr = "127.0.0.1:18080"
	bl, err := netlab.StartBanlist(lab.Chat, bin, db, addr)
	if err != nil {
		return Dist{}, err.Error()
	}
	defer bl.Stop()
	bo, err := netlab.StartBouncer(lab.Chat, dir, "http://"+addr+"/", key, bouncerPeriod)
	if err != nil {
		return Dist{}, "not measured: " + err.Error()
	}
	defer bo.Stop()
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DialContext: netlab.DialerIn(lab.Chat)}}
	// Wait for the bouncer's set and first pull.
	if _, err := netlab.Until(15*time.Second, 100*time.Millisecond, func() error {
		if netlab.Command(lab.Chat, "ipset", "list", "-n", netlab.BouncerSet).Run() != nil {
			return fmt.Errorf("no ipset yet")
		}
		return nil
	}); err != nil {
		return Dist{}, "the bouncer did not start: " + netlab.BouncerLog(dir)
	}
	time.Sleep(2 * bouncerPeriod)
	var lat []time.Duration
	for i := 0; i < 10; i++ {
		ip := netip.AddrFrom4([4]byte{198, 51, 100, byte(100 + i)}).String()
		start := time.Now()
		resp, err := client.Post("http://"+addr+"/api/v1/bans", "application/json",
			strings.NewReader(fmt.Sprintf(`{"ip":%q,"period":"1h","notes":"bench"}`, ip)))
		if err != nil {
			return Summarize(lat), err.Error()
		}
		resp.Body.Close()
		took, err := netlab.Until(5*bouncerPeriod, 10*time.Millisecond, func() error {
			if !netlab.SetHas(lab.Chat, ip) {
				return fmt.Errorf("%s not in the set", ip)
			}
			return nil
		})
		if err != nil {
			return Summarize(lat), err.Error()
		}
		_ = took
		lat = append(lat, time.Since(start))
		// Start the next ban at a different point of the bouncer's period.
		time.Sleep(time.Duration(137*(i+1)%1000) * time.Millisecond)
	}
	d := Summarize(lat)
	logf("P5 ban → ipset (update_frequency %s): median %s ms, max %s ms", bouncerPeriod, f1(d.Median), f1(d.Max))
	return d, ""
}

// p5Table is P5's part of the console table.
func p5Table(w func(string, ...any), x *EnforceResults) {
	w("\nP5 CrowdSec feed on /v1/ (%s active bans)\n", thousands(int64(x.Bans)))
	w("  stream startup (all bans, %.1f MB)            median %s ms  max %s ms\n", float64(x.StartupBytes)/1e6, f1(x.Startup.Median), f1(x.Startup.Max))
	w("  idle delta pull, %d keys each every second    median %s ms  p99 %s ms  (%d pulls)\n", x.Keys, f1(x.Delta.Median), f1(x.Delta.P99), x.Delta.N)
	if x.IpsetNote != "" {
		w("  ban → ipset: %s\n", x.IpsetNote)
	} else {
		w("  ban → ipset (update_frequency %s)             median %s ms  max %s ms\n", bouncerPeriod, f1(x.Ipset.Median), f1(x.Ipset.Max))
	}
}

// p5Targets are P5's rows of the targets table.
func p5Targets(w func(string, ...any), x *EnforceResults) {
	if x.Startup.N > 0 {
		w("| P5 stream startup with %s active bans: at most 1 s | median %s ms, max %s ms | %s |\n",
			thousands(int64(x.Bans)), f1(x.Startup.Median), f1(x.Startup.Max), yes(x.Startup.Max <= targetStartup))
	}
	if x.Delta.N > 0 {
		w("| P5 idle delta pull, %d keys pulling every second: median at most 5 ms | median %s ms (p99 %s ms) | %s |\n",
			x.Keys, f1(x.Delta.Median), f1(x.Delta.P99), yes(x.Delta.Median <= targetDelta))
	}
	if x.Ipset.N > 0 {
		w("| P5 ban reaches the bouncer's ipset: within update_frequency + 1 s (%s) | max %s ms, median %s ms | %s |\n",
			targetIpset, f1(x.Ipset.Max), f1(x.Ipset.Median), yes(x.Ipset.Max <= targetIpset))
	}
}

// p5 is P5's section of the Markdown report.
func p5(b *strings.Builder, r *Report) {
	w := func(f string, a ...any) { fmt.Fprintf(b, f, a...) }
	x := r.P5
	w("## P5 — the CrowdSec feed for bouncers (`/v1/`)\n\n")
	w("`build/bin/banlist-test serve` in its own process on a database of %s active bans (P2's generator), %d bouncer keys.\n\n", thousands(int64(x.Bans)), x.Keys)
	w("| What | Median | p99 / max |\n| --- | ---: | ---: |\n")
	w("| `GET /v1/decisions/stream?startup=true`, whole answer read (%.1f MB) | %s ms | max %s ms |\n", float64(x.StartupBytes)/1e6, f1(x.Startup.Median), f1(x.Startup.Max))
	w("| Delta pull with nothing changed, %d keys each pulling every second (%d pulls) | %s ms | p99 %s ms |\n", x.Keys, x.Delta.N, f1(x.Delta.Median), f1(x.Delta.P99))
	if x.IpsetNote != "" {
		w("| Ban → entry in the firewall bouncer's ipset | %s | |\n", x.IpsetNote)
	} else {
		w("| `POST /api/v1/bans` → entry in Debian's crowdsec-firewall-bouncer's ipset (update_frequency %s, %d bans, netlab namespaces) | %s ms | max %s ms |\n",
			bouncerPeriod, x.Ipset.N, f1(x.Ipset.Median), f1(x.Ipset.Max))
	}
	w("\nAn idle delta pull reads the key, the newest ban event id and two expiry windows through indexes, and writes " +
		"nothing unless something changed, except the key's last-pull time at most once every 10 s. " +
		"The ban → ipset time is the bouncer's polling period plus its `ipset add`: on average half a period.\n\n")
}
