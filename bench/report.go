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
	w("| SQLite | app: %s (modernc.org/sqlite through github.com/glebarez/sqlite, pure Go); reference: `%s` %s (Debian's C build) |\n", m.SQLiteApp, SQLiteCLI, m.SQLiteCLI)
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
		w("| P1 contacts import into the %s-contact file: at least 20,000 contacts/s | %s/s | %s |\n",
			thousands(int64(r.Dataset.Contacts)), thousands(int64(r.Insert.PerSecond())), yes(r.Insert.PerSecond() >= 20_000))
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

func p1(b *strings.Builder, r *Report, prev *Report) {
	w := func(f string, a ...any) { fmt.Fprintf(b, f, a...) }
	ds := r.Dataset
	w("## P1 — the contacts report at %s contacts\n\n", thousands(int64(ds.Contacts)))
	w("**Data.** %s contacts over the year before %s, ids in time order (as a chat server logs them), generated from a fixed seed "+
		"(`bench/data.go`) with raw multi-row INSERTs in one transaction into a file made by the app's own migrations "+
		"(indexes and triggers dropped during the load and recreated from their own SQL). "+
		"Names: about 90 first names × syllable surnames (tens of thousands of distinct names); 2%% of contacts are %s repeat abusers; "+
		"38%% come from returning customers' addresses, 20%% IPv6. %s bans: 10%% ranges (IPv4 /24–/28, IPv6 /48–/64), the rest single addresses "+
		"(the abusers' first); %s active at the fixed clock of the run, the others expired or removed. %s contacts (%.1f%%) are covered by an active ban. "+
		"The file is cached in `%s`, keyed by a hash of the schema, so later runs skip the generation (%s s the first time).\n\n",
		thousands(int64(ds.Contacts)), Epoch.Format("2 Jan 2006"), thousands(int64(max(10, ds.Contacts/1000))), thousands(int64(ds.Bans)),
		thousands(int64(ds.Probes.ActiveBans)), thousands(int64(ds.Probes.Blocked)), 100*float64(ds.Probes.Blocked)/float64(ds.Contacts),
		CacheDir(), ds.Probes.GenerateSec)
	w("**Method.** Each row is one call of the service layer (`service.ListContacts`, `GetContact`, `ListAgents`: what both the Wails " +
		"binding and the HTTP handler call), in process, on one open database, with the app's pragmas and a clock fixed at the data's epoch. " +
		"Two warm-up calls, then up to 21 timed calls (at most about 3 s): the median and the 90th percentile. " +
		"**sqlite3** runs *the same statements* the call ran (recorded through GORM callbacks, arguments inlined) in `/usr/bin/sqlite3` on the same file: " +
		"(time of a process that runs them once and then N more times − time of a process that runs them once) ÷ N, medians of 5 processes " +
		"each, so process start-up and the cold page cache cancel out. The output goes to /dev/null. " +
		"Both sides use a 64 MiB page cache (`store.DSN` sets `cache_size(-65536)` for the app; the sqlite3 script starts with the same pragma). " +
		"**2 MiB cache** is the same call again with SQLite's default page cache, to show what the setting buys.\n\n")
	w("| Query | Matches | Ours, median ms | p90 ms | sqlite3 ms | Ours ÷ sqlite3 | With a 2 MiB cache, ms | Previous run, ms |\n")
	w("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, q := range r.P1 {
		pm := "–"
		if p := prevQuery(prev, q.Key); p != nil {
			pm = f1(p.Ours.Median) + " (" + change(ms(q.Ours.Median), ms(p.Ours.Median)) + ")"
		}
		ratio := "–"
		if q.Ratio() > 0 {
			ratio = fmt.Sprintf("%.2f×", q.Ratio())
		} else if q.RawNote != "" {
			ratio = q.RawNote
		}
		label := q.Label
		if !q.Targeted {
			label += " †"
		}
		w("| %s | %s | %s | %s | %s | %s | %s | %s |\n", label, thousands(q.Total), f1(q.Ours.Median), f1(q.Ours.P90), f1(q.Raw), ratio, f1(q.DefaultCache.Median), pm)
	}
	w("\n† not in the issue's list; measured because the report offers it. \"Matches\" is the report's total " +
		"(for GetContact: contacts from the same address; for ListAgents: agents).\n\n")
	w("<details><summary>The statements each call ran</summary>\n\n")
	for _, q := range r.P1 {
		w("**%s**\n\n```sql\n", q.Label)
		for _, s := range q.Statements {
			w("%s;\n", shorten(strings.Join(strings.Fields(s), " "), 400))
		}
		w("```\n\n")
	}
	w("</details>\n\n")
	if len(r.P1) > 0 {
		if st, err := Storage(ds.Path); err == nil {
			storage(b, st)
		}
	}
	if ic := r.Insert; ic != nil {
		pv := ""
		if prev != nil && prev.Insert != nil {
			pv = fmt.Sprintf(" (previous run: %s s and %s s)", secs(prev.Insert.With), secs(prev.Insert.Without))
		}
		w("**Writing contacts.** Storing %s contacts with `contacts.Store.Insert` in one transaction (as an import does) into a new file "+
			"takes %s s with the search index's trigger and %s s without it (+%.0f%%)%s.\n\n",
			thousands(int64(ic.Contacts)), secs(ic.With), secs(ic.Without), 100*(float64(ic.With)/float64(max(ic.Without, 1))-1), pv)
		if ic.Large > 0 {
			w("**Importing into a large report.** The same %s contacts into a copy of this %s-contact file take %s s: %s contacts/s. "+
				"An import sends them 5,000 at a time as one JSON parameter to a single `INSERT … SELECT … FROM json_each(?)`, so the "+
				"search index writes its pending terms once per 5,000 contacts instead of once per 100-row statement.\n\n",
				thousands(int64(ic.Contacts)), thousands(int64(ds.Contacts)), secs(ic.Large), thousands(int64(ic.PerSecond())))
		}
	}
	b.WriteString(p1Design)
}

