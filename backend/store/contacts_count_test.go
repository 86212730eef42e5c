package store_test

import (
	"context"
	"testing"

	"banlist/backend/clock"
	"banlist/backend/store"
)

// The total the report shows is right after inserts, deletes and an
// emptied table: it is a number kept by triggers (steps 055 and 056), which
// must agree with count(*).
func TestContactsCountFollowsEveryChange(t *testing.T) {
	onEngines(t, map[string]func(t *testing.T, db *store.DB, clk *clock.Fixed){
		"count": func(t *testing.T, db *store.DB, _ *clock.Fixed) {
			ctx := context.Background()
			check := func(what string, want int64) {
				t.Helper()
				var got, real int64
				err := db.Write(ctx, func(tx *store.Tx) error {
					var err error
					got, err = tx.CountContacts()
					return err
				})
				if err == nil {
					err = db.Raw(`SELECT count(*) FROM contacts`).Scan(&real).Error
				}
				if err != nil || got != want || real != want {
					t.Fatalf("after %s: CountContacts %d, count(*) %d, want %d (%v)", what, got, real, want, err)
				}
			}
			check("nothing", 0)
			rows := make([]store.Contact, 1200)
			for i := range rows {
				rows[i] = store.Contact{IP: "192.0.2.1", IPKey: make([]byte, 16), StartedAt: int64(i), Channel: "chat"}
			}
			if err := db.Write(ctx, func(tx *store.Tx) error { return tx.InsertContacts(rows) }); err != nil {
				t.Fatal(err)
			}
			check("a bulk insert", 1200)
			if err := db.Exec(`DELETE FROM contacts WHERE started_at < 200`).Error; err != nil {
				t.Fatal(err)
			}
			check("a delete", 1000)
			empty := `DELETE FROM contacts`
			if db.Engine == store.Postgres {
				empty = `TRUNCATE contacts CASCADE`
			}
			if err := db.Exec(empty).Error; err != nil {
				t.Fatal(err)
			}
			check("emptying the table", 0)
		},
	})
}
