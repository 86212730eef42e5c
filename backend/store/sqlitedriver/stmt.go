package sqlitedriver

import (
	"context"
	"database/sql/driver"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// keptArgs is the most C memory a statement keeps between runs for its
// bound text and blobs; a run that needs more (a bulk insert's JSON) gets
// memory of its own, freed when the run ends.
const keptArgs = 64 << 10

// TimeFormat is how a time.Time argument is stored (the store itself keeps
// times as Unix milliseconds).
const TimeFormat = "2006-01-02 15:04:05.999999999-07:00"

// stmt is one compiled statement. Cached ones are reset and run again; the
// others are finalized after their run (or by database/sql's Close).
type stmt struct {
	c      *conn
	sql    string
	p      uintptr // sqlite3_stmt*; 0 for SQL that holds no statement
	multi  bool    // the text holds several statements, compiled on each run
	cached bool
	busy   bool   // rows are being read from it
	used   uint64 // conn.tick at the last lookup
	cols   []string

	buf    uintptr // C copies of the bound text and blobs (SQLITE_STATIC)
	bufCap int
	oneOff uintptr // this run's own argument memory, when larger than keptArgs
}

// compile prepares query's first statement; text after it makes the
// statement multi (run statement by statement, never cached).
func (c *conn) compile(query string, persistent bool) (*stmt, error) {
	s := &stmt{c: c, sql: query, cached: persistent}
	flags := uint32(0)
	if persistent {
		flags = sqlite3.SQLITE_PREPARE_PERSISTENT
	}
	p, rest, err := c.prepare(query, flags)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(rest) != "" {
		if p != 0 {
			sqlite3.Xsqlite3_finalize(c.tls, p)
		}
		s.multi, s.cached = true, false
		return s, nil
	}
	s.p = p
	return s, nil
}

// prepare compiles the first statement of query and returns what follows it.
func (c *conn) prepare(query string, flags uint32) (p uintptr, rest string, err error) {
	if len(query) >= math.MaxInt32 {
		return 0, "", fmt.Errorf("sqlite: statement of %d bytes is too long", len(query))
	}
	csql, err := libc.CString(query)
	if err != nil {
		return 0, "", err
	}
	defer libc.Xfree(c.tls, csql)
	out := c.tls.Alloc(16)
	defer c.tls.Free(16)
	rc := sqlite3.Xsqlite3_prepare_v3(c.tls, c.db, csql, int32(len(query)), flags, out, out+8)
	if rc != sqlite3.SQLITE_OK {
		return 0, "", c.errorFor(rc)
	}
	return load(out), query[load(out+8)-csql:], nil
}

// Close finalizes a statement database/sql prepared (Prepare).
func (s *stmt) Close() error {
	s.finalize()
	return nil
}

func (s *stmt) finalize() {
	if s.p != 0 {
		sqlite3.Xsqlite3_finalize(s.c.tls, s.p)
		s.p = 0
	}
	s.freeArgs()
	if s.buf != 0 {
		libc.Xfree(s.c.tls, s.buf)
		s.buf, s.bufCap = 0, 0
	}
}

// NumInput is unknown up front for multi statements, so -1 (not checked).
func (s *stmt) NumInput() int { return -1 }

// Exec is database/sql's older entry point.
func (s *stmt) Exec(args []driver.Value) (driver.Result, error) {
	return s.exec(context.Background(), named(args))
}

// Query is database/sql's older entry point.
func (s *stmt) Query(args []driver.Value) (driver.Rows, error) {
	return s.query(context.Background(), named(args))
}

// ExecContext runs the statement.
func (s *stmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	return s.exec(ctx, args)
}

// QueryContext runs the statement for its rows.
func (s *stmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	return s.query(ctx, args)
}

func named(args []driver.Value) []driver.NamedValue {
	out := make([]driver.NamedValue, len(args))
	for i, v := range args {
		out[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
	}
	return out
}

type result struct{ lastID, changes int64 }

func (r result) LastInsertId() (int64, error) { return r.lastID, nil }
func (r result) RowsAffected() (int64, error) { return r.changes, nil }

func (s *stmt) exec(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if s.multi {
		return s.c.execScript(ctx, s.sql, args)
	}
	if s.p == 0 {
		return result{}, nil
	}
	if err := s.bind(args); err != nil {
		return nil, err
	}
	defer s.c.watch(ctx)()
	defer s.reset()
	for {
		switch rc := sqlite3.Xsqlite3_step(s.c.tls, s.p); rc {
		case sqlite3.SQLITE_ROW:
		case sqlite3.SQLITE_DONE:
			return result{
				lastID:  sqlite3.Xsqlite3_last_insert_rowid(s.c.tls, s.c.db),
				changes: sqlite3.Xsqlite3_changes64(s.c.tls, s.c.db),
			}, nil
		default:
			return nil, s.c.stepError(ctx, rc)
		}
	}
}

// execScript runs a text of several statements one by one, each taking its
// share of args in order.
func (c *conn) execScript(ctx context.Context, script string, args []driver.NamedValue) (driver.Result, error) {
	var res driver.Result = result{}
	for rest := script; strings.TrimSpace(rest) != ""; {
		p, next, err := c.prepare(rest, 0)
		if err != nil {
			return nil, err
		}
		rest = next
		if p == 0 { // a comment or a lone semicolon
			continue
		}
		s := &stmt{c: c, p: p}
		n := min(int(sqlite3.Xsqlite3_bind_parameter_count(c.tls, p)), len(args))
		mine := make([]driver.NamedValue, n)
		for i := range mine {
			mine[i] = driver.NamedValue{Ordinal: i + 1, Value: args[i].Value}
		}
		args = args[n:]
		res, err = s.exec(ctx, mine)
		s.finalize()
		if err != nil {
			return nil, err
		}
	}
	return res, nil
}

func (s *stmt) query(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if s.multi {
		return nil, fmt.Errorf("sqlite: a query must be one statement: %.60q", s.sql)
	}
	if s.p == 0 {
		return &rows{s: s, stop: func() {}}, nil
	}
	if err := s.bind(args); err != nil {
		return nil, err
	}
	// The first step runs now: it recompiles a statement whose schema
	// changed (so the column names below are current) and reports a
	// failure here rather than on the first Next.
	stop := s.c.watch(ctx)
	r := &rows{s: s, ctx: ctx, stop: stop}
	switch rc := sqlite3.Xsqlite3_step(s.c.tls, s.p); rc {
	case sqlite3.SQLITE_ROW:
		r.pending = true
	case sqlite3.SQLITE_DONE:
		r.done = true
	default:
		err := s.c.stepError(ctx, rc)
		stop()
		s.reset()
		return nil, err
	}
	s.busy = true
	s.columns()
	return r, nil
}

// reset readies a statement for its next run and releases its locks.
func (s *stmt) reset() {
	if s.p != 0 {
		sqlite3.Xsqlite3_reset(s.c.tls, s.p)
	}
	if s.oneOff != 0 {
		sqlite3.Xsqlite3_clear_bindings(s.c.tls, s.p)
		s.freeArgs()
	}
}

func (s *stmt) freeArgs() {
	if s.oneOff != 0 {
		libc.Xfree(s.c.tls, s.oneOff)
		s.oneOff = 0
	}
}

// columns refreshes the column names, reusing the strings while SQLite's
// names are unchanged (they change only with the schema).
func (s *stmt) columns() {
	n := int(sqlite3.Xsqlite3_column_count(s.c.tls, s.p))
	if len(s.cols) != n {
		s.cols = make([]string, n)
	}
	for i := range s.cols {
		p := sqlite3.Xsqlite3_column_name(s.c.tls, s.p, int32(i))
		if !cstringIs(p, s.cols[i]) {
			s.cols[i] = libc.GoString(p)
		}
	}
}

// cstringIs reports whether the C string at p is s.
func cstringIs(p uintptr, s string) bool {
	if p == 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := cbytes(p+uintptr(i), 1)[0]; c == 0 || c != s[i] {
			return false
		}
	}
	return cbytes(p+uintptr(len(s)), 1)[0] == 0
}

// bind binds args to the statement's parameters by position. Text and blobs
// are copied into C memory that stays put until the next run.
func (s *stmt) bind(args []driver.NamedValue) error {
	tls := s.c.tls
	if n := int(sqlite3.Xsqlite3_bind_parameter_count(tls, s.p)); n != len(args) {
		return fmt.Errorf("sqlite: the statement has %d parameters but %d arguments were given", n, len(args))
	}
	size := 0
	for i := range args {
		if args[i].Name != "" {
			return fmt.Errorf("sqlite: named argument %q: only ? parameters are supported", args[i].Name)
		}
		switch v := args[i].Value.(type) {
		case string:
			size += len(v)
		case []byte:
			size += len(v)
		case time.Time:
			args[i].Value = v.Format(TimeFormat)
			size += len(args[i].Value.(string))
		}
	}
	if size >= math.MaxInt32 {
		return fmt.Errorf("sqlite: arguments of %d bytes are too long", size)
	}
	mem, err := s.argMemory(size)
	if err != nil {
		return err
	}
	for i := range args {
		idx := int32(i + 1)
		var rc int32
		switch v := args[i].Value.(type) {
		case nil:
			rc = sqlite3.Xsqlite3_bind_null(tls, s.p, idx)
		case int64:
			rc = sqlite3.Xsqlite3_bind_int64(tls, s.p, idx, v)
		case float64:
			rc = sqlite3.Xsqlite3_bind_double(tls, s.p, idx, v)
		case bool:
			var b int64
			if v {
				b = 1
			}
			rc = sqlite3.Xsqlite3_bind_int64(tls, s.p, idx, b)
		case string:
			copy(cbytes(mem, len(v)), v)
			rc = sqlite3.Xsqlite3_bind_text(tls, s.p, idx, mem, int32(len(v)), sqlite3.SQLITE_STATIC)
			mem += uintptr(len(v))
		case []byte:
			if v == nil {
				rc = sqlite3.Xsqlite3_bind_null(tls, s.p, idx)
				break
			}
			copy(cbytes(mem, len(v)), v)
			rc = sqlite3.Xsqlite3_bind_blob(tls, s.p, idx, mem, int32(len(v)), sqlite3.SQLITE_STATIC)
			mem += uintptr(len(v))
		default:
			return fmt.Errorf("sqlite: cannot store an argument of type %T", v)
		}
		if rc != sqlite3.SQLITE_OK {
			return s.c.errorFor(rc)
		}
	}
	return nil
}

// argMemory returns C memory for size bytes of arguments (never 0, so an
// empty string binds as ” rather than NULL).
func (s *stmt) argMemory(size int) (uintptr, error) {
	if size > keptArgs {
		// A bind that failed after its own one-off left it behind: no run
		// stepped with it, so it goes before the next takes its place.
		s.freeArgs()
		p := libc.Xmalloc(s.c.tls, libc.Tsize_t(size))
		if p == 0 {
			return 0, fmt.Errorf("sqlite: out of memory for %d bytes of arguments", size)
		}
		s.oneOff = p
		return p, nil
	}
	if s.buf == 0 || s.bufCap < size {
		want := max(256, size)
		p := libc.Xmalloc(s.c.tls, libc.Tsize_t(want))
		if p == 0 {
			return 0, fmt.Errorf("sqlite: out of memory for %d bytes of arguments", size)
		}
		if s.buf != 0 {
			libc.Xfree(s.c.tls, s.buf)
		}
		s.buf, s.bufCap = p, want
	}
	return s.buf, nil
}

// stepError is the error of a failed step; an interrupted run whose context
// ended reports that end as well.
func (c *conn) stepError(ctx context.Context, rc int32) error {
	err := c.errorFor(rc)
	if rc&0xff == sqlite3.SQLITE_INTERRUPT && ctx.Err() != nil {
		return fmt.Errorf("%w: %w", ctx.Err(), err)
	}
	return err
}

// rows reads a query's result; closing it returns the statement.
type rows struct {
	s       *stmt
	ctx     context.Context
	stop    func()
	pending bool // the first row is stepped to but not read yet
	done    bool
	// blobs holds the current row's BLOB values, overwritten by the next
	// row: database/sql copies them out in Scan (or, for sql.RawBytes and
	// Scanners, documents them as valid until the next Next).
	blobs []byte
}

func (r *rows) Columns() []string { return r.s.cols }

func (r *rows) Close() error {
	if r.stop == nil {
		return nil
	}
	r.stop()
	r.stop = nil
	s := r.s
	s.reset()
	s.busy = false
	if !s.cached {
		s.finalize()
	}
	return nil
}

// Next reads the next row into dest: INTEGER as int64, REAL as float64,
// TEXT as string, BLOB as []byte (valid until the next Next), NULL as nil.
func (r *rows) Next(dest []driver.Value) error {
	s := r.s
	if s.p == 0 || r.done {
		return io.EOF
	}
	tls := s.c.tls
	if r.pending {
		r.pending = false
	} else {
		switch rc := sqlite3.Xsqlite3_step(tls, s.p); rc {
		case sqlite3.SQLITE_ROW:
		case sqlite3.SQLITE_DONE:
			r.done = true
			return io.EOF
		default:
			r.done = true
			return s.c.stepError(r.ctx, rc)
		}
	}
	r.blobs = r.blobs[:0]
	for i := range dest {
		col := int32(i)
		switch sqlite3.Xsqlite3_column_type(tls, s.p, col) {
		case sqlite3.SQLITE_INTEGER:
			dest[i] = sqlite3.Xsqlite3_column_int64(tls, s.p, col)
		case sqlite3.SQLITE_FLOAT:
			dest[i] = sqlite3.Xsqlite3_column_double(tls, s.p, col)
		case sqlite3.SQLITE_TEXT:
			p := sqlite3.Xsqlite3_column_text(tls, s.p, col)
			n := int(sqlite3.Xsqlite3_column_bytes(tls, s.p, col))
			if p == 0 || n == 0 {
				dest[i] = ""
				break
			}
			dest[i] = string(cbytes(p, n))
		case sqlite3.SQLITE_BLOB:
			p := sqlite3.Xsqlite3_column_blob(tls, s.p, col)
			n := int(sqlite3.Xsqlite3_column_bytes(tls, s.p, col))
			start := len(r.blobs)
			if n > 0 {
				r.blobs = append(r.blobs, cbytes(p, n)...)
			} else if r.blobs == nil {
				r.blobs = make([]byte, 0, 64)
			}
			dest[i] = r.blobs[start:len(r.blobs):len(r.blobs)]
		default:
			dest[i] = nil
		}
	}
	return nil
}