func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + " …"
}

func storage(b *strings.Builder, st []TableSize) {
	w := func(f string, a ...any) { fmt.Fprintf(b, f, a...) }
	var total, fts int64
	for _, t := range st {
		total += t.Bytes
		if strings.HasPrefix(t.Name, "contacts_fts") {
			fts += t.Bytes
		}
	}
	w("**Storage** of the generated file (sqlite3 `dbstat`): %s in all; the search index (`contacts_fts*`) takes %s, %.0f%% of it.\n\n",
		mb(total), mb(fts), 100*float64(fts)/float64(max(total, 1)))
	w("| Table or index | Size |\n| --- | ---: |\n")
	sort.SliceStable(st, func(i, j int) bool { return st[i].Bytes > st[j].Bytes })
	for _, t := range st {
		if t.Bytes >= 1_000_000 {
			w("| %s | %s |\n", t.Name, mb(t.Bytes))
		}
	}
	w("\n")
}

const p1Design = `### What changed in the schema and in the query, and why

**Search: a trigram index (migration ` + "`0004_contacts_search`" + `).** Before, search was
` + "`lower(visitor_name) LIKE '%x%' OR lower(email) LIKE '%x%' OR ip LIKE '%x%'`" + `: a scan of every
row for the count and again for the page (the "Before this change" row of the table).
Now ` + "`contacts_fts`" + ` is an FTS5 table with the trigram tokenizer over the three searched columns.
It is *contentless* (it keeps only the index, not a copy of the text) and has
` + "`columnsize=0`" + ` (no per-row token counts; they serve only ranking). It indexes the columns as
SQLite's ` + "`lower()`" + ` returns them and matches case-sensitively, so a phrase match of the
lower-cased search is exactly the old LIKE: same ASCII-only case folding, ` + "`%`" + `, ` + "`_`" + ` and ` + "`\\`" + `
literal (` + "`bench/list_test.go`" + ` compares every path of List with the plain LIKE query on 3,000
contacts full of wildcards, quotes and non-ASCII letters). Insert, update and delete triggers
keep it in step; the migration fills it from the existing rows once. Searches shorter than 3
characters have no trigram and still scan (see the † row and "What is left").

**List picks the statement shape** (` + "`backend/store/contactlist.go`" + `) instead of one generic WHERE
clause that SQLite, which has no statistics (nothing runs ANALYZE), planned poorly:

- *No filter*: ` + "`count(*)`" + ` and a walk down the ` + "`contacts_started`" + ` index (page 500 just walks further).
- *Search or blocked-only*: first fetch up to *k* matching ids, *k* ≈ √((offset+size) × contacts),
  1,000–20,000. If there are no more, they are the total and the page is read by id. Otherwise
  matches are common: the total is a ` + "`count(*)`" + ` (from the trigram index, or from the bans join)
  and the page, in date order, comes from walking the date index newest first and keeping the
  matching rows, which stops after about (offset+size) × contacts ÷ matches rows. The walk is
  bounded; if the matches lie further back than expected it gives way to sorting all of them.
- *Blocked only*: the old ` + "`id IN (bans × contacts)`" + ` had SQLite build a set of every blocked id and
  look each one up (its "Before this change" row). Now the count is ` + "`count(*)`" + ` over the same join (each active
  ban range-scans ` + "`contacts_ip_key`" + `), less the pairs of bans nested inside another active ban
  (CIDR blocks nest or are disjoint; List reads the active bans' spans, merges them in Go and
  falls back to the plain query if two ever overlap otherwise). The page walk tests each
  contact's ` + "`ip_key`" + ` against the merged spans in memory (binary search), 512 rows at a time.
  Migration ` + "`0005_bans_live`" + ` adds the index ` + "`bans(removed_at, lo, hi, expires_at)`" + `: the active bans come
  from it in address order without reading the table, so the range scans move forward through
  ` + "`contacts_ip_key`" + ` (better use of the page cache) and the spans cost no row reads; this took the
  count from about 24 ms to 16 ms here. The statements name their indexes (` + "`INDEXED BY`" + `), because
  without statistics SQLite prefers ` + "`bans_active`" + ` and the table.
- *Filters combined*, or sorts other than the date: one WHERE clause as before.

No index was added to ` + "`contacts`" + `: the date, ip and ip_key indexes of migration 0001 serve every
shape above.

**Trade-offs.** The trigram index makes the file about half as big again (storage table above)
and every contact insert writes some 40 index entries ("Writing contacts" above: an import is
slower; the bulk load of this benchmark fills the index in one pass instead). The exact total is kept, as the UI's pager needs it; it is the
main cost of "blocked only" (all blocked contacts are counted) and of common searches. A
blocked-only page now costs 3 extra small statements when blocked contacts are common.

`

