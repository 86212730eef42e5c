// Package cli parses banlist's command line, opens the database it names and
// starts the requested door: the desktop window (supplied by package main,
// which owns the Wails bindings) or the HTTP server.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"banlist/backend/actor"
	"banlist/backend/clock"
	"banlist/backend/demo"
	"banlist/backend/service"
	"banlist/backend/settings"
	"banlist/backend/store"
)

// ErrUsage marks a command-line mistake; main exits with status 2 for it.
var ErrUsage = errors.New("usage error")

// Env is what package main hands to Run.
type Env struct {
	// UI is the built frontend.
	UI fs.FS
	// Desktop opens the window on svc and blocks until it closes.
	Desktop func(svc *service.Service) error
	Stdout  io.Writer
	Stderr  io.Writer
	Getenv  func(string) string
}

const usage = `banlist — block abusive chat customers by IP address.

Usage:
  banlist [--db PATH] [--shared] [--no-demo]          open the desktop app
  banlist serve [--addr 127.0.0.1:8080] [--db PATH]    serve the UI and API to a browser
        [--host NAME]… [--allow-database-switch]        (see SECURITY.md)
  banlist import contacts FILE [--db PATH]             add contacts from FILE.csv or FILE.json (docs/IMPORT.md)
  banlist export bans [--status all] [--db PATH]       write the blacklist as CSV to stdout
  banlist token add NAME --role supervisor|agent|check make an API token for banlist serve (printed once)
  banlist token list | token delete NAME               list or revoke API tokens
  banlist bouncer add|list|delete [NAME] [--db PATH]   keys for CrowdSec bouncers (docs/ENFORCEMENT.md)
  banlist migrate --from FILE --to postgres://…        copy a database file to a PostgreSQL server (docs/TEAMS.md)
  banlist help                                         show this text

Database: --db PATH, else $BANLIST_DB, else the last one chosen in
Settings → Database, else %s
`

// DefaultDBPath is where the database lives unless told otherwise.
func DefaultDBPath() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		dir = "."
	}
	return filepath.Join(dir, "banlist", "banlist.db")
}

// dbFlags are the database options every sub-command shares.
type dbFlags struct {
	path         string
	shared       bool
	noDemo       bool
	settingsPath string
	getenv       func(string) string
	settings     *settings.File
}

func (f *dbFlags) register(fs *flag.FlagSet, getenv func(string) string) {
	f.getenv = getenv
	fs.StringVar(&f.path, "db", "", "database file (default: $BANLIST_DB, else the last one chosen in Settings, else "+DefaultDBPath()+")")
	fs.BoolVar(&f.shared, "shared", false, "the file is on a network share used by several machines: rollback journal instead of WAL (env BANLIST_SHARED=1)")
	fs.BoolVar(&f.noDemo, "no-demo", false, "do not load demo contacts into a new empty database")
	fs.StringVar(&f.settingsPath, "settings", "", "settings file (default: $BANLIST_SETTINGS, else "+settings.DefaultPath()+")")
}

// resolve fills the database path and mode: --db, else $BANLIST_DB, else the
// settings file's last choice, else the default path.
func (f *dbFlags) resolve() error {
	if f.settingsPath == "" {
		f.settingsPath = f.getenv("BANLIST_SETTINGS")
	}
	if f.settingsPath == "" {
		f.settingsPath = settings.DefaultPath()
	}
	st, err := settings.Load(f.settingsPath)
	if err != nil {
		return err
	}
	f.settings = st
	if f.getenv("BANLIST_SHARED") == "1" {
		f.shared = true
	}
	switch {
	case f.path != "":
	case f.getenv("BANLIST_DB") != "":
		f.path = f.getenv("BANLIST_DB")
	case st.Get().DBPath != "":
		f.path = st.Get().DBPath
		f.shared = f.shared || st.Get().Shared
	default:
		f.path = DefaultDBPath()
	}
	return nil
}

// open opens the database and, for a new one, loads the demo contacts.
func (f *dbFlags) open(ctx context.Context) (*service.Service, error) {
	if err := f.resolve(); err != nil {
		return nil, err
	}
	clk := clock.System{}
	db, err := store.Open(ctx, store.Options{Path: f.path, Shared: f.shared, Clock: clk, CreateFolder: f.path == DefaultDBPath()})
	if err != nil {
		return nil, err
	}
	loaded := false
	if !f.noDemo {
		if loaded, err = demo.SeedIfEmpty(ctx, db, clk.Now(), demo.DefaultSize); err != nil {
			_ = db.Close()
			return nil, err
		}
	}
	svc := service.New(ctx, db, f.settings)
	if loaded {
		demoCtx := actor.With(ctx, actor.Actor{Name: demo.Supervisor, Source: actor.CLI})
		for _, b := range demo.Blocked() {
			if _, err := svc.BanIP(demoCtx, b.IP, b.Period, b.Notes); err != nil {
				slog.Warn("demo ban", "ip", b.IP, "err", err)
			}
		}
		slog.Info("loaded demo contacts into a new database", "contacts", demo.DefaultSize, "bans", len(demo.Blocked()))
	}
	slog.Info("database open", "path", f.path, "shared", db.Shared, "lock", db.Lock)
	return svc, nil
}

// Run executes the command line args (without the program name).
func Run(ctx context.Context, args []string, env Env) error {
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	if env.Stdout == nil {
		env.Stdout = os.Stdout
	}
	if env.Stderr == nil {
		env.Stderr = os.Stderr
	}
	cmd := ""
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "":
		return runDesktop(ctx, args, env)
	case "serve":
		return runServe(ctx, args, env)
	case "import":
		return runImport(cliActor(ctx), args, env)
	case "export":
		return runExport(cliActor(ctx), args, env)
	case "token":
		return runToken(cliActor(ctx), args, env)
	case "bouncer":
		return runBouncer(cliActor(ctx), args, env)
	case "migrate":
		return runMigrate(cliActor(ctx), args, env)
	case "help":
		fmt.Fprintf(env.Stdout, usage, DefaultDBPath())
		return nil
	default:
		return fmt.Errorf("%w: unknown command %q (try `banlist help`)", ErrUsage, cmd)
	}
}

func newFlagSet(name string, env Env) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %w", ErrUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", ErrUsage, fs.Arg(0))
	}
	return nil
}

func runDesktop(ctx context.Context, args []string, env Env) error {
	var f dbFlags
	fs := newFlagSet("banlist", env)
	f.register(fs, env.Getenv)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := CheckDisplay(env.Getenv); err != nil {
		return err
	}
	svc, err := f.open(ctx)
	if err != nil {
		return err
	}
	defer svc.Close()
	start := time.Now()
	err = env.Desktop(svc)
	slog.Info("desktop closed", "ran", time.Since(start).Round(time.Second))
	return err
}

// ErrNoDisplay is returned instead of letting GTK abort when there is no screen.
var ErrNoDisplay = errors.New("no graphical display: DISPLAY and WAYLAND_DISPLAY are not set. " +
	"Run `banlist serve` and open the printed address in a browser, or start the app inside a desktop session")

// CheckDisplay reports ErrNoDisplay on Linux when no X11 or Wayland display
// is available, so the desktop mode fails with advice instead of a GTK panic.
func CheckDisplay(getenv func(string) string) error {
	if !needsDisplay {
		return nil
	}
	if getenv("DISPLAY") == "" && getenv("WAYLAND_DISPLAY") == "" {
		return ErrNoDisplay
	}
	return nil
}
