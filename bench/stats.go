package bench

import (
	"math"
	"slices"
	"time"
)

// Dist summarizes a set of timings.
type Dist struct {
	N      int           `json:"n"`
	Min    time.Duration `json:"min"`
	Median time.Duration `json:"median"`
	P90    time.Duration `json:"p90"`
	P99    time.Duration `json:"p99"`
	Max    time.Duration `json:"max"`
}

// Summarize sorts ds (in place) and returns its order statistics.
func Summarize(ds []time.Duration) Dist {
	if len(ds) == 0 {
		return Dist{}
	}
	slices.Sort(ds)
	return Dist{N: len(ds), Min: ds[0], Median: Quantile(ds, 0.5), P90: Quantile(ds, 0.9), P99: Quantile(ds, 0.99), Max: ds[len(ds)-1]}
}

// Quantile returns the q-quantile of sorted ds (nearest rank).
func Quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// ms renders d in milliseconds with a precision that suits its size.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// warmUp is how long P1 and the PostgreSQL part call a case before timing it.
const warmUp = 200 * time.Millisecond

// timedFor is how long P1 and the PostgreSQL part keep timing a case once
// it has its 21 samples.
const timedFor = 300 * time.Millisecond

// warmFor calls fn for at least d, and at least twice.
func warmFor(d time.Duration, fn func() error) error {
	start := time.Now()
	for n := 0; n < 2 || time.Since(start) < d; n++ {
		if err := fn(); err != nil {
			return err
		}
	}
	return nil
}

// timeRuns calls fn warm times untimed, then timed until it has runs
// samples or budget is spent (at least minRuns).
func timeRuns(warm, runs, minRuns int, budget time.Duration, fn func() error) ([]time.Duration, error) {
	for i := 0; i < warm; i++ {
		if err := fn(); err != nil {
			return nil, err
		}
	}
	var out []time.Duration
	start := time.Now()
	for len(out) < runs && (len(out) < minRuns || time.Since(start) < budget) {
		t := time.Now()
		if err := fn(); err != nil {
			return nil, err
		}
		out = append(out, time.Since(t))
	}
	return out, nil
}