func p2(b *strings.Builder, r *Report, prev *Report) {
	w := func(f string, a ...any) { fmt.Fprintf(b, f, a...) }
	c := r.P2
	w("## P2 — Check at %s active bans\n\n", thousands(int64(c.Bans)))
	w("**In process**, `%s` (the existing benchmarks of package bans: 100,000 active bans, 10%% ranges, IPv4 and IPv6; "+
		"a third of the probes exact hits, a third inside ranges, a third misses):\n\n", c.GoBenchNote)
	w("| Benchmark | ns/op | B/op | allocs/op | Previous run, ns/op |\n| --- | ---: | ---: | ---: | ---: |\n")
	for _, g := range c.GoBench {
		pv := "–"
		if prev != nil && prev.P2 != nil {
			for _, p := range prev.P2.GoBench {
				if p.Name == g.Name {
					pv = fmt.Sprintf("%s (%s)", nsop(p.NsPerOp), change(g.NsPerOp, p.NsPerOp))
				}
			}
		}
		w("| %s | %s | %s | %s | %s |\n", g.Name, nsop(g.NsPerOp), thousands(int64(g.BytesPerOp)), thousands(int64(g.AllocsPerOp)), pv)
	}
	w("\n**Over HTTP**: a new database with %s active bans drawn the same way (`bench.CheckDB`), served by %s on 127.0.0.1; "+
		"a Go client in the benchmark process keeps N keep-alive connections busy with `GET /api/v1/check?ip=…` over 4,096 probe addresses "+
		"(same mix), 1 s of warm-up, then the measured window. Client and server share the same %d cores, so the figure is what the "+
		"machine does with both.\n\n", thousands(int64(c.Bans)), serverName(c), r.Machine.CPUs)
	w("| Connections | Requests | req/s | p50 ms | p99 ms | max ms | Errors | Blocked answers | Previous run, req/s |\n")
	w("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, h := range c.HTTP {
		pv := "–"
		if prev != nil && prev.P2 != nil {
			for _, p := range prev.P2.HTTP {
				if p.Concurrency == h.Concurrency {
					pv = fmt.Sprintf("%s (%s)", thousands(int64(p.RPS)), change(h.RPS, p.RPS))
				}
			}
		}
		w("| %d | %s | %s | %s | %s | %s | %d | %s | %s |\n", h.Concurrency, thousands(int64(h.Requests)), thousands(int64(h.RPS)),
			f1(h.Latency.Median), f1(h.Latency.P99), f1(h.Latency.Max), h.Errors, thousands(int64(h.Blocked)), pv)
	}
	w("\n**A ban made by another process**: this process opens the file and runs `bans.Service` with its watcher (`Start`), as the app does; " +
		"a child process (`banlist-bench banner`) bans a new address on the same file and prints the wall-clock time when `BanIP` returned. " +
		"This process polls `Check` every 0.5 ms; the figure is the time from that return to the first `Check` that says blocked. " +
		"Trials are spaced 50–350 ms apart at random, so they sample the whole 250 ms polling cycle.\n\n")
	w("| Journal | Trials | Missed | Median ms | p90 ms | Max ms | Previous run, median / max ms |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, p := range c.Propagation {
		pv := "–"
		if prev != nil && prev.P2 != nil {
			for _, q := range prev.P2.Propagation {
				if q.Mode == p.Mode {
					pv = f1(q.Latency.Median) + " / " + f1(q.Latency.Max)
				}
			}
		}
		w("| %s | %d | %d | %s | %s | %s | %s |\n", p.Mode, p.Trials, p.Missed, f1(p.Latency.Median), f1(p.Latency.P90), f1(p.Latency.Max), pv)
	}
	w("\nThe delay is the watcher's 250 ms `PRAGMA data_version` poll plus one reload of the index " +
		"(`BenchmarkIndexLoad` above: every active ban is read again after any change).\n\n")
}

