package store

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Bulk inserts.
//
// An import writes tens of thousands of contacts into a file that may hold a
// million, and every contact also goes into the search index (contacts_fts,
// through its trigger) and the report's indexes. FTS5 writes its pending
// terms out at the end of every statement, so many small INSERT statements
// leave many small index segments to write and merge. A batch of up to
// bulkBatch contacts therefore goes in as one JSON parameter and a single
// INSERT … SELECT over it: one statement, one flush, and no per-row
// parameter binding. PostgreSQL reads the same kind of document through
// json_populate_recordset, which also saves a round trip per row.

// bulkBatch is how many contacts one JSON INSERT carries. Inside a
// transaction SQLite copies every page a statement changes into a statement
// journal first (so that the statement alone can be undone), and a batch
// into a large file changes most pages of every contacts index: the fewer
// the statements, the fewer times those pages are copied. Batches of 50,000
// instead of 5,000 took the statement journal from half of the time the
// import spends writing to a fifth (BenchmarkImportLarge, CPU profile:
// 4,809 → 5,257 contacts/s), and the JSON of a batch stays about 15 MB.
const bulkBatch = 50_000

// insertBatch is how many contacts one INSERT statement of bound parameters
// carries, for batches JSON cannot carry: the driver binds parameters in
// time that grows faster than their number, and 100 rows per statement is
// about twice as fast as 500.
const insertBatch = 100

