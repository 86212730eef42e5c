package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"banlist/backend/clock"
	"banlist/backend/httpapi"
	"banlist/backend/service"
	"banlist/backend/store"
)

// Options says what Run measures and where it writes.
type Options struct {
	Root      string // repository root
	Out       string // the Markdown report, "" for none
	Self      string // this program, re-run for the child processes
	Command   string // how the run was started, for the report
	Contacts  int
	Bans      int
	CheckBans int
	Writers   []int
	WriterDur time.Duration
	LoadDur   time.Duration
	Trials    int
	Parts     map[string]bool // p1 … p5, pg; empty means all
	Logf      func(string, ...any)
}

// Report is everything one run measured.
type Report struct {
	Machine Machine        `json:"machine"`
	Dataset *Dataset       `json:"dataset,omitempty"`
	P1      []QueryResult  `json:"p1,omitempty"`
	Insert  *InsertCost    `json:"insert,omitempty"`
	P2      *CheckResults  `json:"p2,omitempty"`
	P3      []WriterResult `json:"p3,omitempty"`
	// P3Share is P3 through two sshfs mounts of one folder (bench/p3share.go).
	P3Share []WriterResult  `json:"p3Share,omitempty"`
	P4      *AppResults     `json:"p4,omitempty"`
	P5      *EnforceResults `json:"p5,omitempty"`
	// PG is P1 and P2 again on a PostgreSQL server (bench/pg.go).
	PG       *PGResults    `json:"pg,omitempty"`
	Problems []string      `json:"problems,omitempty"`
	Elapsed  time.Duration `json:"elapsed"`
	// Merged lists parts measured later and merged in (-merge).
	Merged []Remeasure `json:"merged,omitempty"`
}

// Machine describes where the run happened.
type Machine struct {
	Date      string `json:"date"`
	Command   string `json:"command"`
	CPUs      int    `json:"cpus"`
	CPUModel  string `json:"cpuModel"`
	Free      string `json:"free"`
	GoVersion string `json:"goVersion"`
	Kernel    string `json:"kernel"`
	SQLiteApp string `json:"sqliteApp"`
	SQLiteCLI string `json:"sqliteCli"`
}

func (o Options) want(part string) bool { return len(o.Parts) == 0 || o.Parts[part] }

func output(name string, args ...string) string {
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

func machine(ctx context.Context, command string) Machine {
	m := Machine{Date: time.Now().UTC().Format("2006-01-02 15:04 MST"), Command: command, CPUs: runtime.NumCPU(),
		GoVersion: output("go", "version"), Kernel: output("uname", "-srm"), Free: output("free", "-h")}
	if n := output("nproc"); n != "" {
		fmt.Sscan(n, &m.CPUs)
	}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPUModel = strings.TrimSpace(v)
				break
			}
		}
	}
	if m.GoVersion == "" {
		m.GoVersion = runtime.Version()
	}
	m.SQLiteCLI = output(SQLiteCLI, "--version")
	if f := strings.Fields(m.SQLiteCLI); len(f) > 0 {
		m.SQLiteCLI = f[0]
	}
	dir, err := os.MkdirTemp("", "banlist-v-")
	if err == nil {
		defer os.RemoveAll(dir)
		if db, err := store.Open(ctx, store.Options{Path: filepath.Join(dir, "v.db")}); err == nil {
			_ = db.Raw("SELECT sqlite_version()").Scan(&m.SQLiteApp).Error
			_ = db.Close()
		}
	}
	return m
}