func serverName(c *CheckResults) string {
	for _, h := range c.HTTP {
		if h.Server != "" {
			return h.Server
		}
	}
	return "the app"
}

func p3(b *strings.Builder, r *Report, prev *Report) {
	w := func(f string, a ...any) { fmt.Fprintf(b, f, a...) }
	w("## P3 — several processes writing one shared file\n\n")
	w("Each writer is a separate OS process (`banlist-bench writer`) that opens the same new file with " +
		"`store.Options{Shared: true}` (rollback journal, `synchronous=FULL`), runs the ban watcher as the app does, waits until all " +
		"writers are ready, then for a fixed time bans a new address of its own (40%%), renews one of its active bans (30%%) " +
		"or unbans one (30%%), back to back, through `bans.Service`. It prints one line per operation that returned successfully. " +
		"Afterwards every acknowledged operation is checked in the file: the ban row with its address and author, its renewal count, " +
		"its removal, and one `ban_events` row per operation. **Lost** counts acknowledged operations missing from the file; " +
		"**unacked** counts changes in the file that no process acknowledged (an operation reported as failed that committed anyway). " +
		"The file is on the local disk here; on a network share each commit costs a round trip more.\n\n")
	w("| Processes | Operations | ops/s | p50 ms | p99 ms | max ms | Errors | Lost | Unacked | Previous run, ops/s |\n")
	w("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, x := range r.P3 {
		pv := "–"
		if p := prevWriters(prev, x.Procs); p != nil {
			pv = fmt.Sprintf("%.0f (%s)", p.OpsPerSec, change(x.OpsPerSec, p.OpsPerSec))
		}
		w("| %d | %s | %.0f | %s | %s | %s | %d | %d | %d | %s |\n", x.Procs, thousands(int64(x.Ops)), x.OpsPerSec,
			f1(x.Latency.Median), f1(x.Latency.P99), f1(x.Latency.Max), x.Errors, x.Lost, x.Unacked, pv)
	}
	for _, x := range r.P3 {
		if x.FirstErr != "" {
			w("\n%d processes, first error: `%s`\n", x.Procs, x.FirstErr)
		}
	}
	var worst time.Duration
	for _, x := range r.P3 {
		worst = max(worst, x.Latency.Max)
	}
	w("\nSQLite lets one writer at a time commit, so the total stays about flat as processes are added and each operation "+
		"waits longer. The waiting is not fair: a process that keeps committing back to back can hold the file while another's "+
		"busy handler sleeps in growing steps, so a few operations wait far longer than the rest (the worst here: %s ms). "+
		"The busy timeout (5 s) and the bans package's retries absorb it without errors.\n\n", f1(worst))
}

