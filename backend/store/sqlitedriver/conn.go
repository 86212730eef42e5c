// Package sqlitedriver is the database/sql driver the store opens SQLite
// files with: SQLite itself is modernc.org/sqlite's pure-Go translation, the
// same library github.com/glebarez/go-sqlite wraps, and GORM still speaks to
// it through its glebarez/sqlite dialect.
//
// It exists for speed. glebarez/go-sqlite compiles every statement again on
// every run and serialises each call through the connection's mutex. Here
// each connection keeps its compiled statements by SQL text (a bounded
// cache), and connections are opened without SQLite's per-connection mutex,
// as database/sql already hands a connection to one goroutine at a time: the
// report's first page on the bench's million contacts went from 0.27 to
// 0.17 ms, GetContact from 0.14 to 0.09 ms (BenchmarkReport in package bench).
//
// The connection string is the one glebarez/go-sqlite reads:
// path?_pragma=name(value)&_txlock=immediate&vfs=name.
package sqlitedriver

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"unsafe"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// Name is the driver's name for sql.Open.
const Name = "banlist-sqlite"

// cacheSize bounds the compiled statements a connection keeps. IN lists make
// many texts of one query; the least recently used one goes first.
const cacheSize = 200

// maxCachedSQL is the longest SQL text kept compiled: a statement that long
// is a one-off (a generated batch) whose program would only hold memory.
const maxCachedSQL = 16 << 10

func init() { sql.Register(Name, Driver{}) }

// Driver opens connections; see the package comment for the DSN.
type Driver struct{}

// Open opens one connection.
func (Driver) Open(dsn string) (driver.Conn, error) {
	path, query := dsn, ""
	if i := strings.LastIndexByte(dsn, '?'); i >= 0 {
		path, query = dsn[:i], dsn[i+1:]
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		return nil, fmt.Errorf("sqlite: connection string %q: %w", dsn, err)
	}
	begin := "BEGIN"
	switch lock := strings.ToLower(q.Get("_txlock")); lock {
	case "", "deferred":
	case "immediate", "exclusive":
		begin = "BEGIN " + strings.ToUpper(lock)
	default:
		return nil, fmt.Errorf("sqlite: unknown _txlock %q", lock)
	}
	c, err := open(path, q.Get("vfs"))
	if err != nil {
		return nil, err
	}
	c.begin = begin
	// busy_timeout first, as later pragmas (journal_mode) may need a lock.
	pragmas := append([]string{"busy_timeout(5000)"}, q["_pragma"]...)
	for _, p := range pragmas {
		if _, err := c.ExecContext(context.Background(), "PRAGMA "+p, nil); err != nil {
			c.Close()
			return nil, err
		}
	}
	return c, nil
}

// conn is one SQLite connection. database/sql calls it from one goroutine at
// a time; only interrupt comes from another, under mu.
type conn struct {
	tls   *libc.TLS
	db    uintptr // sqlite3*
	begin string

	cache map[string]*stmt
	tick  uint64 // use counter for the cache's least-recently-used order

	mu      sync.Mutex // guards db and running against interrupt
	itls    *libc.TLS  // the interrupting goroutine's TLS
	running uint64     // id of the statement run a context may interrupt
	runs    uint64
}

func open(path, vfs string) (*conn, error) {
	c := &conn{tls: libc.NewTLS(), itls: libc.NewTLS(), cache: map[string]*stmt{}}
	cpath, err := libc.CString(path)
	if err != nil {
		c.freeTLS()
		return nil, err
	}
	defer libc.Xfree(c.tls, cpath)
	var cvfs uintptr
	if vfs != "" {
		if cvfs, err = libc.CString(vfs); err != nil {
			c.freeTLS()
			return nil, err
		}
		defer libc.Xfree(c.tls, cvfs)
	}
	out := c.tls.Alloc(8)
	defer c.tls.Free(8)
	flags := int32(sqlite3.SQLITE_OPEN_READWRITE | sqlite3.SQLITE_OPEN_CREATE | sqlite3.SQLITE_OPEN_URI |
		sqlite3.SQLITE_OPEN_NOMUTEX | sqlite3.SQLITE_OPEN_EXRESCODE)
	rc := sqlite3.Xsqlite3_open_v2(c.tls, cpath, out, flags, cvfs)
	c.db = load(out)
	if rc != sqlite3.SQLITE_OK {
		err := c.errorFor(rc)
		if c.db != 0 {
			sqlite3.Xsqlite3_close_v2(c.tls, c.db)
		}
		c.freeTLS()
		return nil, err
	}
	return c, nil
}

func (c *conn) freeTLS() {
	c.tls.Close()
	c.itls.Close()
}

