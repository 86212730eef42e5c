package bench

import (
	"fmt"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Targets of the issue "Benchmarks at scale".
const (
	targetPage     = 50 * time.Millisecond
	targetRatio    = 2.0
	targetRPS      = 20_000
	targetPropagat = time.Second
)

// TableSize is the space one table or index takes in the report database.
type TableSize struct {
	Name  string `json:"name"`
	Bytes int64  `json:"bytes"`
}

// Storage lists the space each table and index of path takes, largest
// first, with the sqlite3 tool's dbstat table.
func Storage(path string) ([]TableSize, error) {
	out, err := exec.Command(SQLiteCLI, "-readonly", path, "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC").Output()
	if err != nil {
		return nil, err
	}
	var res []TableSize
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		name, size, ok := strings.Cut(line, "|")
		if !ok {
			continue
		}
		n, _ := strconv.ParseInt(size, 10, 64)
		res = append(res, TableSize{Name: name, Bytes: n})
	}
	return res, nil
}

func f1(d time.Duration) string {
	if d <= 0 {
		return "–"
	}
	v := ms(d)
	switch {
	case v < 1:
		return fmt.Sprintf("%.2f", v)
	case v < 100:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.0f", v)
}

// nsop renders a ns/op figure, in ms when it is large.
func nsop(v float64) string {
	if v >= 1e6 {
		return fmt.Sprintf("%.1f ms", v/1e6)
	}
	return fmt.Sprintf("%.1f", v)
}

func secs(d time.Duration) string { return fmt.Sprintf("%.1f", d.Seconds()) }

func mb(b int64) string { return fmt.Sprintf("%.1f MB", float64(b)/1e6) }

func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 && s[0] != '-' {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func change(now, before float64) string {
	if now <= 0 || before <= 0 {
		return "–"
	}
	return fmt.Sprintf("%+.0f%%", 100*(now-before)/before)
}

func prevQuery(prev *Report, key string) *QueryResult {
	if prev == nil {
		return nil
	}
	for i := range prev.P1 {
		if prev.P1[i].Key == key {
			return &prev.P1[i]
		}
	}
	return nil
}

func prevWriters(prev *Report, procs int) *WriterResult {
	if prev == nil {
		return nil
	}
	for i := range prev.P3 {
		if prev.P3[i].Procs == procs {
			return &prev.P3[i]
		}
	}
	return nil
}

func yes(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}

// Table is the plain-text summary printed at the end of a run.
func Table(r *Report, prev *Report) string {
	var b strings.Builder
	w := func(f string, a ...any) { fmt.Fprintf(&b, f, a...) }
	w("\nbanlist benchmarks — %s, %d CPUs (%s), %s, took %s\n", r.Machine.Date, r.Machine.CPUs, r.Machine.CPUModel,
		r.Machine.GoVersion, r.Elapsed.Round(time.Second))
	if len(r.P1) > 0 {
		w("\nP1 report (%s contacts, %s bans)            ours ms   p90 ms  sqlite3 ms  ratio  64MiB-cache ms  prev ms\n",
			thousands(int64(r.Dataset.Contacts)), thousands(int64(r.Dataset.Bans)))
		for _, q := range r.P1 {
			pm := "–"
			if p := prevQuery(prev, q.Key); p != nil {
				pm = f1(p.Ours.Median)
			}
			ratio := "–"
			if q.Ratio() > 0 {
				ratio = fmt.Sprintf("%.2f", q.Ratio())
			}
			w("  %-56.56s %8s %8s %11s %6s %15s %8s\n", q.Label, f1(q.Ours.Median), f1(q.Ours.P90), f1(q.Raw), ratio, f1(q.DefaultCache.Median), pm)
		}
	}
	if r.P2 != nil {
		w("\nP2 check (%s active bans)\n", thousands(int64(r.P2.Bans)))
		for _, g := range r.P2.GoBench {
			w("  %-40s %10.1f ns/op %6.0f B/op %4.0f allocs/op\n", g.Name, g.NsPerOp, g.BytesPerOp, g.AllocsPerOp)
		}
		for _, h := range r.P2.HTTP {
			w("  HTTP GET /api/v1/check, %2d connections: %8.0f req/s  p50 %s ms  p99 %s ms  errors %d\n",
				h.Concurrency, h.RPS, f1(h.Latency.Median), f1(h.Latency.P99), h.Errors)
		}
		for _, p := range r.P2.Propagation {
			w("  ban in another process → Check here, %-26s median %s ms  max %s ms  (%d trials, %d missed)\n",
				p.Mode+":", f1(p.Latency.Median), f1(p.Latency.Max), p.Trials, p.Missed)
		}
	}
	if len(r.P3) > 0 {
		w("\nP3 writers on one shared file (rollback journal)\n  procs    ops/s   p50 ms   p99 ms   errors  lost  unacked   prev ops/s\n")
		for _, x := range r.P3 {
			pv := "–"
			if p := prevWriters(prev, x.Procs); p != nil {
				pv = fmt.Sprintf("%.0f", p.OpsPerSec)
			}
			w("  %5d %8.0f %8s %8s %8d %5d %8d %12s\n", x.Procs, x.OpsPerSec, f1(x.Latency.Median), f1(x.Latency.P99), x.Errors, x.Lost, x.Unacked, pv)
		}
	}
	b.WriteString(p3ShareTable(r))
	if a := r.P4; a != nil {
		w("\nP4 app\n")
		for _, bin := range a.Binaries {
			w("  %-28s %s\n", bin.Path, mb(bin.Size))
		}
		w("  frontend JS (%d files)        %s, %s gzipped\n", a.JSFiles, mb(a.JSRaw), mb(a.JSGzip))
		for _, c := range a.ColdStart {
			if c.Err == "" {
				w("  desktop cold start, %-30s first bound call after %d ms (median of %d)\n", c.DB+":", c.SinceLaun.Median.Milliseconds(), c.Runs)
			}
		}
		if a.ColdNote != "" {
			w("  desktop cold start: %s\n", a.ColdNote)
		}
		if m := a.Mem; m != nil {
			w("  after the first page of %s contacts: Go heap in use %s, RSS %s (first page %s ms cold)\n",
				thousands(m.Contacts), mb(int64(m.HeapInuse)), mb(int64(m.RSS)), f1(m.FirstPage))
		}
		if s := a.Serve; s != nil {
			w("  banlist-test serve after GET /api/v1/contacts: RSS %s\n", mb(int64(s.RSS)))
		}
		if f := a.FirstRow; f != nil && f.Err == "" {
			w("  first report row in Chromium: median %d ms; JS before it %d KB gzipped (%d files)\n", f.Median.Milliseconds(), f.JSGzipKB, f.JSFiles)
		}
	}
	if r.P5 != nil {
		p5Table(w, r.P5)
	}
	for _, p := range r.Problems {
		w("\nPROBLEM: %s\n", p)
	}
	return b.String()
}

// Markdown renders docs/BENCHMARKS.md.
func Markdown(r *Report, prev *Report) string {
	var b strings.Builder
	w := func(f string, a ...any) { fmt.Fprintf(&b, f, a...) }
	m := r.Machine
	w("# Benchmarks at scale\n\n")
	w("Written by `make bench` (bench/cmd/banlist-bench); the text around the figures lives in\n`bench/report.go`, so edit it there. ")
	w("Every figure below was measured by the run described here; the last column of each table is\nthe run before it on the same machine, to show the noise between runs.\n\n")
	w("## Machine and run\n\n")
	w("| | |\n| --- | --- |\n")
	w("| Date | %s |\n", m.Date)
	w("| Command | `%s` |\n", m.Command)
	w("| CPU | %s, `nproc` = %d |\n", m.CPUModel, m.CPUs)
	w("| Memory (`free -h`) | %s |\n", strings.ReplaceAll(firstLines(m.Free, 2), "\n", "<br>"))
	w("| Go | %s |\n", m.GoVersion)
	w("| Kernel | %s |\n", m.Kernel)
	w("| SQLite | app: %s (modernc.org/sqlite, pure Go, through the project's driver `backend/store/sqlitedriver` under GORM's glebarez/sqlite dialect); reference: `%s` %s (Debian's C build) |\n", m.SQLiteApp, SQLiteCLI, m.SQLiteCLI)
	w("| Whole run | %s |\n\n", r.Elapsed.Round(time.Second))
	if prev != nil {
		w("Previous run: %s. %s\n\n", prev.Machine.Date, noise(r, prev))
	}
	remeasured(w, r)

	summary(&b, r)
	if len(r.P1) > 0 {
		p1(&b, r, prev)
	}
	if r.P2 != nil {
		p2(&b, r, prev)
	}
	if len(r.P3) > 0 {
		p3(&b, r, prev)
	}
	p3Share(&b, r)
	if r.P4 != nil {
		p4(&b, r, prev)
	}
	if r.P5 != nil {
		p5(&b, r)
	}
	if r.PG != nil {
		pgSection(&b, r, prev)
	}
	left(&b, r)
	if len(r.Problems) > 0 {
		w("## Problems in this run\n\n")
		for _, p := range r.Problems {
			w("- %s\n", p)
		}
		w("\n")
	}
	return b.String()
}

// noise describes how much the P1 medians moved since the previous run.
func noise(r, prev *Report) string {
	var ch []float64
	for _, q := range r.P1 {
		if p := prevQuery(prev, q.Key); p != nil && p.Ours.Median >= time.Millisecond && q.Ours.Median >= time.Millisecond {
			ch = append(ch, 100*(ms(q.Ours.Median)/ms(p.Ours.Median)-1))
		}
	}
	if len(ch) == 0 {
		return ""
	}
	sort.Float64s(ch)
	abs := make([]float64, len(ch))
	for i, c := range ch {
		abs[i] = max(c, -c)
	}
	sort.Float64s(abs)
	return fmt.Sprintf("Run-to-run noise on this virtual machine: the P1 medians of a millisecond or more moved by %.0f%% (median of |change|) "+
		"between the two runs, from %+.0f%% to %+.0f%%; sub-millisecond calls move more, by a larger share. Read smaller differences as noise.",
		abs[len(abs)/2], ch[0], ch[len(ch)-1])
}

func firstLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	return strings.Join(lines[:min(n, len(lines))], "\n")
}

func summary(b *strings.Builder, r *Report) {
	w := func(f string, a ...any) { fmt.Fprintf(b, f, a...) }
	w("## Targets\n\n| Target | Measured | Met |\n| --- | --- | --- |\n")
	for _, q := range r.P1 {
		if !q.Targeted {
			continue
		}
		w("| P1 %s: under 50 ms | %s ms | %s |\n", q.Label, f1(q.Ours.Median), yes(q.Ours.Median < targetPage))
		if q.Ratio() > 0 {
			w("| P1 %s: at most 2× sqlite3 | %.2f× (%s vs %s ms) | %s |\n", q.Label, q.Ratio(), f1(q.Ours.Median), f1(q.Raw), yes(q.Ratio() <= targetRatio))
		}
	}
	if r.Insert != nil && r.Insert.Large > 0 {
		raw := ""
		if r.Insert.LargeRaw > 0 {
			raw = fmt.Sprintf(" (sqlite3: %s/s)", thousands(int64(r.Insert.RawPerSecond())))
		}
		w("| P1 contacts import into the %s-contact file: at least 20,000 contacts/s | %s/s%s | %s |\n",
			thousands(int64(r.Dataset.Contacts)), thousands(int64(r.Insert.PerSecond())), raw, yes(r.Insert.PerSecond() >= 20_000))
	}
	if r.P2 != nil {
		best := 0.0
		for _, h := range r.P2.HTTP {
			best = max(best, h.RPS)
		}
		if best > 0 {
			w("| P2 HTTP check: at least 20,000 req/s on %d cores | %s req/s | %s |\n", r.Machine.CPUs, thousands(int64(best)), yes(best >= targetRPS))
		}
		for _, p := range r.P2.Propagation {
			w("| P2 ban by another process visible to Check, %s: at most 1 s | max %s ms, median %s ms | %s |\n",
				p.Mode, f1(p.Latency.Max), f1(p.Latency.Median), yes(p.Missed == 0 && p.Latency.Max <= targetPropagat))
		}
	}
	for _, x := range r.P3 {
		w("| P3 %d writer process(es): 0 errors, 0 lost | %d errors, %d lost | %s |\n", x.Procs, x.Errors, x.Lost, yes(x.Errors == 0 && x.Lost == 0))
	}
	firstRowTargets(w, r)
	if r.P5 != nil {
		p5Targets(w, r.P5)
	}
	if r.PG != nil {
		pgTargets(w, r.PG)
	}
	w("\n")
}
