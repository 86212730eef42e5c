package bench

import (
	"context"
	"database/sql/driver"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"gorm.io/gorm"
)

// captureKey marks a context whose statements the recorder keeps.
type captureKey struct{}

// Recorder keeps the SQL statements (with their arguments rendered as
// literals) that GORM runs for contexts made by Context.
type Recorder struct {
	mu   sync.Mutex
	on   bool
	stmt []string
}

// NewRecorder registers a recorder on db's callbacks.
func NewRecorder(db *gorm.DB) (*Recorder, error) {
	r := &Recorder{}
	pg := db.Dialector.Name() == "postgres"
	record := func(tx *gorm.DB) {
		if tx.Statement == nil || tx.Statement.Context == nil || tx.Statement.Context.Value(captureKey{}) == nil {
			return
		}
		s := Render(tx.Statement.SQL.String(), tx.Statement.Vars)
		if pg {
			s = RenderPG(tx.Statement.SQL.String(), tx.Statement.Vars)
		}
		r.mu.Lock()
		if r.on && s != "" {
			r.stmt = append(r.stmt, s)
		}
		r.mu.Unlock()
	}
	cb := db.Callback()
	if err := cb.Query().After("gorm:query").Register("bench:capture", record); err != nil {
		return nil, err
	}
	if err := cb.Row().After("gorm:row").Register("bench:capture", record); err != nil {
		return nil, err
	}
	if err := cb.Raw().After("gorm:raw").Register("bench:capture", record); err != nil {
		return nil, err
	}
	return r, nil
}

// Capture runs fn with a recording context and returns the statements it ran.
func (r *Recorder) Capture(ctx context.Context, fn func(ctx context.Context) error) ([]string, error) {
	r.mu.Lock()
	r.on, r.stmt = true, nil
	r.mu.Unlock()
	err := fn(context.WithValue(ctx, captureKey{}, true))
	r.mu.Lock()
	defer r.mu.Unlock()
	r.on = false
	return r.stmt, err
}

// Render replaces each ? outside quotes in query with vars rendered as SQL
// literals, so that the sqlite3 command-line tool can run the statement.
func Render(query string, vars []any) string {
	var b strings.Builder
	quote := byte(0)
	n := 0
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"' || c == '`':
			quote = c
		case c == '?' && n < len(vars):
			b.WriteString(literal(vars[n]))
			n++
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// RenderPG is Render for PostgreSQL, whose statements number their
// parameters ($1, $2, …) and spell bytes as '\x…'::bytea, for psql.
func RenderPG(query string, vars []any) string {
	var b strings.Builder
	quote := byte(0)
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '$' && i+1 < len(query) && query[i+1] >= '0' && query[i+1] <= '9':
			j := i + 1
			for j < len(query) && query[j] >= '0' && query[j] <= '9' {
				j++
			}
			n, _ := strconv.Atoi(query[i+1 : j])
			if n >= 1 && n <= len(vars) {
				v := vars[n-1]
				if bs, ok := v.([]byte); ok {
					b.WriteString(`'\x` + hex.EncodeToString(bs) + `'::bytea`)
				} else {
					b.WriteString(literal(v))
				}
				i = j - 1
				continue
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

func literal(v any) string {
	if val, ok := v.(driver.Valuer); ok {
		dv, err := val.Value()
		if err != nil {
			return "NULL"
		}
		v = dv
	}
	switch x := v.(type) {
	case nil:
		return "NULL"
	case string:
		return "'" + strings.ReplaceAll(x, "'", "''") + "'"
	case []byte:
		return "x'" + hex.EncodeToString(x) + "'"
	case bool:
		if x {
			return "1"
		}
		return "0"
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	default:
		return fmt.Sprint(x)
	}
}
