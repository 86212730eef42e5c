package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// FirstRow is speed as the supervisor feels it (P4): the browser test
// frontend/e2e/speed.test.mjs opens the report in Chromium on
// `banlist-test serve` and reads the "banlist:first-row" performance mark,
// the JavaScript loaded before it, and how often the first page was asked
// for (the test fails unless once per load).
type FirstRow struct {
	Date string `json:"date"`
	Load string `json:"load"` // /proc/loadavg's 1-minute figure before the test
	// Settled is how long the test waited for the machine to go idle.
	Settled  time.Duration   `json:"settled"`
	Runs     []time.Duration `json:"runs"`
	Median   time.Duration   `json:"median"`
	JSFiles  int             `json:"jsFiles"`
	JSRawKB  int             `json:"jsRawKB"`  // KiB, as the test prints them
	JSGzipKB int             `json:"jsGzipKB"` // KiB, gzip level 9
	Err      string          `json:"err,omitempty"`
}

// The targets of issue 12 for the first row and the JavaScript before it.
const (
	targetFirstRow = time.Second
	targetJSGzipKB = 200
)

// Remeasure records parts measured later and merged into a saved run
// (`banlist-bench -parts … -merge`).
type Remeasure struct {
	Date    string   `json:"date"`
	Command string   `json:"command"`
	Parts   []string `json:"parts"`
}

var (
	firstRowLine = regexp.MustCompile(`first row: median (\d+) ms \(runs ([\d, ]+) ms\)`)
	initialJS    = regexp.MustCompile(`initial JS: (\d+) files, (\d+) KB, (\d+) KB gzip`)
)

// RunFirstRow runs the speed test with node against build/bin/banlist-test.
func RunFirstRow(ctx context.Context, root string) *FirstRow {
	res := &FirstRow{Date: time.Now().UTC().Format("2006-01-02 15:04 MST")}
	res.Settled = settle(ctx, 0.9, 30*time.Second)
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(b)); len(f) > 0 {
			res.Load = f[0]
		}
	}
	bin := filepath.Join(root, "build", "bin", "banlist-test")
	if _, err := os.Stat(bin); err != nil {
		res.Err = "build/bin/banlist-test missing: run `make build/bin/banlist-test` (make bench does)"
		return res
	}
	cmd := exec.CommandContext(ctx, "node", "--test", "e2e/speed.test.mjs")
	cmd.Dir = filepath.Join(root, "frontend")
	cmd.Env = append(os.Environ(), "BANLIST_BIN="+bin)
	out, err := cmd.CombinedOutput()
	parsed, perr := ParseFirstRow(string(out))
	if err != nil || perr != nil {
		res.Err = fmt.Sprintf("node --test e2e/speed.test.mjs: %v; %s", errors.Join(err, perr), lastLines(string(out), 8))
		return res
	}
	parsed.Date, parsed.Load = res.Date, res.Load
	return parsed
}

// settle waits, at most max, until the CPUs were idle for at least the
// share idle of a whole second (after flushing written files to disk), so
// that work the bench just finished (its child processes, the kernel
// writing back copies of the large file) does not land in the browser's
// figure. It returns how long it waited.
func settle(ctx context.Context, idle float64, max time.Duration) time.Duration {
	start := time.Now()
	syscall.Sync()
	prevIdle, prevTotal, ok := cpuTimes()
	for ok && time.Since(start) < max {
		select {
		case <-ctx.Done():
			return time.Since(start)
		case <-time.After(time.Second):
		}
		i, t, good := cpuTimes()
		if !good {
			break
		}
		if t > prevTotal && float64(i-prevIdle)/float64(t-prevTotal) >= idle {
			break
		}
		prevIdle, prevTotal = i, t
	}
	return time.Since(start)
}

// cpuTimes is the idle (idle + iowait) and total time of all CPUs in
// /proc/stat, in clock ticks.
func cpuTimes() (idle, total uint64, ok bool) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0, false
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 6 || f[0] != "cpu" {
		return 0, 0, false
	}
	for i, v := range f[1:] {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return 0, 0, false
		}
		total += n
		if i == 3 || i == 4 {
			idle += n
		}
	}
	return idle, total, true
}

// ParseFirstRow reads the figures speed.test.mjs prints.
func ParseFirstRow(out string) (*FirstRow, error) {
	m := firstRowLine.FindStringSubmatch(out)
	j := initialJS.FindStringSubmatch(out)
	if m == nil || j == nil {
		return nil, errors.New("the output has no \"first row: median …\" and \"initial JS: …\" lines")
	}
	res := &FirstRow{}
	for _, s := range strings.Split(m[2], ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return nil, fmt.Errorf("run %q: %w", s, err)
		}
		res.Runs = append(res.Runs, time.Duration(n)*time.Millisecond)
	}
	sort.Slice(res.Runs, func(a, b int) bool { return res.Runs[a] < res.Runs[b] })
	n, _ := strconv.Atoi(m[1])
	res.Median = time.Duration(n) * time.Millisecond
	res.JSFiles, _ = strconv.Atoi(j[1])
	res.JSRawKB, _ = strconv.Atoi(j[2])
	res.JSGzipKB, _ = strconv.Atoi(j[3])
	return res, nil
}

