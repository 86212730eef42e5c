package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"banlist/backend/clock"
	"banlist/backend/store"
)

const migrateUsage = "banlist migrate --from FILE.db --to postgres://USER@HOST:PORT/DB?sslmode=… [--force] [--shared]"

// runMigrate is `banlist migrate`: it copies a team's SQLite file into a
// PostgreSQL database (docs/TEAMS.md). The target is migrated to the current
// schema first; a target that already holds data is refused unless --force,
// which replaces it. Either everything is copied and verified, or nothing.
func runMigrate(ctx context.Context, args []string, env Env) error {
	fs := newFlagSet("banlist migrate", env)
	from := fs.String("from", "", "the SQLite database file to copy (it is brought to the current schema first)")
	to := fs.String("to", "", "the PostgreSQL database to copy into: postgres://user@host:port/db?sslmode=…")
	force := fs.Bool("force", false, "replace whatever the target database holds")
	shared := fs.Bool("shared", false, "the file is on a network share (rollback journal instead of WAL)")
	if err := parse(fs, args); err != nil {
		return err
	}
	switch {
	case *from == "" || *to == "":
		return fmt.Errorf("%w: say what to copy where: %s", ErrUsage, migrateUsage)
	case store.IsServerDSN(*from):
		return fmt.Errorf("%w: --from must be an SQLite file; copying from a server is not supported", ErrUsage)
	case !store.IsServerDSN(*to):
		return fmt.Errorf("%w: --to must be a postgres:// or postgresql:// address, not %q", ErrUsage, *to)
	}
	// Never create the source: a mistyped name would copy an empty database.
	if st, err := os.Stat(*from); err != nil {
		return fmt.Errorf("migrate from %s: %w", *from, err)
	} else if st.IsDir() {
		return fmt.Errorf("migrate from %s: it is a folder, not a database file", *from)
	}
	src, err := store.Open(ctx, store.Options{Path: *from, Shared: *shared, Clock: clock.System{}})
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := store.Open(ctx, store.Options{Path: *to, Clock: clock.System{}})
	if err != nil {
		return err
	}
	defer dst.Close()
	rep, err := store.Copy(ctx, src, dst, store.CopyOptions{Force: *force})
	if err != nil {
		if errors.Is(err, store.ErrTargetNotEmpty) {
			return fmt.Errorf("migrate to %s: %w", dst.Path, err)
		}
		return fmt.Errorf("migrate %s to %s: %w (nothing was written)", *from, dst.Path, err)
	}
	printMigrateReport(env.Stdout, *from, dst.Path, rep)
	return nil
}

// printMigrateReport writes what was copied, one line per table.
func printMigrateReport(w io.Writer, from, to string, rep store.CopyReport) {
	fmt.Fprintf(w, "copied %s to %s in %s\n", from, to, rep.Took.Round(time.Millisecond))
	if rep.Replaced {
		fmt.Fprintln(w, "the target's previous data was replaced (--force)")
	}
	width := len("total")
	var total int64
	for _, t := range rep.Tables {
		width = max(width, len(t.Table))
		total += t.Rows
	}
	for _, t := range rep.Tables {
		fmt.Fprintf(w, "  %-*s %12d\n", width, t.Table, t.Rows)
	}
	fmt.Fprintf(w, "  %-*s %12d\n", width, "total", total)
	fmt.Fprintln(w, "row counts verified on the target; the file keeps its data and can be kept as a backup")
}
