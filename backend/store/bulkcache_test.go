package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"banlist/backend/store"
	"banlist/backend/store/storetest"
)

// TestBulkInsertPutsTheCacheBack checks that the larger page cache of a bulk
// insert (bulkcache.go) lasts only as long as its transaction, committed or
// rolled back: afterwards the connection has the usual 64 MiB again.
func TestBulkInsertPutsTheCacheBack(t *testing.T) {
	storetest.SQLiteOnly(t)
	db, _ := storetest.Open(t)
	ctx := context.Background()
	rows := func() []store.Contact {
		out := make([]store.Contact, 1500)
		for i := range out {
			out[i] = contactRow(fmt.Sprintf("Bulk %d", i), "", "192.0.2.7", "", int64(i))
		}
		return out
	}
	cache := func() int64 {
		var n int64
		if err := db.Raw(`PRAGMA cache_size`).Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}
	if got := cache(); got != -65536 {
		t.Fatalf("cache_size before = %d, want -65536", got)
	}
	var inside int64
	err := db.Write(ctx, func(tx *store.Tx) error {
		if err := tx.InsertContacts(rows()); err != nil {
			return err
		}
		var err error
		inside, err = tx.CacheSize()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if inside != -512<<10 {
		t.Errorf("cache_size during the bulk insert = %d, want %d", inside, -512<<10)
	}
	if got := cache(); got != -65536 {
		t.Errorf("cache_size after COMMIT = %d, want -65536", got)
	}
	boom := errors.New("boom")
	err = db.Write(ctx, func(tx *store.Tx) error {
		if err := tx.InsertContacts(rows()); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Write = %v, want boom", err)
	}
	if got := cache(); got != -65536 {
		t.Errorf("cache_size after ROLLBACK = %d, want -65536", got)
	}
}
