package bench

import (
	"strings"
	"testing"
	"time"
)

// The figures speed.test.mjs prints (as node --test passes them through)
// reach P4's table and the targets; a merged re-measurement is named.
func TestFirstRowIsReadAndRendered(t *testing.T) {
	out := "TAP version 13\n# \\# first row: median 1136 ms (runs 970, 1136, 1843 ms)\n" +
		"# \\# initial JS: 6 files, 632 KB, 196 KB gzip\n# \\# files: index.js\nok 1 - first report row\n"
	f, err := ParseFirstRow(out)
	if err != nil {
		t.Fatal(err)
	}
	if f.Median != 1136*time.Millisecond || len(f.Runs) != 3 || f.Runs[0] != 970*time.Millisecond || f.JSFiles != 6 || f.JSRawKB != 632 || f.JSGzipKB != 196 {
		t.Fatalf("parsed %+v", f)
	}
	if _, err := ParseFirstRow("not ok 1 - first report row\n"); err == nil {
		t.Fatal("output without the figures was accepted")
	}

	f.Date = "2026-12-01 06:30 UTC"
	last := &Report{Machine: Machine{Date: "2026-12-01 05:03 UTC"}, P4: &AppResults{JSFiles: 16, JSGzip: 300_000}}
	r := Merge(last, &Report{Machine: Machine{Date: f.Date, Command: "banlist-bench -parts p4first -merge"}, P4: &AppResults{FirstRow: f}}, []string{"p4first"})
	if r.P4.JSFiles != 16 || r.P4.FirstRow != f {
		t.Fatalf("merge lost the saved P4 or the new row: %+v", r.P4)
	}
	md := Markdown(r, nil)
	for _, want := range []string{
		"| P4 first report row in the browser: at most 1 s | 1136 ms | **no** |",
		"| P4 JavaScript before the first row: at most 200 KB gzipped | 196 KB | yes |",
		"navigation → `banlist:first-row` mark, median of 3 loads (each) | 1136 ms (970, 1136, 1843) |",
		"| … JavaScript loaded before that row: 6 files, gzipped (level 9; 1 KB = 1024 bytes) | 196 KB (632 KB raw) |",
		"Measured later and merged into this run: p4first, on 2026-12-01 06:30 UTC (`banlist-bench -parts p4first -merge`).",
		"Frontend JS, `frontend/dist/assets/*.js` (16 files)",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q", want)
		}
	}
}
