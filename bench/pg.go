package bench

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"maps"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	// The pgx database/sql driver, registered as "pgx".
	_ "github.com/jackc/pgx/v5/stdlib"

	"banlist/backend/clock"
	"banlist/backend/service"
	"banlist/backend/store"
)

// PGResults is P1 and P2 on a PostgreSQL server (issue 14): the report's
// calls on the same million contacts, with psql running the same statements
// as the reference, and a ban by another process reaching Check.
type PGResults struct {
	Server      string        `json:"server"` // PostgreSQL's version
	Load        time.Duration `json:"load"`   // banlist migrate of the P1 file to the server
	P1          []QueryResult `json:"p1"`
	Propagation *PropResult   `json:"propagation,omitempty"`
}

// runPostgres starts a throwaway server (.ci/postgres.sh), copies the P1
// file into it as `banlist migrate` does, and measures.
func runPostgres(ctx context.Context, opts Options, tmp string, ds *Dataset, problem func(string, error)) *PGResults {
	logf := opts.Logf
	dir := filepath.Join(tmp, "pg")
	// The server runs as the postgres user, which must reach its folder.
	if err := os.Chmod(tmp, 0o755); err != nil {
		problem("PG setup", err)
		return nil
	}
	server, err := startPostgres(ctx, opts.Root, dir)
	if err != nil {
		problem("PG start the server", err)
		return nil
	}
	defer stopPostgres(opts.Root, dir)
	res := &PGResults{}
	if ds != nil {
		dsn, err := createDatabase(ctx, server, "banlist_p1")
		if err != nil {
			problem("PG create database", err)
			return res
		}
		res.P1, res.Server, res.Load, err = pgReport(ctx, ds, dsn, logf)
		if err != nil {
			problem("PG P1", err)
		}
	}
	// P2: the check bans of P2, copied to the server, and two processes.
	checkFile := filepath.Join(tmp, "check-pg.db")
	if _, err := CheckDB(ctx, checkFile, opts.CheckBans, time.Now()); err != nil {
		problem("PG P2 generate bans", err)
		return res
	}
	dsn, err := createDatabase(ctx, server, "banlist_p2")
	if err == nil {
		_, err = copyToServer(ctx, checkFile, dsn, clock.System{})
	}
	if err != nil {
		problem("PG P2 copy", err)
		return res
	}
	pr, err := Propagation(ctx, opts.Self, dsn, false, opts.Trials)
	if err != nil {
		problem("PG P2 propagation", err)
		return res
	}
	pr.Mode = "PostgreSQL (LISTEN/NOTIFY)"
	logf("PG P2 propagation: median %.0f ms max %.0f ms (%d trials, %d missed)", ms(pr.Latency.Median), ms(pr.Latency.Max), pr.Trials, pr.Missed)
	res.Propagation = &pr
	return res
}

// pgReport copies ds to dsn and times P1's calls there.
func pgReport(ctx context.Context, ds *Dataset, dsn string, logf func(string, ...any)) ([]QueryResult, string, time.Duration, error) {
	logf("PG: copying the %d-contact file to the server", ds.Contacts)
	load, err := copyToServer(ctx, ds.Path, dsn, clock.NewFixed(Epoch))
	if err != nil {
		return nil, "", 0, err
	}
	logf("PG: copied in %s", load.Round(time.Second))
	db, err := store.Open(ctx, store.Options{Path: dsn, Clock: clock.NewFixed(Epoch)})
	if err != nil {
		return nil, "", load, err
	}
	defer db.Close()
	var version string
	_ = db.Raw(`SHOW server_version`).Scan(&version).Error
	rec, err := NewRecorder(db.DB)
	if err != nil {
		return nil, version, load, err
	}
	svc := service.New(ctx, db, nil)
	defer svc.Close()
	out, errs := measureCases(ctx, rec, reportCases(svc, db, ds.Probes), func(stmts []string, est time.Duration) (time.Duration, string) {
		return psqlTime(ctx, dsn, stmts, est)
	}, "PG P1", logf)
	if len(errs) > 0 {
		return out, version, load, errs[0]
	}
	return out, version, load, nil
}

// copyToServer copies the SQLite file at path into the empty database dsn
// with store.Copy (what banlist migrate runs) and returns how long it took.
func copyToServer(ctx context.Context, path, dsn string, clk clock.Clock) (time.Duration, error) {
	src, err := store.Open(ctx, store.Options{Path: path, Clock: clk})
	if err != nil {
		return 0, err
	}
	defer src.Close()
	dst, err := store.Open(ctx, store.Options{Path: dsn, Clock: clk})
	if err != nil {
		return 0, err
	}
	defer dst.Close()
	start := time.Now()
	if _, err := store.Copy(ctx, src, dst, store.CopyOptions{}); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

func startPostgres(ctx context.Context, root, dir string) (string, error) {
	cmd := exec.CommandContext(ctx, "bash", ".ci/postgres.sh", "start", dir)
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%v: %s", err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(string(out)), nil
}

func stopPostgres(root, dir string) {
	cmd := exec.Command("bash", ".ci/postgres.sh", "stop", dir)
	cmd.Dir = root
	_ = cmd.Run()
}

// createDatabase makes database name on the server and returns its DSN.
func createDatabase(ctx context.Context, server, name string) (string, error) {
	admin, err := sql.Open("pgx", server)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name+` TEMPLATE template0 ENCODING 'UTF8'`); err != nil {
		return "", err
	}
	u, err := url.Parse(server)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

// psqlTime runs stmts in psql on dsn (toolTime), with the session settings
// the store's sessions have (store.PostgresSessionDefaults).
func psqlTime(ctx context.Context, dsn string, stmts []string, est time.Duration) (time.Duration, string) {
	psql, err := exec.LookPath("psql")
	if err != nil {
		return 0, "psql not installed"
	}
	head := "\\set ON_ERROR_STOP 1\n\\o /dev/null\n"
	for _, k := range slices.Sorted(maps.Keys(store.PostgresSessionDefaults)) {
		head += "SET " + k + " = " + store.PostgresSessionDefaults[k] + ";\n"
	}
	return toolTime(ctx, "psql", stmts, est, head, func(ctx context.Context) *exec.Cmd {
		return exec.CommandContext(ctx, psql, "-X", "-q", "-d", dsn)
	})
}
