package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"banlist/backend/clock"
	"banlist/backend/contacts"
	"banlist/backend/service"
	"banlist/backend/store"
)

// SQLiteCLI is the sqlite3 command-line tool the report queries are
// compared with (Debian's sqlite3 package).
const SQLiteCLI = "/usr/bin/sqlite3"

// QueryResult is one report query: how long the app takes (service layer,
// as both doors call it) and how long the same SQL takes in sqlite3.
type QueryResult struct {
	Key        string        `json:"key"`
	Label      string        `json:"label"`
	Total      int64         `json:"total"`      // matching contacts (Page.Total)
	Ours       Dist          `json:"ours"`       // wall time per call, in process
	Raw        time.Duration `json:"raw"`        // the same statements in sqlite3, per run
	RawNote    string        `json:"rawNote"`    // why Raw is missing
	Statements []string      `json:"statements"` // what the call ran
	Targeted   bool          `json:"targeted"`   // the issue sets a target for it
	// DefaultCache is Ours again with SQLite's default 2 MiB page cache
	// instead of the 64 MiB that store.DSN sets: what that setting buys.
	DefaultCache Dist `json:"defaultCache"`
}

// Ratio is ours ÷ raw, or 0 if raw is unknown.
func (q QueryResult) Ratio() float64 {
	if q.Raw <= 0 {
		return 0
	}
	return float64(q.Ours.Median) / float64(q.Raw)
}

// RunReport measures the report queries on ds.
func RunReport(ctx context.Context, ds *Dataset, logf func(string, ...any)) ([]QueryResult, []error) {
	// A fixed clock at the generation epoch: the generated active bans are
	// active, whatever today's date.
	db, err := store.Open(ctx, store.Options{Path: ds.Path, Clock: clock.NewFixed(Epoch)})
	if err != nil {
		return nil, []error{err}
	}
	defer db.Close()
	rec, err := NewRecorder(db.DB)
	if err != nil {
		return nil, []error{err}
	}
	svc := service.New(ctx, db, nil)
	defer svc.Close()

	cases := reportCases(svc, db, ds.Probes)
	out, errs := measureCases(ctx, rec, cases, func(stmts []string, est time.Duration) (time.Duration, string) {
		return rawTime(ctx, db.Path, stmts, est)
	}, "P1", logf)
	calls := map[string]func(context.Context) (int64, error){}
	for _, c := range cases {
		calls[c.key] = c.call
	}
	// The same calls with SQLite's default 2 MiB page cache (one connection:
	// the pragma applies to every later statement).
	if err := db.Exec("PRAGMA cache_size=-2000").Error; err != nil {
		return out, append(errs, err)
	}
	for i := range out {
		if strings.HasPrefix(out[i].Key, "before-") {
			continue
		}
		call := calls[out[i].Key]
		runs, err := timeRuns(2, 15, 3, 2*time.Second, func() error { _, err := call(ctx); return err })
		if err != nil {
			errs = append(errs, fmt.Errorf("%s with a 2 MiB cache: %w", out[i].Key, err))
			continue
		}
		out[i].DefaultCache = Summarize(runs)
		logf("P1 %-14s with cache_size 2 MiB: %8.2f ms", out[i].Key, ms(out[i].DefaultCache.Median))
	}
	return out, errs
}

// reportCase is one call of the report that P1 times.
type reportCase struct {
	key, label string
	targeted   bool
	call       func(context.Context) (int64, error)
}

