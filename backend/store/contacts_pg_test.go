package store_test

import (
	"context"
	"strings"
	"testing"

	"gorm.io/gorm"

	"banlist/backend/store"
	"banlist/backend/store/pgtest"
)

// On PostgreSQL the report's search is served by the pg_trgm GIN indexes of
// step 0004: the statement ListContacts runs to count a common search's
// matches must be able to use all three (the expressions must be the
// indexed ones). With sequential and plain index scans off, a condition no
// index covers would show as a sequential scan.
func TestPostgresSearchUsesTheTrigramIndexes(t *testing.T) {
	db, _ := pgtest.Open(t)
	insertContacts(t, db, reportData())
	type stmt struct {
		sql  string
		vars []any
	}
	var seen []stmt
	type key struct{}
	capture := func(tx *gorm.DB) {
		if tx.Statement.Context.Value(key{}) != nil {
			seen = append(seen, stmt{tx.Statement.SQL.String(), tx.Statement.Vars})
		}
	}
	if err := db.Callback().Row().After("gorm:row").Register("test:capture", capture); err != nil {
		t.Fatal(err)
	}
	ctx := context.WithValue(context.Background(), key{}, true)
	if _, err := db.ListContacts(ctx, store.ContactQuery{Search: "ana", Desc: true, Limit: 25}); err != nil {
		t.Fatal(err)
	}
	var count *stmt
	for i, s := range seen {
		if strings.HasPrefix(s.sql, "SELECT count(*) FROM contacts WHERE") {
			count = &seen[i]
		}
	}
	if count == nil {
		t.Fatalf("no count of the matches among %q", seen)
	}
	err := db.WithContext(context.Background()).Connection(func(c *gorm.DB) error {
		if err := c.Exec(`SET enable_seqscan = off`).Error; err != nil {
			return err
		}
		if err := c.Exec(`SET enable_indexscan = off`).Error; err != nil {
			return err
		}
		var plan []string
		if err := c.Raw("EXPLAIN "+count.sql, count.vars...).Scan(&plan).Error; err != nil {
			return err
		}
		text := strings.Join(plan, "\n")
		for _, index := range []string{"contacts_search_name", "contacts_search_email", "contacts_search_ip"} {
			if !strings.Contains(text, index) {
				t.Errorf("the search does not use %s:\n%s", index, text)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
