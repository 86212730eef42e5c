// Command banlist-bench runs the benchmarks of docs/BENCHMARKS.md (`make
// bench`): it prints a summary table and rewrites the report. The other
// sub-commands are the child processes it starts itself.
//
//	banlist-bench [-out docs/BENCHMARKS.md] [-parts p1,p2,p3,p3share,p4,p4first,p5,pg] [-save=false]
//	banlist-bench -parts p4first -merge   (measure some parts again, into the last saved run)
//	banlist-bench -render      (rewrite the report from the last saved run)
//	banlist-bench writer|banner|appmem …   (children; not for direct use)
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"banlist/bench"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "banlist-bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
		db := fs.String("db", "", "database file")
		shared := fs.Bool("shared", false, "shared mode")
		name := fs.String("name", "", "operator name")
		index := fs.Int("index", 1, "writer number")
		dur := fs.Duration("dur", 5*time.Second, "how long to write")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		switch args[0] {
		case "writer":
			return bench.Writer(ctx, *db, *name, *index, *dur)
		case "banner":
			return bench.Banner(ctx, *db, *shared)
		case "appmem":
			return bench.AppMem(ctx, *db)
		}
		return fmt.Errorf("unknown sub-command %q", args[0])
	}

	fs := flag.NewFlagSet("banlist-bench", flag.ContinueOnError)
	out := fs.String("out", "docs/BENCHMARKS.md", "Markdown report to write (empty: none)")
	parts := fs.String("parts", "", "comma-separated subset of p1,insert,p2,p3,p3share,p4,p5,pg (default all; insert is P1's import rate alone; p3share and pg need root), or p4first (only P4's first row in the browser)")
	merge := fs.Bool("merge", false, "put the parts measured now into the last saved run (the others keep their figures; the report says so) instead of saving a new run")
	save := fs.Bool("save", true, "keep this run in the cache folder as the latest (for -render and the next run's comparison)")
	nContacts := fs.Int("contacts", 1_000_000, "contacts in the report database")
	nBans := fs.Int("bans", 10_000, "bans in the report database")
	checkBans := fs.Int("check-bans", 100_000, "active bans for the Check benchmarks")
	writerDur := fs.Duration("writer-dur", 5*time.Second, "how long each writer run lasts")
	loadDur := fs.Duration("load-dur", 5*time.Second, "how long each HTTP load level is measured (after 1 s of warm-up)")
	trials := fs.Int("trials", 20, "propagation trials per journal mode")
	command := fs.String("command", "", "the command to name in the report (default: this command line)")
	render := fs.Bool("render", false, "measure nothing: rewrite the report from the last saved run (after editing bench/report.go)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	root, err := repoRoot()
	if err != nil {
		return err
	}
	if *render {
		r, prev, err := bench.LoadResults()
		if err != nil {
			return err
		}
		fmt.Print(bench.Table(r, prev))
		if *out == "" {
			return nil
		}
		path := *out
		if !filepath.IsAbs(path) {
			path = filepath.Join(root, path)
		}
		return os.WriteFile(path, []byte(bench.Markdown(r, prev)), 0o644)
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	if *command == "" {
		*command = strings.Join(os.Args, " ")
	}
	opts := bench.Options{
		Root: root, Self: self, Command: *command,
		Contacts: *nContacts, Bans: *nBans, CheckBans: *checkBans,
		Writers: []int{1, 2, 4, 8}, WriterDur: *writerDur, LoadDur: *loadDur, Trials: *trials,
		Parts: map[string]bool{},
		Logf: func(f string, a ...any) {
			fmt.Fprintf(os.Stderr, "%s  %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(f, a...))
		},
	}
	for _, p := range strings.Split(*parts, ",") {
		if p = strings.TrimSpace(strings.ToLower(p)); p != "" {
			opts.Parts[p] = true
		}
	}
	if *merge && len(opts.Parts) == 0 {
		return fmt.Errorf("-merge needs -parts: which parts to measure again")
	}
	r := bench.Run(ctx, opts)
	var prev *bench.Report
	if *merge {
		last, before, err := bench.LoadResults()
		if err != nil {
			return err
		}
		var names []string
		for p := range opts.Parts {
			names = append(names, p)
		}
		sort.Strings(names)
		r, prev = bench.Merge(last, r, names), before
		if err := bench.SaveMerged(r); err != nil {
			fmt.Fprintln(os.Stderr, "save results:", err)
		}
	} else if *save {
		if prev, err = bench.SaveResults(r); err != nil {
			fmt.Fprintln(os.Stderr, "save results:", err)
		}
	}
	fmt.Print(bench.Table(r, prev))
	if *out != "" {
		path := *out
		if !filepath.IsAbs(path) {
			path = filepath.Join(root, path)
		}
		if err := os.WriteFile(path, []byte(bench.Markdown(r, prev)), 0o644); err != nil {
			return err
		}
		fmt.Fprintln(os.Stderr, "wrote", path)
	}
	if len(r.Problems) > 0 {
		return fmt.Errorf("%d problem(s); see the report", len(r.Problems))
	}
	return nil
}

// repoRoot finds the folder holding go.mod, from the working directory up.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}