// reportCases are P1's calls on svc (whose database is db), with the
// dataset's probes. The "before-" cases time statements of the past, on
// SQLite only.
func reportCases(svc *service.Service, db *store.DB, p Probes) []reportCase {
	list := func(q contacts.Query) func(context.Context) (int64, error) {
		return func(ctx context.Context) (int64, error) {
			page, err := svc.ListContacts(ctx, q)
			return page.Total, err
		}
	}
	cases := []reportCase{
		{"first-page", "Report, first page (newest first, defaults)", true, list(contacts.Query{})},
		{"page-500", "Report, page 500", true, list(contacts.Query{Page: 500})},
		{"search-ip", fmt.Sprintf("Search an exact IP (%s)", p.IP), true, list(contacts.Query{Search: p.IP})},
		{"search-name", fmt.Sprintf("Search a name fragment (%q)", p.Name), true, list(contacts.Query{Search: p.Name})},
		{"search-email", fmt.Sprintf("Search an email fragment (%q)", p.Email), true, list(contacts.Query{Search: p.Email})},
		{"blocked-only", "Blocked only", true, list(contacts.Query{BlockedOnly: true})},
		{"get-contact", fmt.Sprintf("GetContact (#%d, a blocked abuser)", p.ContactID), true, func(ctx context.Context) (int64, error) {
			d, err := svc.GetContact(ctx, p.ContactID)
			return d.ContactsFromIP, err
		}},
		{"search-common", fmt.Sprintf("Search a common fragment (%q)", p.NameCommon), false, list(contacts.Query{Search: p.NameCommon})},
		{"search-short", fmt.Sprintf("Search 2 letters (%q: no trigram; the newest 10,000 contacts)", p.Short), true, list(contacts.Query{Search: p.Short})},
		{"search-short-1", "Search 1 letter (\"a\": the newest 10,000 contacts)", true, list(contacts.Query{Search: "a"})},
		{"agents", "ListAgents (the agent filter, loaded with the report)", false, func(ctx context.Context) (int64, error) {
			a, err := svc.ListAgents(ctx)
			return int64(len(a)), err
		}},
		{"before-search", fmt.Sprintf("Before this change: search %q as the old LIKE scan", p.Name), false, func(ctx context.Context) (int64, error) {
			return before(ctx, db, oldSearch, likeArgs(p.Name))
		}},
		{"before-blocked", "Before this change: blocked only as the old IN over the bans join", false, func(ctx context.Context) (int64, error) {
			return before(ctx, db, oldBlocked, []any{Epoch.UnixMilli()})
		}},
	}
	// Every order the report offers, both ways, at page 500 (an index walk
	// past 12,475 rows: the deepest page anyone pages to by hand).
	for _, key := range []string{"visitorName", "email", "ip", "agent", "channel", "durationSec", "startedAt"} {
		for _, desc := range []bool{false, true} {
			dir := "A→Z"
			if desc {
				dir = "Z→A"
			}
			cases = append(cases, reportCase{key: fmt.Sprintf("sort-%s-%v", key, desc), label: fmt.Sprintf("Sort by %s %s, page 500", key, dir),
				targeted: true, call: list(contacts.Query{Sort: key, Desc: desc, Page: 500})})
		}
	}
	if db.Engine != store.SQLite {
		kept := cases[:0]
		for _, c := range cases {
			if !strings.HasPrefix(c.key, "before-") {
				kept = append(kept, c)
			}
		}
		cases = kept
	}
	return cases
}

// measureCases times each case in process, captures the statements it runs
// and times them again in the engine's own command-line tool (raw).
func measureCases(ctx context.Context, rec *Recorder, cases []reportCase, raw func([]string, time.Duration) (time.Duration, string),
	tag string, logf func(string, ...any)) ([]QueryResult, []error) {
	var out []QueryResult
	var errs []error
	for _, c := range cases {
		var total int64
		// Warm up as the reference does: sqlite3 runs the statements
		// hundreds of times in one process, so its figure is the call with
		// every cache of the CPU warm; two calls leave ours colder.
		if err := warmFor(warmUp, func() error { _, err := c.call(ctx); return err }); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", c.key, err))
			continue
		}
		// At least 21 calls, and calls for at least timedFor: a page of a
		// third of a millisecond gets hundreds of samples, so one garbage
		// collection or scheduler hiccup does not move its median.
		runs, err := timeRuns(0, 2000, 21, timedFor, func() error {
			n, err := c.call(ctx)
			total = n
			return err
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", c.key, err))
			continue
		}
		stmts, err := rec.Capture(ctx, func(ctx context.Context) error { _, err := c.call(ctx); return err })
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", c.key, err))
			continue
		}
		r := QueryResult{Key: c.key, Label: c.label, Total: total, Ours: Summarize(runs), Statements: stmts, Targeted: c.targeted}
		r.Raw, r.RawNote = raw(stmts, r.Ours.Median)
		logf("%s %-14s ours %8.2f ms  raw %8.2f ms  (%d statements, total %d)", tag, c.key, ms(r.Ours.Median), ms(r.Raw), len(stmts), total)
		if r.Ours.Median >= targetPage {
			for _, st := range stmts { // what to look at first
				logf("    %s", shorten(strings.Join(strings.Fields(st), " "), 400))
			}
		}
		out = append(out, r)
	}
	return out, errs
}

