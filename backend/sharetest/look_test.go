package sharetest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"banlist/backend/store"
)

// BenchmarkLookForChanges compares, on the sshfs share, what a shared
// process pays every 250 ms to notice another machine's commit: the header's
// change counter read without the lock, or PRAGMA data_version, which takes
// the dot-file lock (a mkdir and an rmdir on the share).
//
//	BANLIST_SHARE_TEST=1 go test -run '^$' -bench LookForChanges ./backend/sharetest/
func BenchmarkLookForChanges(b *testing.B) {
	if os.Getenv("BANLIST_SHARE_TEST") == "" {
		b.Skip("network-share benchmark: set BANLIST_SHARE_TEST=1 (root)")
	}
	if why := Usable(); why != "" {
		b.Skip(why)
	}
	sh, err := Start(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer sh.Close()
	ctx := context.Background()
	db, err := store.Open(ctx, store.Options{Path: filepath.Join(sh.A, "team.db"), Shared: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	b.Run("change-counter", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.ChangeCounter(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("data_version", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.DataVersion(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}