// Close finalizes the cached statements and closes the connection.
func (c *conn) Close() error {
	for _, s := range c.cache {
		s.finalize()
	}
	c.cache = nil
	c.mu.Lock()
	db := c.db
	c.db = 0
	c.mu.Unlock()
	if db == 0 {
		return nil
	}
	rc := sqlite3.Xsqlite3_close_v2(c.tls, db)
	c.freeTLS()
	if rc != sqlite3.SQLITE_OK {
		return &Error{code: int(rc), msg: fmt.Sprintf("sqlite: close: error %d", rc)}
	}
	return nil
}

// Prepare compiles query for database/sql, which owns the statement and
// closes it; it is not shared with the cache.
func (c *conn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

// PrepareContext is Prepare.
func (c *conn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.compile(query, false)
}

// ExecContext runs query through the statement cache.
func (c *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	s, err := c.lookup(query)
	if err != nil {
		return nil, err
	}
	res, err := s.exec(ctx, args)
	if !s.cached {
		s.finalize()
	}
	return res, err
}

// QueryContext runs query through the statement cache; the statement goes
// back to the cache when the rows are closed.
func (c *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	s, err := c.lookup(query)
	if err != nil {
		return nil, err
	}
	r, err := s.query(ctx, args)
	if err != nil && !s.cached {
		s.finalize()
	}
	return r, err
}

// lookup returns the cached statement for query, compiling and caching it
// the first time. A statement whose rows are still being read (a query
// inside another query's loop) is not shared: that run gets its own.
func (c *conn) lookup(query string) (*stmt, error) {
	c.tick++
	if s, ok := c.cache[query]; ok && !s.busy {
		s.used = c.tick
		return s, nil
	} else if ok {
		return c.compile(query, false)
	}
	if len(query) > maxCachedSQL {
		return c.compile(query, false)
	}
	s, err := c.compile(query, true)
	if err != nil || s.multi {
		return s, err
	}
	if len(c.cache) >= cacheSize {
		c.evict()
	}
	s.used = c.tick
	c.cache[query] = s
	return s, nil
}

// evict drops the least recently used idle statement.
func (c *conn) evict() {
	var old *stmt
	for _, s := range c.cache {
		if !s.busy && (old == nil || s.used < old.used) {
			old = s
		}
	}
	if old != nil {
		delete(c.cache, old.sql)
		old.finalize()
	}
}

// Begin starts a transaction with the DSN's _txlock.
func (c *conn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

// BeginTx starts a transaction; read-only and isolation options are refused
// rather than ignored.
func (c *conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if opts.ReadOnly || opts.Isolation != driver.IsolationLevel(sql.LevelDefault) {
		return nil, fmt.Errorf("sqlite: transaction options %+v are not supported", opts)
	}
	if _, err := c.ExecContext(ctx, c.begin, nil); err != nil {
		return nil, err
	}
	return tx{c}, nil
}

type tx struct{ c *conn }

func (t tx) Commit() error {
	_, err := t.c.ExecContext(context.Background(), "COMMIT", nil)
	return err
}

func (t tx) Rollback() error {
	_, err := t.c.ExecContext(context.Background(), "ROLLBACK", nil)
	return err
}

// watch arranges for ctx's end to interrupt the statement run that starts
// now; the returned func ends that arrangement.
func (c *conn) watch(ctx context.Context) func() {
	if ctx.Done() == nil {
		return func() {}
	}
	c.mu.Lock()
	c.runs++
	id := c.runs
	c.running = id
	c.mu.Unlock()
	stop := context.AfterFunc(ctx, func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		// Only the run that ctx belongs to: an interrupt that arrives after
		// it ended must not stop a later statement.
		if c.running == id && c.db != 0 {
			sqlite3.Xsqlite3_interrupt(c.itls, c.db)
		}
	})
	return func() {
		stop()
		c.mu.Lock()
		if c.running == id {
			c.running = 0
		}
		c.mu.Unlock()
	}
}

// errorFor is the error for result code rc with SQLite's message.
func (c *conn) errorFor(rc int32) error {
	msg := libc.GoString(sqlite3.Xsqlite3_errstr(c.tls, rc))
	if c.db != 0 {
		if m := libc.GoString(sqlite3.Xsqlite3_errmsg(c.tls, c.db)); m != "" && m != msg {
			msg += ": " + m
		}
	}
	return &Error{code: int(rc), msg: fmt.Sprintf("%s (%d)", msg, rc)}
}

// Error is a failure SQLite reported, with its extended result code.
type Error struct {
	code int
	msg  string
}

func (e *Error) Error() string { return e.msg }

// Code is SQLite's extended result code; its low byte is the primary code.
func (e *Error) Code() int { return e.code }

// ptr turns an address in C memory (outside Go's heap) into a pointer.
func ptr(p uintptr) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&p)) }

// load reads the pointer stored at p.
func load(p uintptr) uintptr { return *(*uintptr)(ptr(p)) }

// cbytes is the C memory at p, n bytes long, as a slice (not a copy).
func cbytes(p uintptr, n int) []byte { return unsafe.Slice((*byte)(ptr(p)), n) }
