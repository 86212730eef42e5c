// Package bench measures banlist at the sizes the issue "Benchmarks at
// scale" asks about: a report of a million contacts, a hundred thousand
// active bans, several processes writing one shared file, and the app's
// size, start-up time and memory. `make bench` runs it through
// bench/cmd/banlist-bench and writes docs/BENCHMARKS.md.
//
// Everything it generates is deterministic (fixed seeds, a fixed clock), and
// the generated databases are cached under the user's cache folder, keyed by
// the schema the migrations produce, so a rerun starts measuring at once.
package bench

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"banlist/backend/clock"
	"banlist/backend/store"
)

// Epoch is the fixed "now" of every generated database: contacts lie
// before it, and the active bans are active at it. Benchmarks that judge
// "active" open the database with a clock fixed here.
var Epoch = time.Date(2026, time.March, 2, 9, 30, 0, 0, time.UTC)

// genVersion changes whenever the generator's output changes, so cached
// files made by an older generator are not reused.
const genVersion = 4

// Probes are the values the report benchmarks search for, picked by the
// generator so that each has a known, realistic number of matches.
type Probes struct {
	IP          string `json:"ip"`          // an abuser's address with several contacts
	IPMatches   int    `json:"ipMatches"`   // contacts whose address contains IP
	Name        string `json:"name"`        // a surname fragment
	NameCommon  string `json:"nameCommon"`  // a three-letter fragment found in many names
	Email       string `json:"email"`       // a fragment of one customer's mailbox name
	Short       string `json:"short"`       // a two-letter fragment (too short for the trigram index)
	ContactID   int64  `json:"contactId"`   // a contact of a blocked abuser, for GetContact
	Blocked     int    `json:"blocked"`     // contacts whose address an active ban covers
	ActiveBans  int    `json:"activeBans"`  // bans active at Epoch
	RangeBans   int    `json:"rangeBans"`   // bans on ranges (any status)
	GenerateSec string `json:"generateSec"` // how long generation took
}

// Dataset is a generated database file and what is in it.
type Dataset struct {
	Path     string `json:"path"`
	Contacts int    `json:"contacts"`
	Bans     int    `json:"bans"`
	Probes   Probes `json:"probes"`
	Cached   bool   `json:"-"` // true when the file came from the cache
}

// CacheDir is where generated databases are kept between runs:
// $BANLIST_BENCH_CACHE, else the user cache folder + /banlist-bench.
func CacheDir() string {
	if d := os.Getenv("BANLIST_BENCH_CACHE"); d != "" {
		return d
	}
	d, err := os.UserCacheDir()
	if err != nil {
		d = os.TempDir()
	}
	return filepath.Join(d, "banlist-bench")
}

// SchemaVersion is a short hash of the schema the migrations create: the SQL
// of every table, index, trigger and virtual table of a fresh database.
func SchemaVersion(ctx context.Context) (string, error) {
	dir, err := os.MkdirTemp("", "banlist-schema-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	db, err := store.Open(ctx, store.Options{Path: filepath.Join(dir, "s.db"), Clock: clock.NewFixed(Epoch)})
	if err != nil {
		return "", err
	}
	defer db.Close()
	var parts []string
	if err := db.Raw(`SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_master ORDER BY type, name`).
		Scan(&parts).Error; err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(strings.Join(parts, "\n")))
	return hex.EncodeToString(sum[:6]), nil
}

// Contacts returns the cached report database with n contacts and nBans
// bans, generating it first if needed. logf reports progress.
func Contacts(ctx context.Context, n, nBans int, logf func(string, ...any)) (*Dataset, error) {
	ver, err := SchemaVersion(ctx)
	if err != nil {
		return nil, fmt.Errorf("schema version: %w", err)
	}
	dir := CacheDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	base := filepath.Join(dir, fmt.Sprintf("report-c%d-b%d-s%s-g%d", n, nBans, ver, genVersion))
	path, meta := base+".db", base+".json"
	if b, err := os.ReadFile(meta); err == nil {
		var ds Dataset
		if json.Unmarshal(b, &ds) == nil && ds.Path == path {
			if _, err := os.Stat(path); err == nil {
				ds.Cached = true
				return &ds, nil
			}
		}
	}
	logf("generating %d contacts and %d bans into %s (once; later runs reuse it)", n, nBans, path)
	start := time.Now()
	ds, err := generateReport(ctx, path, n, nBans)
	if err != nil {
		return nil, err
	}
	ds.Probes.GenerateSec = fmt.Sprintf("%.1f", time.Since(start).Seconds())
	b, _ := json.MarshalIndent(ds, "", "  ")
	if err := os.WriteFile(meta, b, 0o600); err != nil {
		return nil, err
	}
	logf("generated in %s", time.Since(start).Round(100*time.Millisecond))
	// Files generated for an older schema or generator are of no more use
	// (each is hundreds of megabytes).
	if old, err := filepath.Glob(filepath.Join(dir, "report-*")); err == nil {
		for _, f := range old {
			if !strings.HasPrefix(f, base+".") && !strings.HasPrefix(f, base+"-") {
				_ = os.Remove(f)
			}
		}
	}
	return ds, nil
}