// Run measures what opts asks for and returns the report. Failures of one
// part are recorded in Problems and the run goes on.
func Run(ctx context.Context, opts Options) *Report {
	start := time.Now()
	logf := opts.Logf
	r := &Report{Machine: machine(ctx, opts.Command)}
	problem := func(part string, err error) {
		msg := fmt.Sprintf("%s: %v", part, err)
		r.Problems = append(r.Problems, msg)
		logf("PROBLEM %s", msg)
	}
	tmp, err := os.MkdirTemp("", "banlist-bench-")
	if err != nil {
		problem("setup", err)
		return r
	}
	defer os.RemoveAll(tmp)

	needBig := opts.want("p1") || opts.want("insert") || opts.want("p4") || opts.want("pg")
	if needBig {
		ds, err := Contacts(ctx, opts.Contacts, opts.Bans, logf)
		if err != nil {
			problem("generate contacts", err)
		} else {
			r.Dataset = ds
		}
	}
	if opts.want("p1") && r.Dataset != nil {
		logf("P1: the contacts report on %d contacts", r.Dataset.Contacts)
		res, errs := RunReport(ctx, r.Dataset, logf)
		for _, err := range errs {
			problem("P1", err)
		}
		r.P1 = res
	}
	// Part "insert" is P1's import rate alone, for measuring import changes
	// without the report's calls.
	if (opts.want("p1") || opts.Parts["insert"]) && r.Dataset != nil {
		if ic, err := MeasureInsert(ctx, tmp, r.Dataset.Path, 50_000); err != nil {
			problem("P1 insert cost", err)
		} else {
			r.Insert = &ic
			logf("P1 insert %d contacts: %s with the search index, %s without; into the large file %s (%.0f/s; sqlite3 %.0f/s %s)", ic.Contacts,
				ic.With.Round(time.Millisecond), ic.Without.Round(time.Millisecond), ic.Large.Round(time.Millisecond), ic.PerSecond(),
				ic.RawPerSecond(), ic.RawNote)
		}
	}
	if opts.want("p2") {
		logf("P2: Check on %d active bans", opts.CheckBans)
		r.P2 = runCheck(ctx, opts, tmp, problem)
	}
	if opts.want("p3") {
		for _, n := range opts.Writers {
			logf("P3: %d writer process(es) for %s", n, opts.WriterDur)
			res, err := Writers(ctx, opts.Self, tmp, n, opts.WriterDur)
			if err != nil {
				problem(fmt.Sprintf("P3 %d writers", n), err)
				continue
			}
			logf("P3 %d: %.0f ops/s p50 %.1f ms p99 %.1f ms errors %d lost %d", n, res.OpsPerSec, ms(res.Latency.Median), ms(res.Latency.P99), res.Errors, res.Lost)
			r.P3 = append(r.P3, res)
		}
	}
	if opts.want("p3share") {
		r.P3Share = runShareWriters(ctx, opts, tmp, problem)
	}
	if opts.want("p4") {
		logf("P4: the app")
		r.P4 = runApp(ctx, opts, tmp, r.Dataset, problem)
	} else if opts.Parts["p4first"] {
		r.P4 = &AppResults{FirstRow: firstRow(ctx, opts, problem)}
	}
	if opts.want("p5") {
		logf("P5: the CrowdSec feed on /v1/ with %d active bans", opts.CheckBans)
		r.P5 = runEnforce(ctx, opts, tmp, problem)
	}
	if opts.want("pg") {
		logf("PG: the report and Check on a PostgreSQL server")
		r.PG = runPostgres(ctx, opts, tmp, r.Dataset, problem)
	}
	r.Elapsed = time.Since(start)
	return r
}