// InsertContacts stores rows inside tx and writes each assigned id into its
// row (any ID given is ignored: ids always come from the database, so a
// retried transaction never reuses ids handed out by a failed attempt). A
// batch holding text that JSON cannot carry byte for byte goes through
// INSERTs of bound parameters instead.
func (tx *Tx) InsertContacts(rows []Contact) error {
	for start := 0; start < len(rows); start += bulkBatch {
		part := rows[start:min(start+bulkBatch, len(rows))]
		safe := true
		for i := range part {
			part[i].ID = 0
			safe = safe && part[i].jsonSafe()
		}
		var err error
		switch {
		case !safe:
			err = tx.g.CreateInBatches(part, insertBatch).Error
		case tx.Engine() == Postgres:
			err = tx.insertJSONPostgres(part)
		default:
			err = tx.insertJSON(part)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

const bulkInsert = `INSERT INTO contacts(visitor_name, email, ip, ip_key, channel, started_at, ended_at,
	duration_sec, agent, department, messages, rating, country, user_agent, first_message)
	SELECT v->>0, v->>1, v->>2, unhex(v->>3), v->>4, v->>5, v->>6, v->>7, v->>8, v->>9, v->>10, v->>11, v->>12, v->>13, v->>14
	FROM (SELECT value AS v FROM json_each(?) ORDER BY key)`

// jsonSafe reports whether s survives a trip through JSON and the engines'
// JSON functions byte for byte: valid UTF-8 without NUL.
func jsonSafe(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

func (c *Contact) jsonSafe() bool {
	for _, s := range []string{c.VisitorName, c.Email, c.IP, c.Channel, c.Agent, c.Department, c.Country, c.UserAgent, c.FirstMessage} {
		if !jsonSafe(s) {
			return false
		}
	}
	return true
}

// insertJSON inserts rows (all jsonSafe) into SQLite with one statement over
// json_each and writes the assigned ids back. The rows take consecutive
// rowids: SQLite gives each new row max(rowid)+1, and the write lock keeps
// anyone else from inserting between them; the count check below proves it.
func (tx *Tx) insertJSON(rows []Contact) error {
	vals := make([][15]any, len(rows))
	for i, r := range rows {
		vals[i] = [15]any{r.VisitorName, r.Email, r.IP, hex.EncodeToString(r.IPKey), r.Channel, r.StartedAt, r.EndedAt,
			r.DurationSec, r.Agent, r.Department, r.Messages, r.Rating, r.Country, r.UserAgent, r.FirstMessage}
	}
	doc, err := json.Marshal(vals)
	if err != nil {
		return err
	}
	res := tx.g.Exec(bulkInsert, string(doc))
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != int64(len(rows)) {
		return fmt.Errorf("bulk insert stored %d of %d contacts", res.RowsAffected, len(rows))
	}
	var last, n int64
	if err := tx.g.Raw(`SELECT last_insert_rowid()`).Scan(&last).Error; err != nil {
		return err
	}
	first := last - int64(len(rows)) + 1
	if err := tx.g.Raw(`SELECT count(*) FROM contacts WHERE id BETWEEN ? AND ?`, first, last).Scan(&n).Error; err != nil {
		return err
	}
	if n != int64(len(rows)) {
		return fmt.Errorf("bulk insert: ids %d…%d are not all new contacts", first, last)
	}
	for i := range rows {
		rows[i].ID = first + int64(i)
	}
	return nil
}

// pgContact is a Contact as json_populate_recordset reads it into the
// contacts row type: the keys are the column names, the bytea as text input.
type pgContact struct {
	ID           int64  `json:"id"`
	VisitorName  string `json:"visitor_name"`
	Email        string `json:"email"`
	IP           string `json:"ip"`
	IPKey        string `json:"ip_key"`
	Channel      string `json:"channel"`
	StartedAt    int64  `json:"started_at"`
	EndedAt      *int64 `json:"ended_at"`
	DurationSec  int64  `json:"duration_sec"`
	Agent        string `json:"agent"`
	Department   string `json:"department"`
	Messages     int64  `json:"messages"`
	Rating       *int64 `json:"rating"`
	Country      string `json:"country"`
	UserAgent    string `json:"user_agent"`
	FirstMessage string `json:"first_message"`
}

// insertJSONPostgres inserts rows (all jsonSafe) into PostgreSQL with one
// statement over json_populate_recordset. Other sessions may insert at the
// same time (PostgreSQL locks rows, not the table), so the ids are taken
// from the identity sequence first, in ascending order, and inserted
// explicitly: each row's id is known without relying on the order in which
// the server evaluates the defaults.
func (tx *Tx) insertJSONPostgres(rows []Contact) error {
	var ids []int64
	if err := tx.g.Raw(`SELECT nextval(pg_get_serial_sequence('contacts', 'id')) FROM generate_series(1, ?)`, len(rows)).
		Scan(&ids).Error; err != nil {
		return err
	}
	if len(ids) != len(rows) {
		return fmt.Errorf("bulk insert: got %d ids for %d contacts", len(ids), len(rows))
	}
	slices.Sort(ids)
	vals := make([]pgContact, len(rows))
	for i, r := range rows {
		vals[i] = pgContact{ID: ids[i], VisitorName: r.VisitorName, Email: r.Email, IP: r.IP, IPKey: `\x` + hex.EncodeToString(r.IPKey),
			Channel: r.Channel, StartedAt: r.StartedAt, EndedAt: r.EndedAt, DurationSec: r.DurationSec, Agent: r.Agent,
			Department: r.Department, Messages: r.Messages, Rating: r.Rating, Country: r.Country, UserAgent: r.UserAgent,
			FirstMessage: r.FirstMessage}
	}
	doc, err := json.Marshal(vals)
	if err != nil {
		return err
	}
	res := tx.g.Exec(`INSERT INTO contacts(id, visitor_name, email, ip, ip_key, channel, started_at, ended_at,
		duration_sec, agent, department, messages, rating, country, user_agent, first_message)
		SELECT id, visitor_name, email, ip, ip_key, channel, started_at, ended_at,
		duration_sec, agent, department, messages, rating, country, user_agent, first_message
		FROM json_populate_recordset(NULL::contacts, ?)`, string(doc))
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != int64(len(rows)) {
		return fmt.Errorf("bulk insert stored %d of %d contacts", res.RowsAffected, len(rows))
	}
	for i := range rows {
		rows[i].ID = ids[i]
	}
	return nil
}
