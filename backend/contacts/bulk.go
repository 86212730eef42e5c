package contacts

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"banlist/backend/store"
)

// Bulk inserts.
//
// An import writes tens of thousands of contacts into a file that may hold a
// million, and every contact also goes into the search index (contacts_fts,
// through its trigger) and the report's indexes. FTS5 writes its pending
// terms out at the end of every statement, so many small INSERT statements
// leave many small index segments to write and merge. insertJSON sends up to
// bulkBatch contacts as one JSON parameter and inserts them with a single
// INSERT … SELECT over json_each: one statement, one flush, and no per-row
// parameter binding.

// bulkBatch is how many contacts one INSERT … SELECT json_each carries.
const bulkBatch = 5000

const bulkInsert = `INSERT INTO contacts(visitor_name, email, ip, ip_key, channel, started_at, ended_at,
	duration_sec, agent, department, messages, rating, country, user_agent, first_message)
	SELECT v->>0, v->>1, v->>2, unhex(v->>3), v->>4, v->>5, v->>6, v->>7, v->>8, v->>9, v->>10, v->>11, v->>12, v->>13, v->>14
	FROM (SELECT value AS v FROM json_each(?) ORDER BY key)`

// jsonSafe reports whether s survives a trip through JSON and SQLite's
// JSON functions byte for byte: valid UTF-8 without NUL.
func jsonSafe(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

func (r *row) jsonSafe() bool {
	for _, s := range []string{r.VisitorName, r.Email, r.Channel, r.Agent, r.Department, r.Country, r.UserAgent, r.FirstMessage} {
		if !jsonSafe(s) {
			return false
		}
	}
	return true
}

// insertJSON inserts rows (all jsonSafe) with one statement and writes the
// assigned ids back. The rows take consecutive rowids: SQLite gives each new
// row max(rowid)+1, and the write lock keeps anyone else from inserting
// between them; the count check below proves it.
func insertJSON(tx *store.Tx, rows []row) error {
	vals := make([][15]any, len(rows))
	for i, r := range rows {
		vals[i] = [15]any{r.VisitorName, r.Email, r.IP, hex.EncodeToString(r.IPKey), r.Channel, r.StartedAt, r.EndedAt,
			r.DurationSec, r.Agent, r.Department, r.Messages, r.Rating, r.Country, r.UserAgent, r.FirstMessage}
	}
	doc, err := json.Marshal(vals)
	if err != nil {
		return err
	}
	res := tx.Gorm().Exec(bulkInsert, string(doc))
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != int64(len(rows)) {
		return fmt.Errorf("bulk insert stored %d of %d contacts", res.RowsAffected, len(rows))
	}
	var last, n int64
	if err := tx.Gorm().Raw(`SELECT last_insert_rowid()`).Scan(&last).Error; err != nil {
		return err
	}
	first := last - int64(len(rows)) + 1
	if err := tx.Gorm().Raw(`SELECT count(*) FROM contacts WHERE id BETWEEN ? AND ?`, first, last).Scan(&n).Error; err != nil {
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
