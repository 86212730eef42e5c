package store_test

import (
	"context"
	"strings"
	"testing"

	"banlist/backend/store"
	"banlist/backend/store/pgtest"
	"banlist/backend/store/storetest"
)

// A value PostgreSQL cannot hold stops the copy with the table named, and
// nothing is written; small batches make the failing row not the first.
func TestCopyOfAnUnstorableValueWritesNothing(t *testing.T) {
	ctx := context.Background()
	src, _ := storetest.Open(t)
	for i, name := range []string{"Ann", "Bo", "Cy\x00d"} {
		fixtureContact(t, src, "192.0.2."+string(rune('1'+i)), name, "", epochMs)
	}
	dst, _ := pgtest.Open(t)
	_, err := store.Copy(ctx, src, dst, store.CopyOptions{BatchRows: 1})
	if err == nil || !strings.Contains(err.Error(), "contacts") {
		t.Fatalf("copy: %v, want an error naming contacts", err)
	}
	var n int64
	if err := dst.Raw(`SELECT count(*) FROM contacts`).Scan(&n).Error; err != nil || n != 0 {
		t.Fatalf("target holds %d contacts after the failed copy (%v)", n, err)
	}
	if _, err := store.Copy(ctx, dst, src, store.CopyOptions{}); err == nil {
		t.Fatal("copied from PostgreSQL into SQLite")
	}
}
