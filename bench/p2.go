package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"banlist/backend/bans"
	"banlist/backend/clock"
	"banlist/backend/ipaddr"
	"banlist/backend/store"
)

// GoBench is one line of `go test -bench` output.
type GoBench struct {
	Name        string  `json:"name"`
	NsPerOp     float64 `json:"nsPerOp"`
	BytesPerOp  float64 `json:"bytesPerOp"`
	AllocsPerOp float64 `json:"allocsPerOp"`
}

// HTTPResult is a closed-loop load test of GET /api/v1/check.
type HTTPResult struct {
	Server      string        `json:"server"` // what served it
	Concurrency int           `json:"concurrency"`
	Duration    time.Duration `json:"duration"`
	Requests    int           `json:"requests"`
	Errors      int           `json:"errors"`
	Blocked     int           `json:"blocked"` // answers that said blocked
	RPS         float64       `json:"rps"`
	Latency     Dist          `json:"latency"`
}

// PropResult is how long a ban written by another process takes to show in
// this process's Check.
type PropResult struct {
	Mode    string `json:"mode"` // "local (WAL)" or "shared (rollback journal)"
	Trials  int    `json:"trials"`
	Missed  int    `json:"missed"` // never seen within 5 s
	Latency Dist   `json:"latency"`
}

// CheckResults gathers P2.
type CheckResults struct {
	Bans        int          `json:"bans"`
	GoBench     []GoBench    `json:"goBench"`
	GoBenchNote string       `json:"goBenchNote"`
	HTTP        []HTTPResult `json:"http"`
	Propagation []PropResult `json:"propagation"`
}