// Merge puts the parts measured in r into last (a saved run) and notes it.
func Merge(last, r *Report, parts []string) *Report {
	if len(r.P1) > 0 {
		last.P1, last.Insert, last.Dataset = r.P1, r.Insert, r.Dataset
	}
	if r.P2 != nil {
		last.P2 = r.P2
	}
	if len(r.P3) > 0 {
		last.P3 = r.P3
	}
	if len(r.P3Share) > 0 {
		last.P3Share = r.P3Share
	}
	if r.P4 != nil {
		if r.P4.Binaries == nil && last.P4 != nil { // p4first alone
			last.P4.FirstRow = r.P4.FirstRow
		} else {
			last.P4 = r.P4
		}
	}
	if r.P5 != nil {
		last.P5 = r.P5
	}
	if r.PG != nil {
		last.PG = r.PG
	}
	last.Problems = append(last.Problems, r.Problems...)
	last.Merged = append(last.Merged, Remeasure{Date: r.Machine.Date, Command: r.Machine.Command, Parts: parts})
	return last
}

// firstRowRows renders FirstRow in P4's table.
func firstRowRows(w func(string, ...any), a *AppResults, prev *Report) {
	f := a.FirstRow
	if f == nil {
		return
	}
	if f.Err != "" {
		w("| First report row in Chromium | failed: %s | |\n", f.Err)
		return
	}
	pv, pjs := "–", "–"
	if prev != nil && prev.P4 != nil && prev.P4.FirstRow != nil && prev.P4.FirstRow.Err == "" {
		pv = fmt.Sprintf("%d ms", prev.P4.FirstRow.Median.Milliseconds())
		pjs = fmt.Sprintf("%d KB", prev.P4.FirstRow.JSGzipKB)
	}
	runs := make([]string, len(f.Runs))
	for i, r := range f.Runs {
		runs[i] = strconv.FormatInt(r.Milliseconds(), 10)
	}
	load := ""
	if f.Load != "" {
		load = ", load average " + f.Load + " before it"
	}
	if f.Settled > 0 {
		load += fmt.Sprintf(", after %.0f s waiting for idle CPUs", f.Settled.Seconds())
	}
	w("| First report row in Chromium (`node --test frontend/e2e/speed.test.mjs`, %s%s): navigation → `banlist:first-row` mark, median of %d loads (each) | %d ms (%s) | %s |\n",
		f.Date, load, len(f.Runs), f.Median.Milliseconds(), strings.Join(runs, ", "), pv)
	w("| … JavaScript loaded before that row: %d files, gzipped (level 9; 1 KB = 1024 bytes) | %d KB (%d KB raw) | %s |\n", f.JSFiles, f.JSGzipKB, f.JSRawKB, pjs)
	w("| … requests for the report's first page, per load | 1 (the test fails otherwise) | |\n")
}

// firstRowNote explains the row under P4's table.
const firstRowNote = "**First row** is the browser's view: the speed test starts `banlist-test serve` on a new database with the demo " +
	"data, opens the report in Debian's Chromium (headless, 1280×860) three times and reads the `banlist:first-row` " +
	"performance mark the report sets when its first row is on screen, counted from navigation. Chromium and the server share " +
	"the machine's cores, so other work on it (the load average is given) shows in the figure and the spread of the loads. " +
	"Before it the bench flushes written files to disk and waits (at most 30 s) for a second in which the CPUs were at least " +
	"90% idle, so the parts measured just before do not run into it (runs up to 1 Dec 2026 11:07 UTC did not wait).\n\n"

// firstRowTargets adds the two targets to the summary.
func firstRowTargets(w func(string, ...any), r *Report) {
	if r.P4 == nil || r.P4.FirstRow == nil || r.P4.FirstRow.Err != "" {
		return
	}
	f := r.P4.FirstRow
	w("| P4 first report row in the browser: at most 1 s | %d ms | %s |\n", f.Median.Milliseconds(), yes(f.Median <= targetFirstRow))
	w("| P4 JavaScript before the first row: at most %d KB gzipped | %d KB | %s |\n", targetJSGzipKB, f.JSGzipKB, yes(f.JSGzipKB <= targetJSGzipKB))
}

// remeasured lists the parts merged in after the run, under its machine table.
func remeasured(w func(string, ...any), r *Report) {
	for _, m := range r.Merged {
		w("Measured later and merged into this run: %s, on %s (`%s`).\n\n", strings.Join(m.Parts, ", "), m.Date, m.Command)
	}
}

// firstRowLeft says, under "what is left", when the first row misses 1 s.
func firstRowLeft(w func(string, ...any), r *Report) {
	if r.P4 == nil || r.P4.FirstRow == nil || r.P4.FirstRow.Err != "" || r.P4.FirstRow.Median <= targetFirstRow {
		return
	}
	f := r.P4.FirstRow
	load := ""
	if f.Load != "" {
		load = fmt.Sprintf(", measured with a load average of %s on %d cores", f.Load, r.Machine.CPUs)
	}
	w("- **First report row** in the browser: median %d ms, over the 1 s target%s; the fastest of the %d loads took %d ms. "+
		"Not yet broken down further (script evaluation, the first `ListContacts`, the render).\n",
		f.Median.Milliseconds(), load, len(f.Runs), f.Runs[0].Milliseconds())
}
