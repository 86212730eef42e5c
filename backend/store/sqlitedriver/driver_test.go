package sqlitedriver

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// openDB opens a fresh file in the test's folder through the driver, on one
// connection as the store uses it.
func openDB(t *testing.T, params string) (*sql.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "t.db")
	db := openPath(t, path, params)
	return db, path
}

func openPath(t *testing.T, path, params string) *sql.DB {
	t.Helper()
	db, err := sql.Open(Name, path+"?"+params)
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	if err := db.Ping(); err != nil {
		t.Fatal(err)
	}
	return db
}

func mustExec(t *testing.T, db interface {
	Exec(string, ...any) (sql.Result, error)
}, q string, args ...any) sql.Result {
	t.Helper()
	res, err := db.Exec(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return res
}

// cached is the number of statements the connection keeps compiled.
func cached(t *testing.T, db *sql.DB) int {
	t.Helper()
	c, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	n := -1
	if err := c.Raw(func(dc any) error { n = len(dc.(*conn).cache); return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestStatementIsCompiledOnceAndRunAgainWithNewArguments(t *testing.T) {
	db, _ := openDB(t, "")
	mustExec(t, db, `CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT)`)
	before := cached(t, db)
	for i := 1; i <= 100; i++ {
		mustExec(t, db, `INSERT INTO t(id, name) VALUES (?, ?)`, i, fmt.Sprintf("n%03d", i))
	}
	for i := 1; i <= 100; i++ {
		var name string
		if err := db.QueryRow(`SELECT name FROM t WHERE id = ?`, i).Scan(&name); err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("n%03d", i); name != want {
			t.Fatalf("id %d: name %q, want %q", i, name, want)
		}
	}
	if got := cached(t, db) - before; got != 2 {
		t.Errorf("%d more statements cached after 200 runs of 2 texts, want 2", got)
	}
}

func TestQueryInsideTheSameQuerysLoopGetsItsOwnStatement(t *testing.T) {
	db, _ := openDB(t, "")
	mustExec(t, db, `CREATE TABLE t(x INTEGER)`)
	mustExec(t, db, `INSERT INTO t VALUES (1), (2), (3)`)
	ctx := context.Background()
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	const q = `SELECT x FROM t WHERE x >= ? ORDER BY x`
	outer, err := c.QueryContext(ctx, q, 1)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for outer.Next() {
		var x int
		if err := outer.Scan(&x); err != nil {
			t.Fatal(err)
		}
		// The same text, on the same connection, while the outer rows are open.
		inner, err := c.QueryContext(ctx, q, x)
		if err != nil {
			t.Fatal(err)
		}
		var ys []int
		for inner.Next() {
			var y int
			if err := inner.Scan(&y); err != nil {
				t.Fatal(err)
			}
			ys = append(ys, y)
		}
		inner.Close()
		got = append(got, fmt.Sprint(x, ys))
	}
	if err := outer.Err(); err != nil {
		t.Fatal(err)
	}
	outer.Close()
	if want := "1 [1 2 3]|2 [2 3]|3 [3]"; strings.Join(got, "|") != want {
		t.Errorf("got %q, want %q", strings.Join(got, "|"), want)
	}
}

func TestValuesKeepTheirTypeBothWays(t *testing.T) {
	db, _ := openDB(t, "")
	mustExec(t, db, `CREATE TABLE v(i INTEGER, f REAL, s TEXT, b BLOB, n TEXT)`)
	at := time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)
	cases := []struct {
		i   any
		f   float64
		s   string
		b   []byte
		nul any
	}{
		{int64(-1 << 62), 2.5, "Zoë 🙂", []byte{0, 1, 2, 255}, nil},
		{true, 0, "", []byte{}, nil},
		{at, -0.125, strings.Repeat("x", 200<<10), bytes.Repeat([]byte{7}, 100<<10), nil}, // beyond keptArgs
		{int64(7), 1e300, "after the large one", []byte("b"), nil},
	}
	for _, c := range cases {
		mustExec(t, db, `INSERT INTO v VALUES (?, ?, ?, ?, ?)`, c.i, c.f, c.s, c.b, c.nul)
	}
	var nilBlob []byte
	mustExec(t, db, `INSERT INTO v(b) VALUES (?)`, nilBlob)
	rows, err := db.Query(`SELECT i, typeof(i), f, s, b, typeof(b), n FROM v ORDER BY rowid`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	wantI := []string{fmt.Sprint(int64(-1 << 62)), "1", at.Format(TimeFormat), "7"}
	wantIType := []string{"integer", "integer", "text", "integer"}
	for k, c := range cases {
		if !rows.Next() {
			t.Fatalf("row %d missing: %v", k, rows.Err())
		}
		var i, itype, s, btype string
		var f float64
		var b []byte
		var n sql.NullString
		if err := rows.Scan(&i, &itype, &f, &s, &b, &btype, &n); err != nil {
			t.Fatal(err)
		}
		if i != wantI[k] || itype != wantIType[k] {
			t.Errorf("row %d: i = %q (%s), want %q (%s)", k, i, itype, wantI[k], wantIType[k])
		}
		if f != c.f || s != c.s || !bytes.Equal(b, c.b) || btype != "blob" || n.Valid {
			t.Errorf("row %d: got f=%v s=%.20q b=%.8v (%s) n=%v", k, f, s, b, btype, n)
		}
	}
	if !rows.Next() {
		t.Fatal("nil blob row missing")
	}
	var i, itype, btype string
	var f sql.NullFloat64
	var s sql.NullString
	var b []byte
	var n sql.NullString
	if err := rows.Scan(new(sql.NullString), &itype, &f, &s, &b, &btype, &n); err != nil {
		t.Fatal(err)
	}
	_ = i
	if btype != "null" || b != nil {
		t.Errorf("a nil []byte was stored as %s %v, want NULL", btype, b)
	}
}

func TestViolationsCarryTheirExtendedCodeAndMessage(t *testing.T) {
	db, _ := openDB(t, "_pragma=foreign_keys(1)")
	mustExec(t, db, `CREATE TABLE p(id INTEGER PRIMARY KEY, k TEXT UNIQUE)`)
	mustExec(t, db, `CREATE TABLE c(p INTEGER REFERENCES p(id))`)
	mustExec(t, db, `INSERT INTO p VALUES (1, 'a')`)
	for _, c := range []struct {
		q    string
		code int
		msg  string
	}{
		{`INSERT INTO p VALUES (2, 'a')`, 2067, "UNIQUE constraint failed: p.k"},
		{`INSERT INTO p VALUES (1, 'b')`, 1555, "UNIQUE constraint failed: p.id"},
		{`INSERT INTO c VALUES (9)`, 787, "FOREIGN KEY constraint failed"},
		{`SELECT nope FROM p`, 1, "no such column: nope"},
	} {
		_, err := db.Exec(c.q)
		var se *Error
		if !errors.As(err, &se) {
			t.Fatalf("%s: error %v (%T), want *Error", c.q, err, err)
		}
		if se.Code() != c.code || !strings.Contains(se.Error(), c.msg) {
			t.Errorf("%s: code %d %q, want %d containing %q", c.q, se.Code(), se.Error(), c.code, c.msg)
		}
	}
}

func TestEndedContextInterruptsOnlyItsOwnStatement(t *testing.T) {
	db, _ := openDB(t, "")
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	start := time.Now()
	var n int64
	err := db.QueryRowContext(ctx, `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c`).Scan(&n)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("endless query ended with %v, want the deadline", err)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("the interrupted query took %v", took)
	}
	// The connection goes on, and a later statement is not interrupted.
	later, stop := context.WithCancel(context.Background())
	defer stop()
	if err := db.QueryRowContext(later, `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200000) SELECT count(*) FROM c`).Scan(&n); err != nil || n != 200000 {
		t.Fatalf("next query: %d, %v", n, err)
	}
	// A context that ends after its statement finished touches nothing.
	done, end := context.WithCancel(context.Background())
	if err := db.QueryRowContext(done, `SELECT 1`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	end()
	if err := db.QueryRow(`WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200000) SELECT count(*) FROM c`).Scan(&n); err != nil || n != 200000 {
		t.Fatalf("query after a late cancel: %d, %v", n, err)
	}
}

func TestScriptRunsEveryStatementWithItsArguments(t *testing.T) {
	db, _ := openDB(t, "")
	mustExec(t, db, `CREATE TABLE a(x); -- a comment
		INSERT INTO a VALUES (?); ; INSERT INTO a VALUES (?), (?);`, 1, 2, 3)
	var sum, n int
	if err := db.QueryRow(`SELECT sum(x), count(*) FROM a`).Scan(&sum, &n); err != nil || sum != 6 || n != 3 {
		t.Fatalf("sum %d of %d rows, %v; want 6 of 3", sum, n, err)
	}
	if _, err := db.Query(`SELECT 1; SELECT 2`); err == nil {
		t.Error("a query of two statements was accepted")
	}
}

func TestImmediateTransactionsTakeTheWriteLockAtBegin(t *testing.T) {
	db, path := openDB(t, "_txlock=immediate&_pragma=journal_mode(WAL)")
	mustExec(t, db, `CREATE TABLE t(x)`)
	other := openPath(t, path, "_txlock=immediate&_pragma=busy_timeout(0)")
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	_, err = other.Begin()
	var se *Error
	if !errors.As(err, &se) || se.Code()&0xff != 5 {
		t.Fatalf("second BEGIN while the first holds the lock: %v, want SQLITE_BUSY", err)
	}
	deferred := openPath(t, path, "_pragma=busy_timeout(0)")
	dtx, err := deferred.Begin()
	if err != nil {
		t.Fatalf("a deferred BEGIN takes no lock, yet: %v", err)
	}
	dtx.Rollback()
}

func TestCachedStatementFollowsSchemaChanges(t *testing.T) {
	db, _ := openDB(t, "")
	mustExec(t, db, `CREATE TABLE t(a)`)
	mustExec(t, db, `INSERT INTO t VALUES (1)`)
	cols := func() []string {
		rows, err := db.Query(`SELECT * FROM t`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		c, _ := rows.Columns()
		return c
	}
	if got := strings.Join(cols(), ","); got != "a" {
		t.Fatalf("columns %q", got)
	}
	mustExec(t, db, `ALTER TABLE t ADD COLUMN b DEFAULT 'x'`)
	mustExec(t, db, `ALTER TABLE t RENAME COLUMN a TO z`)
	if got := strings.Join(cols(), ","); got != "z,b" {
		t.Errorf("columns after the schema changed: %q, want z,b", got)
	}
}

func TestCacheKeepsAtMostItsBound(t *testing.T) {
	db, _ := openDB(t, "")
	for i := 0; i < cacheSize+50; i++ {
		var n int
		if err := db.QueryRow(fmt.Sprintf(`SELECT %d + ?`, i), 1).Scan(&n); err != nil || n != i+1 {
			t.Fatalf("%d: %d, %v", i, n, err)
		}
	}
	if got := cached(t, db); got > cacheSize {
		t.Errorf("%d statements cached, bound %d", got, cacheSize)
	}
}

func TestOpenRefusesWhatItCannotHonour(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ params, want string }{
		{"vfs=no-such-vfs", "no such vfs"},
		{"_txlock=sometimes", "unknown _txlock"},
		{"_pragma=journal_mode(", "incomplete input"},
	} {
		db, err := sql.Open(Name, filepath.Join(dir, "x.db")+"?"+c.params)
		if err == nil {
			err = db.Ping()
			db.Close()
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error containing %q", c.params, err, c.want)
		}
	}
	var v string
	db, _ := openDB(t, "_pragma=foreign_keys(1)&_pragma=cache_size(-1234)&vfs=unix-dotfile")
	if err := db.QueryRow(`PRAGMA cache_size`).Scan(&v); err != nil || v != "-1234" {
		t.Errorf("cache_size %q, %v; want the DSN's -1234", v, err)
	}
}

func TestBlobsOfARowStayIntactWhileTheRowIsRead(t *testing.T) {
	db, _ := openDB(t, "")
	mustExec(t, db, `CREATE TABLE b(x BLOB, y BLOB)`)
	want := [][2][]byte{
		{[]byte("ab"), bytes.Repeat([]byte("L"), 5000)}, // y makes the row's buffer grow after x
		{bytes.Repeat([]byte("M"), 3000), []byte{}},
		{[]byte{9}, []byte{8, 7}},
	}
	for _, w := range want {
		mustExec(t, db, `INSERT INTO b VALUES (?, ?)`, w[0], w[1])
	}
	rows, err := db.Query(`SELECT x, y FROM b ORDER BY rowid`)
	if err != nil {
		t.Fatal(err)
	}
	for k := 0; rows.Next(); k++ {
		var x, y sql.RawBytes // the driver's own memory, valid until Next
		if err := rows.Scan(&x, &y); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(x, want[k][0]) || !bytes.Equal(y, want[k][1]) {
			t.Fatalf("row %d: x %.10q y %.10q", k, x, y)
		}
	}
	rows.Close()
	rows, err = db.Query(`SELECT x, y FROM b ORDER BY rowid`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var kept [][2][]byte
	for rows.Next() {
		var x, y []byte
		if err := rows.Scan(&x, &y); err != nil {
			t.Fatal(err)
		}
		kept = append(kept, [2][]byte{x, y})
	}
	for k, c := range kept { // []byte destinations are copies that outlive their row
		if !bytes.Equal(c[0], want[k][0]) || !bytes.Equal(c[1], want[k][1]) {
			t.Errorf("row %d changed after later rows were read: %.10q %.10q", k, c[0], c[1])
		}
	}
}