// CheckDB writes n active bans (10% ranges; half IPv4, half IPv6) made just
// before now into a new database at path, and returns probe addresses: a
// third exact hits, a third inside ranges, a third misses. The addresses
// are drawn from a fixed seed; only the times follow the clock, because the
// HTTP server judges "active" by the real time.
func CheckDB(ctx context.Context, path string, n int, now time.Time) ([]string, error) {
	db, err := store.Open(ctx, store.Options{Path: path, Clock: clock.NewFixed(now)})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	sqlDB, err := db.DB.DB()
	if err != nil {
		return nil, err
	}
	tx, err := sqlDB.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it does nothing
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO bans(target, is_range, lo, hi, period, notes, created_by, created_at, expires_at)
		VALUES (?, ?, ?, ?, '1mo', '', 'bench', ?, ?)`)
	if err != nil {
		return nil, err
	}
	defer stmt.Close()
	r := rand.New(rand.NewPCG(42, uint64(n)))
	v6 := netip.MustParseAddr("2001:db8::").As16()
	addr := func(six bool) netip.Addr {
		if !six {
			return netip.AddrFrom4([4]byte{byte(1 + r.IntN(222)), byte(r.IntN(256)), byte(r.IntN(256)), byte(r.IntN(256))})
		}
		b := v6
		for i := 4; i < 16; i++ {
			b[i] = byte(r.IntN(256))
		}
		return netip.AddrFrom16(b)
	}
	created := now.Add(-time.Hour).UnixMilli()
	expires := now.AddDate(0, 1, 0).UnixMilli()
	var hits, inRange []string
	for i := 0; i < n; i++ {
		six := i%2 == 1
		a := addr(six)
		p := netip.PrefixFrom(a, a.BitLen())
		if i%10 == 0 {
			bits := 16 + r.IntN(16)
			if six {
				bits = 32 + r.IntN(96)
			}
			p = netip.PrefixFrom(a, bits).Masked()
		}
		t, err := ipaddr.Parse(p.String())
		if err != nil {
			return nil, err
		}
		lo, hi := t.Lo(), t.Hi()
		if _, err := stmt.ExecContext(ctx, t.String(), t.IsRange, lo[:], hi[:], created, expires); err != nil {
			return nil, err
		}
		if t.IsRange {
			inRange = append(inRange, a.String())
		} else {
			hits = append(hits, a.String())
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	probes := make([]string, 0, 4096)
	for len(probes) < cap(probes) {
		switch len(probes) % 3 {
		case 0:
			probes = append(probes, hits[r.IntN(len(hits))])
		case 1:
			probes = append(probes, inRange[r.IntN(len(inRange))])
		default:
			probes = append(probes, addr(r.IntN(2) == 0).String())
		}
	}
	return probes, nil
}

var benchLine = regexp.MustCompile(`^(Benchmark\S+)\s+\d+\s+([\d.]+) ns/op(?:\s+([\d.]+) B/op)?(?:\s+([\d.]+) allocs/op)?`)

// RunGoBench runs the in-process Check benchmarks of package bans (100,000
// active bans) with `go test` and parses their results.
func RunGoBench(ctx context.Context, root string) ([]GoBench, string, error) {
	cmd := exec.CommandContext(ctx, "go", "test", "-run", "^$", "-bench", "^(BenchmarkCheck|BenchmarkMapFloor|BenchmarkIndexLoad)$",
		"-benchmem", "-benchtime", "2s", "-count", "1", "./backend/bans/")
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, string(out), fmt.Errorf("go test -bench: %w\n%s", err, out)
	}
	var res []GoBench
	for _, line := range strings.Split(string(out), "\n") {
		m := benchLine.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			continue
		}
		g := GoBench{Name: m[1]}
		g.NsPerOp, _ = strconv.ParseFloat(m[2], 64)
		g.BytesPerOp, _ = strconv.ParseFloat(m[3], 64)
		g.AllocsPerOp, _ = strconv.ParseFloat(m[4], 64)
		res = append(res, g)
	}
	return res, "go test -run '^$' -bench '^(BenchmarkCheck|BenchmarkMapFloor|BenchmarkIndexLoad)$' -benchmem -benchtime 2s ./backend/bans/", nil
}

// Server is a running `banlist-test serve`.
type Server struct {
	URL  string
	cmd  *exec.Cmd
	done chan struct{}
	PID  int
}

// StartServer runs bin serve on a free loopback port on db and waits for
// its "banlist serving on" line.
func StartServer(ctx context.Context, bin, db, dir string) (*Server, error) {
	cmd := exec.CommandContext(ctx, bin, "serve", "--addr", "127.0.0.1:0", "--db", db, "--no-demo")
	cmd.Env = append(os.Environ(), "BANLIST_SETTINGS="+filepath.Join(dir, "settings.json"), "BANLIST_TOKEN=", "BANLIST_CHECK_TOKEN=")
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &Server{cmd: cmd, done: make(chan struct{}), PID: cmd.Process.Pid}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "banlist serving on "); ok {
				found <- u
			}
		}
		close(found)
	}()
	go func() { _ = cmd.Wait(); close(s.done) }()
	select {
	case u, ok := <-found:
		if !ok {
			return nil, errors.New("server exited before it served")
		}
		s.URL = u
		return s, nil
	case <-time.After(60 * time.Second):
		s.Stop()
		return nil, errors.New("server did not start within 60 s")
	}
}

// Stop ends the server (SIGTERM, then SIGKILL).
func (s *Server) Stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

// LoadCheck sends GET /api/v1/check?ip=… from conc goroutines over keep-alive
// connections for warm+dur and measures the last dur.
func LoadCheck(ctx context.Context, base string, probes []string, conc int, warm, dur time.Duration) (HTTPResult, error) {
	tr := &http.Transport{MaxIdleConns: conc, MaxIdleConnsPerHost: conc, MaxConnsPerHost: conc, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	var measuring atomic.Bool
	stop := make(chan struct{})
	type worker struct {
		lat             []time.Duration
		errs, n, blockd int
	}
	ws := make([]*worker, conc)
	var wg sync.WaitGroup
	var firstErr atomic.Value
	for i := range ws {
		w := &worker{lat: make([]time.Duration, 0, 1<<16)}
		ws[i] = w
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			j := i * 131
			for {
				select {
				case <-stop:
					return
				default:
				}
				url := base + "/api/v1/check?ip=" + probes[j%len(probes)]
				j++
				t := time.Now()
				resp, err := client.Get(url)
				var body []byte
				if err == nil {
					body, err = io.ReadAll(resp.Body)
					resp.Body.Close()
					if err == nil && resp.StatusCode != http.StatusOK {
						err = fmt.Errorf("status %d: %s", resp.StatusCode, body)
					}
				}
				d := time.Since(t)
				if !measuring.Load() {
					continue
				}
				w.n++
				if err != nil {
					w.errs++
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				if strings.Contains(string(body), `"blocked":true`) {
					w.blockd++
				}
				w.lat = append(w.lat, d)
			}
		}(i)
	}
	time.Sleep(warm)
	measuring.Store(true)
	start := time.Now()
	time.Sleep(dur)
	measuring.Store(false)
	elapsed := time.Since(start)
	close(stop)
	wg.Wait()
	res := HTTPResult{Concurrency: conc, Duration: elapsed}
	var all []time.Duration
	for _, w := range ws {
		res.Requests += w.n
		res.Errors += w.errs
		res.Blocked += w.blockd
		all = append(all, w.lat...)
	}
	res.RPS = float64(res.Requests) / elapsed.Seconds()
	res.Latency = Summarize(all)
	if e, ok := firstErr.Load().(string); ok && res.Errors > 0 {
		return res, fmt.Errorf("%d of %d requests failed, first: %s", res.Errors, res.Requests, e)
	}
	return res, nil
}

// banAck is what the banner child prints after each ban.
type banAck struct {
	IP  string `json:"ip"`
	At  int64  `json:"at"` // wall clock (Unix ns) when BanIP returned
	Err string `json:"err,omitempty"`
}

// Banner is the child process of the propagation test: it bans each
// address read from stdin and prints a banAck line.
func Banner(ctx context.Context, path string, shared bool) error {
	db, err := store.Open(ctx, store.Options{Path: path, Shared: shared})
	if err != nil {
		return err
	}
	defer db.Close()
	svc := bans.New(db, func() string { return "bench-banner" })
	enc := json.NewEncoder(os.Stdout)
	sc := bufio.NewScanner(os.Stdin)
	if err := enc.Encode(banAck{IP: "ready"}); err != nil {
		return err
	}
	for sc.Scan() {
		ip := strings.TrimSpace(sc.Text())
		_, err := svc.BanIP(ctx, ip, "1h", "propagation test")
		a := banAck{IP: ip, At: time.Now().UnixNano()}
		if err != nil {
			a.Err = err.Error()
		}
		if err := enc.Encode(a); err != nil {
			return err
		}
	}
	return sc.Err()
}

// Propagation measures, trials times, how long after another process's ban
// returns this process's Check reports the address blocked. self is this
// program, re-run as the banner child.
func Propagation(ctx context.Context, self, path string, shared bool, trials int) (PropResult, error) {
	mode := "local (WAL)"
	if shared {
		mode = "shared (rollback journal)"
	}
	res := PropResult{Mode: mode, Trials: trials}
	db, err := store.Open(ctx, store.Options{Path: path, Shared: shared})
	if err != nil {
		return res, err
	}
	defer db.Close()
	svc := bans.New(db, nil)
	svc.Start(ctx)
	defer svc.Close()
	if _, err := svc.Check(ctx, "192.0.2.1"); err != nil { // loads the index
		return res, err
	}
	args := []string{"banner", "-db", path}
	if shared {
		args = append(args, "-shared")
	}
	cmd := exec.CommandContext(ctx, self, args...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return res, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return res, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return res, err
	}
	defer func() { _ = stdin.Close(); _ = cmd.Wait() }()
	acks := make(chan banAck)
	go func() {
		dec := json.NewDecoder(stdout)
		for {
			var a banAck
			if err := dec.Decode(&a); err != nil {
				close(acks)
				return
			}
			acks <- a
		}
	}()
	if a, ok := <-acks; !ok || a.IP != "ready" {
		return res, errors.New("banner child did not start")
	}
	r := rand.New(rand.NewPCG(3, 3))
	var lats []time.Duration
	for i := 0; i < trials; i++ {
		// Off the watcher's 250 ms beat, so trials sample its whole cycle.
		time.Sleep(time.Duration(50+r.IntN(300)) * time.Millisecond)
		ip := fmt.Sprintf("3fff:%x::%x", os.Getpid()&0xffff, i+1)
		if _, err := fmt.Fprintln(stdin, ip); err != nil {
			return res, err
		}
		var seen time.Time
		deadline := time.Now().Add(5 * time.Second)
		var ack banAck
		gotAck := false
		for time.Now().Before(deadline) {
			if !gotAck {
				select {
				case a, ok := <-acks:
					if !ok {
						return res, errors.New("banner child exited")
					}
					if a.Err != "" {
						return res, fmt.Errorf("ban %s: %s", a.IP, a.Err)
					}
					ack, gotAck = a, true
				default:
				}
			}
			if seen.IsZero() {
				c, err := svc.Check(ctx, ip)
				if err != nil {
					return res, err
				}
				if c.Blocked {
					seen = time.Now()
				}
			}
			if gotAck && !seen.IsZero() {
				break
			}
			time.Sleep(500 * time.Microsecond)
		}
		if seen.IsZero() || !gotAck {
			res.Missed++
			continue
		}
		lats = append(lats, max(seen.Sub(time.Unix(0, ack.At)), 0))
	}
	res.Latency = Summarize(lats)
	return res, nil
}
