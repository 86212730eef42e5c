package bench

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// toolTime is how long one run of stmts takes in an engine's own
// command-line tool, the reference P1 compares the app with: (a process that
// runs them once to warm up and then reps more times − a process that only
// warms up) ÷ reps, medians of five processes each. est picks reps (about
// 0.4 s of work). head starts each script (settings as the app has them);
// command makes the process that reads a script on its stdin.
func toolTime(ctx context.Context, tool string, stmts []string, est time.Duration, head string,
	command func(ctx context.Context) *exec.Cmd) (time.Duration, string) {
	if len(stmts) == 0 {
		return 0, "no SQL"
	}
	body := strings.Join(stmts, ";\n") + ";\n"
	reps := int(min(max(400*time.Millisecond/max(est, time.Microsecond), 1), 300))
	dir, err := os.MkdirTemp("", "banlist-raw-")
	if err != nil {
		return 0, err.Error()
	}
	defer os.RemoveAll(dir)
	write := func(name string, n int) (string, error) {
		var b strings.Builder
		b.WriteString(head)
		for i := 0; i < n; i++ {
			b.WriteString(body)
		}
		f := filepath.Join(dir, name)
		return f, os.WriteFile(f, []byte(b.String()), 0o600)
	}
	warm, err := write("warm.sql", 1)
	if err != nil {
		return 0, err.Error()
	}
	timed, err := write("timed.sql", 1+reps)
	if err != nil {
		return 0, err.Error()
	}
	run := func(script string) (time.Duration, error) {
		f, err := os.Open(script)
		if err != nil {
			return 0, err
		}
		defer f.Close()
		cmd := command(ctx)
		cmd.Stdin = f
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		t := time.Now()
		if err := cmd.Run(); err != nil {
			return 0, fmt.Errorf("%v: %s", err, strings.TrimSpace(stderr.String()))
		}
		return time.Since(t), nil
	}
	var base, full []time.Duration
	for i := 0; i < 5; i++ {
		b, err := run(warm)
		if err != nil {
			return 0, tool + ": " + err.Error()
		}
		f, err := run(timed)
		if err != nil {
			return 0, tool + ": " + err.Error()
		}
		base, full = append(base, b), append(full, f)
	}
	d := (Summarize(full).Median - Summarize(base).Median) / time.Duration(reps)
	if d <= 0 {
		return 0, "below the noise of process start"
	}
	return d, ""
}
