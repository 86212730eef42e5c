package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"banlist/backend/clock"
	"banlist/backend/contacts"
	"banlist/backend/store"
)

// ErrRowsRejected is returned (wrapped) by `banlist import` when the file was
// imported but some of its rows were not; main exits with status 1 for it.
var ErrRowsRejected = errors.New("some rows were rejected")

const importUsage = "banlist import contacts FILE.csv|FILE.json [--db PATH] [--shared]"

// runImport is `banlist import contacts FILE`: it adds the valid rows of a
// CSV or JSON file to the database and lists the rejected ones on stdout.
// docs/IMPORT.md describes the file formats.
func runImport(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 || args[0] == "" || args[0][0] == '-' {
		return fmt.Errorf("%w: say what to import: %s", ErrUsage, importUsage)
	}
	kind, args := args[0], args[1:]
	if kind != "contacts" {
		return fmt.Errorf("%w: cannot import %q: only contacts can be imported (%s)", ErrUsage, kind, importUsage)
	}
	var f dbFlags
	fs := newFlagSet("banlist import contacts", env)
	f.register(fs, env.Getenv)
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	switch len(files) {
	case 0:
		return fmt.Errorf("%w: no file given: %s", ErrUsage, importUsage)
	case 1:
	default:
		return fmt.Errorf("%w: unexpected argument %q: import one file at a time (%s)", ErrUsage, files[1], importUsage)
	}
	path := files[0]
	format, err := contacts.ImportFormatOf(path)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrUsage, err)
	}

	// Open the file before the database, so a mistyped name does not create
	// an empty database file.
	in, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("import %s: %w", path, err)
	}
	defer in.Close()
	if st, err := in.Stat(); err == nil && st.IsDir() {
		return fmt.Errorf("import %s: it is a folder, not a file", path)
	}
	// The store is opened directly, without the demo seeding of dbFlags.open:
	// demo contacts must never be mixed into a database being imported into.
	// resolve picks the same file the other commands would open.
	if err := f.resolve(); err != nil {
		return err
	}
	db, err := store.Open(ctx, store.Options{Path: f.path, Shared: f.shared, Clock: clock.System{}, CreateFolder: f.path == DefaultDBPath()})
	if err != nil {
		return err
	}
	defer db.Close()

	rep, err := contacts.New(db).Import(ctx, in, format, contacts.DefaultImportLimits)
	if err != nil {
		return fmt.Errorf("import %s: %w", path, err)
	}
	printImportReport(env.Stdout, rep, format)
	if rep.RejectedCount > 0 {
		return fmt.Errorf("import %s: %w: imported %d of %d rows; %d rejected",
			path, ErrRowsRejected, rep.Imported, rep.Total, rep.RejectedCount)
	}
	return nil
}

// printImportReport writes the summary line and one line per problem.
func printImportReport(w io.Writer, rep contacts.ImportReport, format contacts.ImportFormat) {
	fmt.Fprintf(w, "imported %d of %d rows; %d rejected\n", rep.Imported, rep.Total, rep.RejectedCount)
	for _, e := range rep.Rejected {
		where := fmt.Sprintf("line %d", e.Line)
		if format == contacts.ImportJSON {
			where += fmt.Sprintf(" (record %d)", e.Record)
		}
		if e.Field != "" {
			fmt.Fprintf(w, "%s: %s: %s\n", where, e.Field, e.Message)
		} else {
			fmt.Fprintf(w, "%s: %s\n", where, e.Message)
		}
	}
	if rep.Truncated {
		fmt.Fprintf(w, "… more problems not listed: only the first %d are shown\n", contacts.MaxRowErrors)
	}
}

// parseInterspersed parses flags that may come before or after the
// positional arguments (`import contacts FILE --db PATH`), which
// flag.FlagSet alone stops at, and returns the positional ones. After "--"
// everything is positional.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrUsage, err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}
