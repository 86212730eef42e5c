package bench

import (
	"fmt"
	"strings"
)

// pgTargets are issue 14's targets on PostgreSQL: every report page under
// 50 ms and check propagation within a second.
func pgTargets(w func(string, ...any), pg *PGResults) {
	for _, q := range pg.P1 {
		if q.Targeted {
			w("| PostgreSQL P1 %s: under 50 ms | %s ms | %s |\n", q.Label, f1(q.Ours.Median), yes(q.Ours.Median < targetPage))
		}
	}
	if p := pg.Propagation; p != nil {
		w("| PostgreSQL P2 ban by another process visible to Check: at most 1 s | max %s ms, median %s ms | %s |\n",
			f1(p.Latency.Max), f1(p.Latency.Median), yes(p.Missed == 0 && p.Latency.Max <= targetPropagat))
	}
}

func prevPG(prev *Report, key string) *QueryResult {
	if prev == nil || prev.PG == nil {
		return nil
	}
	for i := range prev.PG.P1 {
		if prev.PG.P1[i].Key == key {
			return &prev.PG.P1[i]
		}
	}
	return nil
}

// pgSection is the PostgreSQL part of docs/BENCHMARKS.md.
func pgSection(b *strings.Builder, r *Report, prev *Report) {
	w := func(f string, a ...any) { fmt.Fprintf(b, f, a...) }
	pg := r.PG
	w("## P1 and P2 on PostgreSQL\n\n")
	w("The same report calls as P1, through the service layer on PostgreSQL %s (Debian's package, a throwaway server that\n", pg.Server)
	w("the run starts with `.ci/postgres.sh`, default settings), on the same contacts and bans copied there with `store.Copy`\n")
	w("(what `banlist migrate` runs: %s). The reference is `psql` running the statements the call ran, measured like sqlite3\n", secs(pg.Load)+" s")
	w("in P1: a process running them once and then many times, minus one running them once. Both sides run with the session " +
		"settings the app gives every session (`store.PostgresSessionDefaults`: no JIT compilation, no parallel workers).\n\n")
	if len(pg.P1) > 0 {
		w("| Call | Total | ours ms (median) | p90 ms | psql ms | ratio | SQLite ours ms | prev ms |\n")
		w("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
		for _, q := range pg.P1 {
			ratio, raw := "–", f1(q.Raw)
			if q.Ratio() > 0 {
				ratio = fmt.Sprintf("%.2f×", q.Ratio())
			}
			if q.Raw <= 0 && q.RawNote != "" {
				raw = q.RawNote
			}
			lite, pm := "–", "–"
			if s := prevQuery(r, q.Key); s != nil {
				lite = f1(s.Ours.Median)
			}
			if p := prevPG(prev, q.Key); p != nil {
				pm = f1(p.Ours.Median)
			}
			w("| %s | %s | %s | %s | %s | %s | %s | %s |\n", q.Label, thousands(q.Total), f1(q.Ours.Median), f1(q.Ours.P90), raw, ratio, lite, pm)
		}
		w("\n")
	}
	if p := pg.Propagation; p != nil {
		w("Check propagation on PostgreSQL: another process bans an address; this process's Check sees it, woken by the\n")
		w("server's notification (LISTEN/NOTIFY, store/notify.go): median %s ms, max %s ms over %d trials, %d missed.\n\n",
			f1(p.Latency.Median), f1(p.Latency.Max), p.Trials, p.Missed)
	}
}