// rawTime runs stmts in the sqlite3 tool on path (toolTime).
func rawTime(ctx context.Context, path string, stmts []string, est time.Duration) (time.Duration, string) {
	if _, err := os.Stat(SQLiteCLI); err != nil {
		return 0, "sqlite3 not installed"
	}
	// The page cache as store.DSN sets it for the app.
	return toolTime(ctx, "sqlite3", stmts, est, fmt.Sprintf(".output /dev/null\nPRAGMA cache_size=%d;\n", store.CacheSize), func(ctx context.Context) *exec.Cmd {
		return exec.CommandContext(ctx, SQLiteCLI, "-batch", "-bail", path)
	})
}

// InsertCost is what the search index's triggers add to storing contacts,
// and how fast an import adds to a large report.
type InsertCost struct {
	Contacts int           `json:"contacts"`
	With     time.Duration `json:"with"`    // contacts.Store.Insert, schema as migrated
	Without  time.Duration `json:"without"` // the same with the search index's insert trigger dropped
	// Large is the same Insert of Contacts contacts into a copy of the
	// P1 file (a million contacts, every index and the search index).
	Large time.Duration `json:"large"`
	// LargeRaw is sqlite3 storing the same rows into another copy of the
	// P1 file with the app's settings (rawInsert); RawNote says why not.
	LargeRaw time.Duration `json:"large_raw,omitempty"`
	RawNote  string        `json:"raw_note,omitempty"`
}

// RawPerSecond is sqlite3's contacts per second into the large file.
func (ic InsertCost) RawPerSecond() float64 {
	if ic.LargeRaw <= 0 {
		return 0
	}
	return float64(ic.Contacts) / ic.LargeRaw.Seconds()
}

// PerSecond is contacts stored per second into the large file.
func (ic InsertCost) PerSecond() float64 {
	if ic.Large <= 0 {
		return 0
	}
	return float64(ic.Contacts) / ic.Large.Seconds()
}

// MeasureInsert stores n demo-like contacts with contacts.Store.Insert (one
// transaction, as an import does) into a new database, with and without
// the trigger that feeds contacts_fts.
func MeasureInsert(ctx context.Context, dir, large string, n int) (InsertCost, error) {
	res := InsertCost{Contacts: n}
	cs := insertContacts(n)
	if large != "" {
		path := filepath.Join(dir, "insert-large.db")
		if err := copyFile(large, path); err != nil {
			return res, err
		}
		db, err := store.Open(ctx, store.Options{Path: path, Clock: clock.NewFixed(Epoch)})
		if err != nil {
			return res, err
		}
		batch := append([]contacts.Contact(nil), cs...)
		t := time.Now()
		err = contacts.New(db).Insert(ctx, batch)
		res.Large = time.Since(t)
		_ = db.Close()
		if err == nil {
			res.LargeRaw, res.RawNote = rawInsert(ctx, large, path, filepath.Join(dir, "insert-raw.db"))
		}
		removeDB(path)
		if err != nil {
			return res, err
		}
	}
	for _, drop := range []bool{false, true} {
		path := filepath.Join(dir, fmt.Sprintf("insert-%v.db", drop))
		db, err := store.Open(ctx, store.Options{Path: path, Clock: clock.NewFixed(Epoch)})
		if err != nil {
			return res, err
		}
		if drop {
			if err := db.Exec("DROP TRIGGER IF EXISTS contacts_fts_insert").Error; err != nil {
				_ = db.Close()
				return res, err
			}
		}
		batch := append([]contacts.Contact(nil), cs...)
		t := time.Now()
		err = contacts.New(db).Insert(ctx, batch)
		d := time.Since(t)
		_ = db.Close()
		if err != nil {
			return res, err
		}
		if drop {
			res.Without = d
		} else {
			res.With = d
		}
	}
	return res, nil
}