func p4(b *strings.Builder, r *Report, prev *Report) {
	w := func(f string, a ...any) { fmt.Fprintf(b, f, a...) }
	a := r.P4
	w("## P4 — the app\n\n| What | Measured | Previous run |\n| --- | ---: | ---: |\n")
	for _, bin := range a.Binaries {
		pv := "–"
		if prev != nil && prev.P4 != nil {
			for _, p := range prev.P4.Binaries {
				if p.Path == bin.Path {
					pv = mb(p.Size)
				}
			}
		}
		what := "test/serve binary (`go build`)"
		if bin.Path == "build/bin/banlist" {
			what = "desktop binary (`wails build -trimpath -s -skipbindings`, as `make test-desktop` builds it)"
		}
		w("| `%s`, %s | %s | %s |\n", bin.Path, what, mb(bin.Size), pv)
	}
	pjs := "–"
	if prev != nil && prev.P4 != nil {
		pjs = mb(prev.P4.JSGzip)
	}
	w("| Frontend JS, `frontend/dist/assets/*.js` (%d files), gzipped (level 6) | %s (%s raw) | %s |\n", a.JSFiles, mb(a.JSGzip), mb(a.JSRaw), pjs)
	for _, c := range a.ColdStart {
		if c.Err != "" {
			w("| Desktop cold start, %s | failed: %s | |\n", c.DB, c.Err)
			continue
		}
		pv := "–"
		if prev != nil && prev.P4 != nil {
			for _, p := range prev.P4.ColdStart {
				if p.DB == c.DB {
					pv = fmt.Sprintf("%d ms", p.SinceLaun.Median.Milliseconds())
				}
			}
		}
		w("| Desktop cold start to the first bound call (`%s`), %s: median of %d (min–max) | %d ms (%d–%d) | %s |\n", c.Method, c.DB, c.Runs,
			c.SinceLaun.Median.Milliseconds(), c.SinceLaun.Min.Milliseconds(), c.SinceLaun.Max.Milliseconds(), pv)
	}
	if a.ColdNote != "" {
		w("| Desktop cold start | not measured: %s | |\n", a.ColdNote)
	}
	if m := a.Mem; m != nil && len(a.ColdStart) > 1 && a.ColdStart[1].Err == "" {
		w("| Desktop cold start to the first report page on %s contacts, estimated: first bound call + a cold first `ListContacts` (below) | %d ms | |\n",
			thousands(m.Contacts), (a.ColdStart[1].SinceLaun.Median + m.FirstPage).Milliseconds())
	}
	if m := a.Mem; m != nil {
		pm := func(f func(*MemResult) string) string {
			if prev != nil && prev.P4 != nil && prev.P4.Mem != nil {
				return f(prev.P4.Mem)
			}
			return "–"
		}
		w("| Fresh process on %s contacts: open + migrate-check + start the service | %s ms | %s |\n", thousands(m.Contacts), f1(m.OpenTime),
			pm(func(p *MemResult) string { return f1(p.OpenTime) + " ms" }))
		w("| … first `ListContacts` (cold: loads the ban index, cold page cache) | %s ms | %s |\n", f1(m.FirstPage),
			pm(func(p *MemResult) string { return f1(p.FirstPage) + " ms" }))
		w("| … first `ListAgents` (the report's agent filter) | %s ms | %s |\n", f1(m.Agents), pm(func(p *MemResult) string { return f1(p.Agents) + " ms" }))
		w("| … Go heap in use (`runtime.MemStats.HeapInuse`) after the first page | %s | %s |\n", mb(int64(m.HeapInuse)),
			pm(func(p *MemResult) string { return mb(int64(p.HeapInuse)) }))
		w("| … the same after `runtime.GC()` | %s | %s |\n", mb(int64(m.HeapInuseGC)), pm(func(p *MemResult) string { return mb(int64(p.HeapInuseGC)) }))
		w("| … process RSS (`VmRSS`) after the first page | %s | %s |\n", mb(int64(m.RSS)), pm(func(p *MemResult) string { return mb(int64(p.RSS)) }))
		w("| … of which outside the Go runtime (RSS − `MemStats.Sys`: SQLite's page cache lives in modernc's own allocator) | %s | |\n", mb(int64(m.NonGoEstimate)))
	}
	if s := a.Serve; s != nil {
		pv := "–"
		if prev != nil && prev.P4 != nil && prev.P4.Serve != nil {
			pv = mb(int64(prev.P4.Serve.RSS))
		}
		w("| `banlist-test serve` on the same file, RSS after one `GET /api/v1/contacts` (%s ms) | %s | %s |\n", f1(s.FirstPage), mb(int64(s.RSS)), pv)
	}
	firstRowRows(w, a, prev)
	w("\n**Cold start** follows `.ci/smoke-desktop.sh`: the wails-built binary under a private Xvfb, started fresh each time " +
		"(the OS file cache is warm: the binary and the database were just read), until the app logs `first bound call … since_launch_ms=N` " +
		"(its own clock, from `main` starting); the table gives N. That call is the frontend's first request, made as soon as the page has " +
		"mounted; the report's first page arrives one `ListContacts` later (the cold figure in the rows below it). " +
		"The memory rows come from a child process (`banlist-bench appmem`) that opens the big file exactly as the app does " +
		"(`store.Open`, `service.New` with its ban watcher) and loads the default report page.\n\n")
	if a.FirstRow != nil {
		w(firstRowNote)
	}
}

