// Package bans is the blacklist engine: it blocks chat customers by IP
// address or range for a chosen period, renews and removes bans, keeps each
// target's history, and answers "is this address blocked now?" from an
// in-memory index that follows changes made by this and other processes
// sharing the same database (file or server).
package bans

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"banlist/backend/actor"
	"banlist/backend/store"
)

// pollEvery is how often the change stamp (store.DB.ChangeStamp) is checked
// for other processes' commits.
const pollEvery = 250 * time.Millisecond

// UnknownOperator is recorded when the operator function gives no name.
const UnknownOperator = "unknown"

// Service blocks, renews, removes and checks bans. It is safe for concurrent use.
type Service struct {
	db       *store.DB
	operator func() string

	// idx is the current in-memory index of active bans.
	idx atomic.Pointer[index]
	// gen counts signals that the bans may have changed (a write of ours, a
	// change stamp that moved). idx is current only if it was loaded at the
	// present generation, so a signal arriving during a reload is never lost.
	gen atomic.Uint64
	// running is set while the background poller runs.
	running atomic.Bool
	// born and lastPoll (nanoseconds since born) pace change-stamp polls made
	// on lookups when no poller runs. They measure real elapsed time for
	// scheduling only; ban logic uses the injected clock.
	born     time.Time
	lastPoll atomic.Int64

	refreshMu sync.Mutex // serializes index reloads
	lastStamp int64      // last change stamp seen; guarded by refreshMu

	kick chan struct{} // wakes the poller after our own writes
	// poll is how often the watcher polls the change stamp (pollEvery).
	poll time.Duration

	retryPolicy store.RetryPolicy

	mu     sync.Mutex // guards the fields below
	cancel context.CancelFunc
	done   chan struct{}
	subs   map[int]*subscriber
	nextID int
	closed bool
}

// New returns a Service on db. operator names the supervisor at the keyboard;
// it is recorded as the creator, remover and actor of every change, unless
// the ctx of a call carries a named actor.Actor (an API token), whose name
// is recorded instead. A nil operator, or one that returns "", records
// "unknown".
func New(db *store.DB, operator func() string) *Service {
	s := &Service{
		db:          db,
		operator:    operator,
		born:        time.Now(),
		kick:        make(chan struct{}, 1),
		poll:        pollEvery,
		subs:        map[int]*subscriber{},
		retryPolicy: db.RetryPolicy(store.DefaultRetry),
	}
	s.lastPoll.Store(-int64(time.Hour))
	return s
}

// Start runs a background watcher until ctx ends or Close is called. It
// checks the change stamp every 250 ms and reloads the index as soon as
// this or another process changes the bans, then notifies subscribers.
// Without Start, lookups poll the change stamp themselves (at most every 250 ms)
// and subscribers are only told of changes a lookup happens to notice.
// Calling Start again while running does nothing.
func (s *Service) Start(ctx context.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || s.cancel != nil {
		return
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	s.cancel, s.done = cancel, done
	s.running.Store(true)
	go s.watch(ctx, done)
}

// Close stops the background watcher and all subscriptions. It does not
// close the database.
func (s *Service) Close() error {
	s.mu.Lock()
	cancel, done := s.cancel, s.done
	s.cancel, s.done = nil, nil
	s.closed = true
	subs := s.subs
	s.subs = map[int]*subscriber{}
	s.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
	for _, sub := range subs {
		sub.stop()
	}
	return nil
}

func (s *Service) watch(ctx context.Context, done chan<- struct{}) {
	defer close(done)
	defer s.running.Store(false)
	tick := time.NewTicker(s.poll)
	defer tick.Stop()
	// On a server, another process's commit is announced at once (store's
	// LISTEN/NOTIFY); the poll stays as a safety net. On a file it is nil.
	notified := s.db.Changes("bans")
	for {
		// On error the index stays behind its generation: lookups then
		// reload it themselves and report the fault if it persists.
		_, _ = s.refresh(ctx, true)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-s.kick:
		case <-notified:
			s.gen.Add(1) // the bans changed: reload, whenever the last poll was
		}
	}
}

// Subscribe calls fn, on its own goroutine, after the index picks up a change
// to the bans made by this or another process. Bursts of changes may be
// coalesced into one call, and calls never overlap. The returned function
// cancels the subscription; a call already under way finishes.
func (s *Service) Subscribe(fn func()) (cancel func()) {
	sub := &subscriber{fn: fn, wake: make(chan struct{}, 1), quit: make(chan struct{})}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return func() {}
	}
	id := s.nextID
	s.nextID++
	s.subs[id] = sub
	s.mu.Unlock()
	go sub.run()
	return func() {
		s.mu.Lock()
		delete(s.subs, id)
		s.mu.Unlock()
		sub.stop()
	}
}

type subscriber struct {
	fn   func()
	wake chan struct{}
	quit chan struct{}
	once sync.Once
}

func (sub *subscriber) run() {
	for {
		select {
		case <-sub.quit:
			return
		case <-sub.wake:
			select {
			case <-sub.quit: // canceled while a wake-up was pending
				return
			default:
				sub.fn()
			}
		}
	}
}

func (sub *subscriber) stop() { sub.once.Do(func() { close(sub.quit) }) }

func (s *Service) notify() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sub := range s.subs {
		select {
		case sub.wake <- struct{}{}:
		default:
		}
	}
}

// written records that this process changed the bans: on SQLite its own
// commits do not move its connection's data_version, and the index should
// follow at once rather than at the next poll.
func (s *Service) written() {
	s.gen.Add(1)
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// actor names who acts and through which door: the named actor on ctx (a
// token's name) if there is one, else the operator function's name.
func (s *Service) actor(ctx context.Context) (name, source string) {
	a, _ := actor.From(ctx)
	if name = strings.TrimSpace(a.Name); name != "" {
		return name, a.Source
	}
	if s.operator != nil {
		name = strings.TrimSpace(s.operator())
	}
	if name == "" {
		name = UnknownOperator
	}
	return name, a.Source
}

func (s *Service) nowMs() int64 { return s.db.Clock.Now().UnixMilli() }

// write runs fn in one write transaction as the only writer of bans
// (store.Tx.LockBans), retrying the whole transaction while the database is
// busy, and marks the index out of date once it commits. action completes
// "Could not …" in storage error messages.
func (s *Service) write(ctx context.Context, action string, fn func(tx *store.Tx) error) error {
	err := store.Retry(ctx, s.retryPolicy, func() error {
		return s.db.WriteTx(ctx, func(tx *store.Tx) error {
			if err := tx.LockBans(); err != nil {
				return err
			}
			return fn(tx)
		})
	})
	if err == nil {
		s.written()
	}
	return s.fault(ctx, action, err)
}

// read runs fn on a session outside any transaction, retrying while the
// database is busy.
func (s *Service) read(ctx context.Context, action string, fn func(tx *store.Tx) error) error {
	return s.retry(ctx, action, func() error { return fn(s.db.Session(ctx)) })
}

// retry runs fn, retrying while the database is busy, and reports a storage
// failure as Fault does.
func (s *Service) retry(ctx context.Context, action string, fn func() error) error {
	return s.fault(ctx, action, store.Retry(ctx, s.retryPolicy, fn))
}

// fault turns a storage error into something a supervisor can act on.
func (s *Service) fault(ctx context.Context, action string, err error) error {
	return s.db.Fault(ctx, action, err)
}