func runCheck(ctx context.Context, opts Options, tmp string, problem func(string, error)) *CheckResults {
	logf := opts.Logf
	res := &CheckResults{Bans: opts.CheckBans}
	gb, note, err := RunGoBench(ctx, opts.Root)
	if err != nil {
		problem("P2 go test -bench", err)
	}
	res.GoBench, res.GoBenchNote = gb, note
	for _, g := range gb {
		logf("P2 %-28s %10.1f ns/op", g.Name, g.NsPerOp)
	}

	path := filepath.Join(tmp, "check.db")
	probes, err := CheckDB(ctx, path, opts.CheckBans, time.Now())
	if err != nil {
		problem("P2 generate bans", err)
		return res
	}
	// A copy for the shared-mode propagation test, before anything writes.
	sharedPath := filepath.Join(tmp, "check-shared.db")
	if err := copyFile(path, sharedPath); err != nil {
		problem("P2 copy", err)
		return res
	}
	bin := filepath.Join(opts.Root, "build/bin/banlist-test")
	var base, server string
	var stop func()
	if _, err := os.Stat(bin); err == nil {
		srv, err := StartServer(ctx, bin, path, tmp)
		if err != nil {
			problem("P2 start server", err)
			return res
		}
		base, stop, server = srv.URL, srv.Stop, "build/bin/banlist-test serve (its own process)"
	} else {
		b, s, err := inProcessServer(ctx, path)
		if err != nil {
			problem("P2 start server", err)
			return res
		}
		base, stop, server = b, s, "httpapi.New in the load generator's process (build/bin/banlist-test missing)"
	}
	// The first request loads the index of 100,000 bans.
	if resp, err := http.Get(base + "/api/v1/check?ip=192.0.2.1"); err == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	for _, conc := range []int{4, 32} {
		h, err := LoadCheck(ctx, base, probes, conc, time.Second, opts.LoadDur)
		h.Server = server
		if err != nil {
			problem(fmt.Sprintf("P2 HTTP load (%d connections)", conc), err)
		}
		logf("P2 HTTP %d conns: %.0f req/s p50 %.2f ms p99 %.2f ms errors %d", conc, h.RPS, ms(h.Latency.Median), ms(h.Latency.P99), h.Errors)
		res.HTTP = append(res.HTTP, h)
	}
	stop()

	for _, shared := range []bool{false, true} {
		p := path
		if shared {
			p = sharedPath
		}
		pr, err := Propagation(ctx, opts.Self, p, shared, opts.Trials)
		if err != nil {
			problem("P2 propagation "+pr.Mode, err)
			continue
		}
		logf("P2 propagation %s: median %.0f ms max %.0f ms (%d trials, %d missed)", pr.Mode, ms(pr.Latency.Median), ms(pr.Latency.Max), pr.Trials, pr.Missed)
		res.Propagation = append(res.Propagation, pr)
	}
	return res
}

// inProcessServer serves the API from this process on a loopback port.
func inProcessServer(ctx context.Context, path string) (string, func(), error) {
	db, err := store.Open(ctx, store.Options{Path: path, Clock: clock.System{}})
	if err != nil {
		return "", nil, err
	}
	svc := service.New(ctx, db, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		_ = svc.Close()
		return "", nil, err
	}
	srv := &http.Server{Handler: httpapi.New(svc, os.DirFS(os.TempDir()), httpapi.Options{}), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = srv.Close(); _ = svc.Close() }, nil
}

