package store_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"banlist/backend/store"
	"banlist/backend/store/pgtest"
)

var errCovered = errors.New("already covered")

// Two supervisors ban the same address at the same moment, on two
// processes: each checks that no active ban covers it, then inserts. The
// server decides: one transaction is aborted as a serialization failure,
// Write runs it again, and it then sees the other's ban. Exactly one ban.
func TestPostgresDecidesConflictingBans(t *testing.T) {
	dsn := pgtest.DSN(t)
	a, clk := pgtest.OpenDSN(t, dsn)
	b, _ := pgtest.OpenDSN(t, dsn)
	now := clk.Now().UnixMilli()
	key := make([]byte, 16)
	key[15] = 7

	var both sync.WaitGroup // both have checked before either inserts
	both.Add(2)
	var attempts atomic.Int32
	ban := func(db *store.DB, who string) error {
		first := true
		return db.Write(context.Background(), func(tx *store.Tx) error {
			attempts.Add(1)
			var n int64
			if err := tx.Gorm().Raw(`SELECT count(*) FROM bans WHERE lo <= ? AND hi >= ? AND removed_at IS NULL AND expires_at > ?`,
				key, key, now).Scan(&n).Error; err != nil {
				return err
			}
			if first {
				first = false
				both.Done()
				both.Wait()
			}
			if n > 0 {
				return errCovered
			}
			return tx.Gorm().Exec(`INSERT INTO bans(target, is_range, lo, hi, period, notes, created_by, created_at, expires_at)
				VALUES ('192.0.2.7', 0, ?, ?, '1h', '', ?, ?, ?)`, key, key, who, now, now+3_600_000).Error
		})
	}
	errs := make([]error, 2)
	var done sync.WaitGroup
	for i, db := range []*store.DB{a, b} {
		done.Add(1)
		go func() {
			defer done.Done()
			errs[i] = ban(db, []string{"ann", "bo"}[i])
		}()
	}
	done.Wait()
	var bans int64
	if err := a.Raw(`SELECT count(*) FROM bans`).Scan(&bans).Error; err != nil {
		t.Fatal(err)
	}
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, errCovered):
			t.Errorf("the losing ban failed with %v, want it retried and told the address is covered", err)
		}
	}
	if bans != 1 || won != 1 || attempts.Load() < 3 {
		t.Fatalf("%d bans, %d won, %d attempts (errors %v): want one ban, the other retried", bans, won, attempts.Load(), errs)
	}
}
