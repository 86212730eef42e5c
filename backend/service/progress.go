package service

import (
	"context"
	"sync"
	"time"
)

// ImportProgress says how far the import running in this process has got,
// so that the UI can show a progress bar while its request is pending.
type ImportProgress struct {
	Kind    string    `json:"kind"`    // "bans" or "contacts"; "" when none ran yet
	Phase   string    `json:"phase"`   // "reading", "saving" or "done"
	Done    int       `json:"done"`    // lines (bans) or rows (contacts) handled so far
	Total   int       `json:"total"`   // how many there are; 0 while still unknown
	Running bool      `json:"running"` // false once the import answered
	Started time.Time `json:"started"`
}

// progress holds the latest import's progress.
type progress struct {
	mu  sync.Mutex
	cur ImportProgress
}

func (p *progress) start(kind string, now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cur = ImportProgress{Kind: kind, Phase: "reading", Running: true, Started: now}
}

func (p *progress) set(phase string, done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cur.Phase, p.cur.Done, p.cur.Total = phase, done, total
}

func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cur.Phase, p.cur.Running = "done", false
}

// ImportProgress returns how far the current (or last) import has got.
func (s *Service) ImportProgress(context.Context) (ImportProgress, error) {
	s.progress.mu.Lock()
	defer s.progress.mu.Unlock()
	return s.progress.cur, nil
}
