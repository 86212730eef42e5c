package bench

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"banlist/backend/clock"
	"banlist/backend/contacts"
	"banlist/backend/store"
)

// BenchmarkImportLarge stores 50,000 contacts in one import into a copy of
// the large report file named by $BANLIST_BENCH_LARGE (the cached P1 file,
// ~/.cache/banlist-bench/report-c1000000-….db), for profiling the import
// path with -cpuprofile: the copy is made outside the timer. It skips
// without that file. The bench's own figure is part "insert" of
// banlist-bench.
func BenchmarkImportLarge(b *testing.B) {
	large := os.Getenv("BANLIST_BENCH_LARGE")
	if large == "" {
		b.Skip("set BANLIST_BENCH_LARGE to the cached 1M-contact file")
	}
	ctx := context.Background()
	const n = 50_000
	cs := insertContacts(n)
	var cpu time.Duration
	var wal int64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		path := filepath.Join(b.TempDir(), "large.db")
		if err := copyFile(large, path); err != nil {
			b.Fatal(err)
		}
		db, err := store.Open(ctx, store.Options{Path: path, Clock: clock.NewFixed(Epoch)})
		if err != nil {
			b.Fatal(err)
		}
		batch := append([]contacts.Contact(nil), cs...)
		var r0, r1 syscall.Rusage
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &r0)
		b.StartTimer()
		if err := contacts.New(db).Insert(ctx, batch); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &r1)
		cpu += time.Duration(r1.Utime.Nano() - r0.Utime.Nano() + r1.Stime.Nano() - r0.Stime.Nano())
		if fi, err := os.Stat(path + "-wal"); err == nil {
			wal = fi.Size()
		}
		_ = db.Close()
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "contacts/s")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(wal)/(1<<20), "wal-MiB")
}
