// Package clock gives the rest of the backend one injectable source of time,
// so that tests decide what "now" is.
package clock

import (
	"sync"
	"time"
)

// Clock returns the current time. Every service takes one instead of calling
// time.Now directly.
type Clock interface {
	Now() time.Time
}

// System is the real wall clock, in UTC.
type System struct{}

// Now returns the current time in UTC.
func (System) Now() time.Time { return time.Now().UTC() }

// Fixed is a settable clock for tests. The zero value is not useful; use NewFixed.
type Fixed struct {
	mu  sync.Mutex
	now time.Time
}

// NewFixed returns a clock that reports t (in UTC) until it is moved.
func NewFixed(t time.Time) *Fixed { return &Fixed{now: t.UTC()} }

// Now returns the clock's current time.
func (f *Fixed) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// Advance moves the clock forward by d.
func (f *Fixed) Advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

// Set moves the clock to t.
func (f *Fixed) Set(t time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = t.UTC()
}
