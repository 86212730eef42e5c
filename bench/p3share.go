package bench

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"banlist/backend/sharetest"
)

// shareWriters are the process counts of P3 on the share.
var shareWriters = []int{1, 2, 4}

// runShareWriters is P3 on a network share that passes no locks: the file
// lives in one folder served by a private sshd and is reached through two
// sshfs mounts (sharetest), writer i through mount i%2, with the dot-file
// lock shared mode uses there. Needs root; without it the part is reported
// as a problem with the reason.
func runShareWriters(ctx context.Context, opts Options, tmp string, problem func(string, error)) []WriterResult {
	if why := sharetest.Usable(); why != "" {
		problem("P3 on the share", fmt.Errorf("skipped: %s", why))
		return nil
	}
	sh, err := sharetest.Start(filepath.Join(tmp, "share"))
	if err != nil {
		problem("P3 on the share", err)
		return nil
	}
	defer sh.Close()
	var out []WriterResult
	for _, n := range shareWriters {
		opts.Logf("P3 share: %d writer process(es) through two sshfs mounts for %s", n, opts.WriterDur)
		res, err := writersOn(ctx, opts.Self, []string{sh.A, sh.B}, n, opts.WriterDur)
		if err != nil {
			problem(fmt.Sprintf("P3 share %d writers", n), err)
			continue
		}
		opts.Logf("P3 share %d: %.0f ops/s p50 %.1f ms p99 %.1f ms errors %d lost %d", n, res.OpsPerSec, ms(res.Latency.Median), ms(res.Latency.P99), res.Errors, res.Lost)
		out = append(out, res)
	}
	return out
}

// p3ShareTable is the console table of P3 on the share beside local disk.
func p3ShareTable(r *Report) string {
	if len(r.P3Share) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("\nP3 on a network share (two sshfs mounts, dot-file lock) beside local disk\n  procs  share ops/s  p50 ms  p99 ms  errors lost unacked   local ops/s  p99 ms\n")
	for _, x := range r.P3Share {
		lo, lp := "–", "–"
		if l := prevWriters(r, x.Procs); l != nil {
			lo, lp = fmt.Sprintf("%.0f", l.OpsPerSec), f1(l.Latency.P99)
		}
		fmt.Fprintf(&b, "  %5d %12.0f %7s %7s %7d %4d %7d %13s %7s\n", x.Procs, x.OpsPerSec, f1(x.Latency.Median), f1(x.Latency.P99), x.Errors, x.Lost, x.Unacked, lo, lp)
	}
	return b.String()
}

// p3Share is the Markdown section of P3 on the share.
func p3Share(b *strings.Builder, r *Report) {
	if len(r.P3Share) == 0 {
		return
	}
	w := func(f string, a ...any) { fmt.Fprintf(b, f, a...) }
	w("## P3 on a network share — writers through two mounts\n\n")
	w("The same writers as P3, on a file that a private sshd on loopback serves to two sshfs mounts of one folder " +
		"(`cache=no,direct_io`): writer *i* opens it through mount *i* mod 2, as two machines would. sshfs passes no POSIX lock " +
		"between the mounts, so shared mode locks with SQLite's `unix-dotfile` VFS (a `<db>.lock` folder) and every commit also writes " +
		"and removes the lock-owner file (docs/SHARED.md). Loopback has no network latency: a real share adds its round trips to every " +
		"lock, read and sync.\n\n")
	w("| Processes | Operations | ops/s | p50 ms | p99 ms | max ms | Errors | Lost | Unacked | Local disk ops/s | Local p99 ms |\n")
	w("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, x := range r.P3Share {
		lo, lp := "–", "–"
		if l := prevWriters(r, x.Procs); l != nil {
			lo, lp = fmt.Sprintf("%.0f", l.OpsPerSec), f1(l.Latency.P99)
		}
		w("| %d | %s | %.0f | %s | %s | %s | %d | %d | %d | %s | %s |\n", x.Procs, thousands(int64(x.Ops)), x.OpsPerSec,
			f1(x.Latency.Median), f1(x.Latency.P99), f1(x.Latency.Max), x.Errors, x.Lost, x.Unacked, lo, lp)
	}
	for _, x := range r.P3Share {
		if x.FirstErr != "" {
			w("\n%d processes, first error: `%s`\n", x.Procs, x.FirstErr)
		}
	}
	w("\n")
}