func left(b *strings.Builder, r *Report) {
	w := func(f string, a ...any) { fmt.Fprintf(b, f, a...) }
	w("## Where targets are missed, and what is left\n\n")
	missed := false
	var slow []string
	for _, q := range r.P1 {
		if !q.Targeted {
			continue
		}
		if q.Ours.Median >= targetPage {
			missed = true
			w("- **%s** takes %s ms, %.0f%% over 50 ms.", q.Label, f1(q.Ours.Median), 100*(ms(q.Ours.Median)/ms(targetPage)-1))
			if q.Key == "blocked-only" {
				w(" Most of it is the exact total: every one of the %s blocked contacts is counted through one `contacts_ip_key` range scan per active ban "+
					"(%s active bans); sqlite3 itself needs %s ms for the same statements. Reading the active bans' spans for the merge is the next largest part.",
					thousands(q.Total), thousands(int64(r.Dataset.Probes.ActiveBans)), f1(q.Raw))
			}
			w("\n")
		}
		if q.Ratio() > targetRatio {
			missed = true
			slow = append(slow, fmt.Sprintf("%s %.1f× (%s vs %s ms)", q.Label, q.Ratio(), f1(q.Ours.Median), f1(q.Raw)))
		}
	}
	if len(slow) > 0 {
		w("- **More than 2× sqlite3**: %s. The statements are the same (recorded from the call). The difference is the engine: "+
			"modernc.org/sqlite is SQLite's C translated to Go and runs CPU-bound work (b-tree seeks, FTS5 doclist merges, LIKE) "+
			"about 1.5–3× slower than the C build; add GORM's reflection per statement and row. Only a cgo driver would close that, "+
			"which this project avoids (pure Go, cross-compiled builds). Below a millisecond (GetContact) the fixed cost per call and "+
			"per statement dominates. Blocked only also does work in Go that sqlite3 does not (merging the spans of the active bans, "+
			"testing each walked contact against them).\n", strings.Join(slow, "; "))
	}
	if !missed {
		w("- Every P1 target is met.\n")
	}
	var cache []string
	for _, q := range r.P1 {
		if q.Targeted && q.DefaultCache.Median > 0 {
			cache = append(cache, fmt.Sprintf("%s %s ms (2 MiB: %s ms)", q.Label, f1(q.Ours.Median), f1(q.DefaultCache.Median)))
		}
	}
	w("- **Page cache.** The app sets a 64 MiB page cache in `store.DSN` (SQLite's default is 2 MiB, with which at a million "+
		"contacts most pages come from the OS on every query): %s. The memory grows only as pages are read.\n", strings.Join(cache, "; "))
	firstRowLeft(w, r)
	b.WriteString(leftText)
}