func runApp(ctx context.Context, opts Options, tmp string, ds *Dataset, problem func(string, error)) *AppResults {
	logf := opts.Logf
	res := &AppResults{}
	if err := Sizes(opts.Root, res); err != nil {
		problem("P4 sizes", err)
	}
	for _, b := range res.Binaries {
		logf("P4 %s: %.1f MB", b.Path, float64(b.Size)/1e6)
	}
	logf("P4 frontend JS: %d files, %.0f kB, %.0f kB gzipped", res.JSFiles, float64(res.JSRaw)/1e3, float64(res.JSGzip)/1e3)

	desktop := filepath.Join(opts.Root, "build/bin/banlist")
	if _, err := os.Stat(desktop); err != nil {
		res.ColdNote = "build/bin/banlist missing: run `make build` (make bench does)"
	} else if x, err := StartXvfb(ctx); err != nil {
		res.ColdNote = err.Error()
	} else {
		res.ColdStart = append(res.ColdStart, DesktopColdStart(ctx, x, desktop, "new database (demo data is written first)", 3, tmp,
			func(i int) (string, []string) { return filepath.Join(tmp, fmt.Sprintf("desktop-%d.db", i)), nil }))
		if ds != nil {
			res.ColdStart = append(res.ColdStart, DesktopColdStart(ctx, x, desktop, thousands(int64(ds.Contacts))+" contacts", 3, tmp,
				func(int) (string, []string) { return ds.Path, []string{"--no-demo"} }))
		}
		x.Stop()
		for _, c := range res.ColdStart {
			if c.Err != "" {
				problem("P4 desktop cold start ("+c.DB+")", fmt.Errorf("%s", c.Err))
				continue
			}
			logf("P4 desktop %s: first bound call (%s) after %d ms (app's clock), %d ms (wall)", c.DB, c.Method,
				c.SinceLaun.Median.Milliseconds(), c.Wall.Median.Milliseconds())
		}
	}
	if ds != nil {
		m, err := RunAppMem(ctx, opts.Self, ds.Path)
		if err != nil {
			problem("P4 memory", err)
		} else {
			res.Mem = m
			logf("P4 memory after the first page: heap in use %.1f MB, RSS %.1f MB; cold first page %.1f ms",
				float64(m.HeapInuse)/1e6, float64(m.RSS)/1e6, ms(m.FirstPage))
		}
		bin := filepath.Join(opts.Root, "build/bin/banlist-test")
		if _, err := os.Stat(bin); err == nil {
			s, err := RunServeMem(ctx, bin, ds.Path, tmp)
			if err != nil {
				problem("P4 serve memory", err)
			} else {
				res.Serve = s
				logf("P4 banlist-test serve: RSS %.1f MB after GET /api/v1/contacts (%.1f ms)", float64(s.RSS)/1e6, ms(s.FirstPage))
			}
		}
	}
	res.FirstRow = firstRow(ctx, opts, problem)
	return res
}

// firstRow runs the browser's first-row measurement (bench/firstrow.go).
func firstRow(ctx context.Context, opts Options, problem func(string, error)) *FirstRow {
	opts.Logf("P4: first report row in Chromium (frontend/e2e/speed.test.mjs)")
	f := RunFirstRow(ctx, opts.Root)
	if f.Err != "" {
		problem("P4 first row", errors.New(f.Err))
	} else {
		opts.Logf("P4 first row: median %d ms; initial JS %d files, %d KB gzip", f.Median.Milliseconds(), f.JSFiles, f.JSGzipKB)
	}
	return f
}

// SaveResults stores r as the latest run in the cache folder and returns the
// run before it, if any.
func SaveResults(r *Report) (*Report, error) {
	path := filepath.Join(CacheDir(), "results.json")
	var prev *Report
	if b, err := os.ReadFile(path); err == nil {
		var p Report
		if json.Unmarshal(b, &p) == nil {
			prev = &p
		}
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return prev, err
	}
	if err := os.MkdirAll(CacheDir(), 0o700); err != nil {
		return prev, err
	}
	if prev != nil {
		_ = os.Rename(path, filepath.Join(CacheDir(), "results-previous.json"))
	}
	return prev, os.WriteFile(path, b, 0o600)
}

// SaveMerged rewrites the latest saved run in place (after Merge): the run
// before it stays the one to compare with.
func SaveMerged(r *Report) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(CacheDir(), "results.json"), b, 0o600)
}

// LoadResults reads the last saved run and the one before it.
func LoadResults() (last, prev *Report, err error) {
	read := func(name string) (*Report, error) {
		b, err := os.ReadFile(filepath.Join(CacheDir(), name))
		if err != nil {
			return nil, err
		}
		var r Report
		return &r, json.Unmarshal(b, &r)
	}
	if last, err = read("results.json"); err != nil {
		return nil, nil, fmt.Errorf("no saved run (run make bench first): %w", err)
	}
	prev, _ = read("results-previous.json")
	return last, prev, nil
}