// rawInsert is how long /usr/bin/sqlite3 takes to store the contacts the
// app imported into after (those beyond the large file's last id) into a
// fresh copy of large at path: one process, the app's settings (WAL,
// synchronous NORMAL, the 64 MiB page cache, foreign keys), one
// transaction, the rows read from after attached. The process's whole
// wall time counts, as the app's figure starts from an open, cold file.
func rawInsert(ctx context.Context, large, after, path string) (time.Duration, string) {
	if _, err := os.Stat(SQLiteCLI); err != nil {
		return 0, "sqlite3 not installed"
	}
	if err := copyFile(large, path); err != nil {
		return 0, err.Error()
	}
	defer removeDB(path)
	script := fmt.Sprintf(`.bail on
PRAGMA journal_mode=WAL;
PRAGMA synchronous=NORMAL;
PRAGMA cache_size=%d;
PRAGMA foreign_keys=ON;
ATTACH %s AS src;
BEGIN IMMEDIATE;
INSERT INTO main.contacts SELECT * FROM src.contacts WHERE id > (SELECT max(id) FROM main.contacts);
COMMIT;
`, store.CacheSize, sqlQuote(after))
	cmd := exec.CommandContext(ctx, SQLiteCLI, "-batch", path)
	cmd.Stdin = strings.NewReader(script)
	cmd.Stdout = io.Discard
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	t := time.Now()
	if err := cmd.Run(); err != nil {
		return 0, fmt.Sprintf("sqlite3: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	return time.Since(t), ""
}

func sqlQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// insertContacts makes n demo-like contacts from a fixed seed, as an import
// of a chat platform's export would bring them.
func insertContacts(n int) []contacts.Contact {
	g := &reportGen{r: rand.New(rand.NewPCG(5, 5))}
	for i := 0; i < 50; i++ {
		g.abusers = append(g.abusers, abuser{addr: randomV4(g.r), name: "Abuser", email: "abuser@example.com"})
	}
	g.regulars = []netip.Addr{randomV4(g.r), randomV6(g.r)}
	cs := make([]contacts.Contact, n)
	for i := range cs {
		c := g.contact(i, n)
		ended := time.UnixMilli(c.ended).UTC()
		cs[i] = contacts.Contact{VisitorName: c.name, Email: c.email, IP: c.ip, Channel: c.channel,
			StartedAt: time.UnixMilli(c.started).UTC(), EndedAt: &ended, DurationSec: c.dur, Agent: c.agent,
			Department: c.dept, Messages: c.messages, Country: c.country, UserAgent: c.ua, FirstMessage: c.first}
	}
	return cs
}

// The report's statements before this change (one WHERE clause for count
// and page), for the "before" rows.
const (
	oldSearch  = `(lower(visitor_name) LIKE ? ESCAPE '\' OR lower(email) LIKE ? ESCAPE '\' OR ip LIKE ? ESCAPE '\')`
	oldBlocked = `id IN (SELECT c.id FROM bans b CROSS JOIN contacts c
		WHERE b.removed_at IS NULL AND b.expires_at > ? AND c.ip_key BETWEEN b.lo AND b.hi)`
)

func likeArgs(s string) []any {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	p := "%" + r.Replace(strings.ToLower(s)) + "%"
	return []any{p, p, p}
}

func before(ctx context.Context, db *store.DB, where string, args []any) (int64, error) {
	g := db.WithContext(ctx)
	var total int64
	if err := g.Raw("SELECT count(*) FROM contacts WHERE "+where, args...).Scan(&total).Error; err != nil {
		return 0, err
	}
	var rows []oldRow
	err := g.Raw("SELECT * FROM contacts WHERE "+where+" ORDER BY started_at DESC, id DESC LIMIT 25 OFFSET 0", args...).Scan(&rows).Error
	return total, err
}

// oldRow is a contacts row as the app reads it (contacts.row is unexported).
type oldRow struct {
	ID                               int64
	VisitorName, Email, IP           string
	IPKey                            []byte
	Channel                          string
	StartedAt                        int64
	EndedAt                          *int64
	DurationSec                      int64
	Agent, Department                string
	Messages                         int64
	Rating                           *int64
	Country, UserAgent, FirstMessage string
}

// removeDB deletes the database file at path and its journal, WAL and
// shared-memory files.
func removeDB(path string) {
	for _, s := range []string{"", "-wal", "-shm", "-journal"} {
		_ = os.Remove(path + s)
	}
}

// copyFile copies a database file (checkpointed: no -wal beside it).
func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	// On disk before anything is timed on it: otherwise the kernel writes
	// the copy's 700 MB back while the timed import runs.
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