const leftText = `- **ListAgents** (the agent filter, loaded with the report) hops through the ` + "`contacts_agent`" + `
  index with a recursive query, one seek per agent, instead of ` + "`SELECT DISTINCT`" + ` walking the whole index.
- **Searches of 1–2 characters** have no trigram. They look through the first 10,000 contacts in the
  report's order (the newest, by default) along that order's index, one pass reading each contact's id
  and whether it matches, and the page and its count come from that window; the API says so
  (` + "`partial`, `scanned`" + `) and the report tells the supervisor to type a third character to search
  everything. Scanning all contacts took 750 ms at a million.
- **Sorting**: every order the report offers (date, name, email, IP, agent, channel, duration) has its own
  index (migration 0601), so a page in any order, either way, is an index walk. The API no longer offers
  the three orders the UI never did (messages, department, country), which would sort every contact.
- **Blocked only** counts every blocked contact exactly, for the pager. If a much larger blocklist makes
  that too slow, cap the total ("more than 10,000") in the API and the UI together.
- **Propagation** is the 250 ms poll plus applying the change to the ban index: the bans that the new
  events touched are read and laid over the index (package bans, ` + "`delta.go`" + `); a full reload
  (` + "`BenchmarkIndexLoad`" + `) happens only past 4,096 changed addresses or a clock that went back.
- **Upgrading an existing database**: migration 0004 indexes the contacts already stored, in one write
  transaction. Filling the index is about half of this benchmark's generation time (30 s or so per million
  contacts on this machine). Meanwhile other processes on a shared file wait for the lock; past their busy
  timeout (5 s) they report the file as locked until it is done. Small databases (the demo's 2,000 contacts)
  take milliseconds.
- P2's HTTP figure has client and server on the same 2 cores; a chat server calls from another machine.
- Every figure here is on a local disk. A shared file on a network share adds a round trip per
  lock and per page read not in the cache; run ` + "`make bench`" + ` with ` + "`BANLIST_BENCH_CACHE`" + ` and
  ` + "`TMPDIR`" + ` on the share to measure it.
`
