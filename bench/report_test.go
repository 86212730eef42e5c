package bench

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"banlist/backend/clock"
	"banlist/backend/service"
	"banlist/backend/store"
)

// BenchmarkReport runs P1's report calls in process on the large report
// file named by $BANLIST_BENCH_LARGE (the cached P1 file; it is only read),
// one sub-benchmark per case, for profiling the Go side of the report with
// -cpuprofile. It skips without that file. The bench's own figures (and the
// sqlite3 reference) come from banlist-bench -parts p1.
func BenchmarkReport(b *testing.B) {
	large := os.Getenv("BANLIST_BENCH_LARGE")
	if large == "" {
		b.Skip("set BANLIST_BENCH_LARGE to the cached 1M-contact file")
	}
	var probes Probes
	if raw, err := os.ReadFile(strings.TrimSuffix(large, ".db") + ".json"); err == nil {
		var ds Dataset
		if json.Unmarshal(raw, &ds) == nil {
			probes = ds.Probes
		}
	}
	ctx := context.Background()
	db, err := store.Open(ctx, store.Options{Path: large, Clock: clock.NewFixed(Epoch)})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	svc := service.New(ctx, db, nil)
	defer svc.Close()
	for _, c := range reportCases(svc, db, probes) {
		if strings.HasPrefix(c.key, "before-") {
			continue
		}
		b.Run(c.key, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := c.call(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
