package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"banlist/backend/store"
	"banlist/backend/store/pgtest"
)

// Real server errors map to the same storage faults as SQLite's: a deadlock
// is "busy" (worth retrying, and Write retries it), a read-only transaction
// is "read-only".
func TestPostgresErrorsAreClassified(t *testing.T) {
	ctx := context.Background()
	db, _ := pgtest.Open(t)
	if err := db.Exec(`INSERT INTO settings(key, value) VALUES ('a', '0'), ('b', '0')`).Error; err != nil {
		t.Fatal(err)
	}

	err := db.Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(`SET TRANSACTION READ ONLY`).Error; err != nil {
			return err
		}
		return tx.Exec(`UPDATE settings SET value = '1'`).Error
	})
	if got := store.Classify(err); !errors.Is(got, store.ErrReadOnly) {
		t.Errorf("write in a read-only transaction: %v, want ErrReadOnly", got)
	}

	// Two transactions lock a and b in opposite orders: the server breaks
	// the deadlock by failing one of them.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	locked := make(chan struct{}, 2)
	for i, order := range [][2]string{{"a", "b"}, {"b", "a"}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = db.WriteTx(ctx, func(tx *store.Tx) error {
				if err := tx.Gorm().Exec(`UPDATE settings SET value = '1' WHERE key = ?`, order[0]).Error; err != nil {
					return err
				}
				locked <- struct{}{}
				for len(locked) < 2 {
					time.Sleep(5 * time.Millisecond)
				}
				return tx.Gorm().Exec(`UPDATE settings SET value = '2' WHERE key = ?`, order[1]).Error
			})
		}()
	}
	wg.Wait()
	var failed []error
	for _, err := range errs {
		if err != nil {
			failed = append(failed, err)
		}
	}
	if len(failed) != 1 || !store.IsBusy(failed[0]) {
		t.Fatalf("deadlock: errors %v, want exactly one that IsBusy", errs)
	}
}
