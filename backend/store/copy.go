package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
)

// ErrTargetNotEmpty refuses to copy into a database that already holds data.
var ErrTargetNotEmpty = errors.New("the target database already holds data")

// CopyOptions tunes Copy.
type CopyOptions struct {
	// Force empties the target's tables first instead of refusing them.
	Force bool
	// BatchRows is how many rows one INSERT carries (default 1000; fewer for
	// wide tables, so a statement stays under PostgreSQL's 65,535 parameters).
	BatchRows int
}

// TableCopy is how many rows of one table were copied (and then counted on
// the target).
type TableCopy struct {
	Table string
	Rows  int64
}

// CopyReport is the outcome of a Copy.
type CopyReport struct {
	Tables   []TableCopy
	Replaced bool // the target had data and Force emptied it
	Took     time.Duration
}

// Copy copies every table of the SQLite database from into the PostgreSQL
// database to, ids included: all but schema_migrations (to's own migrations
// fill it), storage_mode (how a shared file is opened means nothing on a
// server) and the search index (0004 on SQLite, which PostgreSQL's indexes
// replace). Both are already migrated by Open, so their schemas
// match step for step.
//
// The source is read inside one read transaction (a consistent snapshot
// even if someone writes meanwhile); the target is written inside one
// transaction, in batches, and its identity sequences are moved past the
// copied ids. Before committing, each target table is counted and must hold
// exactly the rows read: otherwise nothing is committed.
func Copy(ctx context.Context, from, to *DB, opts CopyOptions) (CopyReport, error) {
	start := time.Now()
	if from.Engine != SQLite || to.Engine != Postgres {
		return CopyReport{}, fmt.Errorf("copy goes from an SQLite file to a PostgreSQL database, not %s to %s", from.Engine, to.Engine)
	}
	if opts.BatchRows <= 0 {
		opts.BatchRows = 1000
	}
	var rep CopyReport
	// SQLite has one connection per process (Open): everything read from it
	// happens on that pinned connection, inside its snapshot.
	err := from.WithContext(ctx).Connection(func(src *gorm.DB) error {
		if err := src.Exec("BEGIN").Error; err != nil {
			return err
		}
		defer src.WithContext(context.WithoutCancel(ctx)).Exec("ROLLBACK")
		tables, err := sqliteTables(src)
		if err != nil {
			return err
		}
		return to.WithContext(ctx).Transaction(func(dst *gorm.DB) error {
			var err error
			rep, err = copyTables(src, dst, tables, opts)
			return err
		})
	})
	if err != nil {
		return CopyReport{}, Classify(err)
	}
	// Fresh statistics and visibility map for the new rows, at once: the
	// planner then knows the tables' sizes, and counts over an index need
	// not visit every row (autovacuum would get there, minutes later).
	for _, t := range rep.Tables {
		if err := to.WithContext(ctx).Exec(`VACUUM (ANALYZE) ` + quoteIdent(t.Table)).Error; err != nil {
			slog.Warn("vacuum after the copy", "table", t.Table, "err", err)
		}
	}
	rep.Took = time.Since(start)
	return rep, nil
}

// sqliteTables lists the ordinary tables of the source, parents before the
// tables whose foreign keys point at them.
func sqliteTables(src *gorm.DB) ([]string, error) {
	var names []string
	if err := src.Raw(`SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table'
		AND name NOT LIKE 'sqlite%' AND name NOT IN ('schema_migrations', 'storage_mode', 'contacts_count') ORDER BY name`).Scan(&names).Error; err != nil {
		return nil, err
	}
	parents := map[string][]string{}
	for _, t := range names {
		var refs []string
		if err := src.Raw(`SELECT DISTINCT "table" FROM pragma_foreign_key_list(?)`, t).Scan(&refs).Error; err != nil {
			return nil, err
		}
		parents[t] = refs
	}
	var ordered []string
	done := map[string]bool{}
	var visit func(t string, depth int) error
	visit = func(t string, depth int) error {
		if done[t] {
			return nil
		}
		if depth > len(names) {
			return fmt.Errorf("the foreign keys of table %s form a cycle", t)
		}
		for _, p := range parents[t] {
			if p != t && slices.Contains(names, p) {
				if err := visit(p, depth+1); err != nil {
					return err
				}
			}
		}
		done[t] = true
		ordered = append(ordered, t)
		return nil
	}
	for _, t := range names {
		if err := visit(t, 0); err != nil {
			return nil, err
		}
	}
	return ordered, nil
}

func copyTables(src, dst *gorm.DB, tables []string, opts CopyOptions) (CopyReport, error) {
	var rep CopyReport
	cols := map[string][]string{}
	var nonEmpty []string
	for _, t := range tables {
		c, err := columnsBoth(src, dst, t)
		if err != nil {
			return rep, err
		}
		cols[t] = c
		var n int64
		if err := dst.Raw(`SELECT count(*) FROM ` + quoteIdent(t)).Scan(&n).Error; err != nil {
			return rep, err
		}
		if n > 0 {
			nonEmpty = append(nonEmpty, fmt.Sprintf("%s (%d rows)", t, n))
		}
	}
	if len(nonEmpty) > 0 {
		if !opts.Force {
			return rep, fmt.Errorf("%w: %s; use --force to replace it", ErrTargetNotEmpty, strings.Join(nonEmpty, ", "))
		}
		quoted := make([]string, len(tables))
		for i, t := range tables {
			quoted[i] = quoteIdent(t)
		}
		if err := dst.Exec(`TRUNCATE ` + strings.Join(quoted, ", ") + ` RESTART IDENTITY CASCADE`).Error; err != nil {
			return rep, err
		}
		rep.Replaced = true
	}
	// Index builds from sorted data want more than the default 64 MB.
	if err := dst.Exec(`SET LOCAL maintenance_work_mem = '256MB'`).Error; err != nil {
		return rep, err
	}
	for _, t := range tables {
		indexes, err := dropIndexes(dst, t)
		if err != nil {
			return rep, fmt.Errorf("table %s: %w", t, err)
		}
		n, err := copyTable(src, dst, t, cols[t], opts.BatchRows)
		if err != nil {
			return rep, err
		}
		for _, def := range indexes {
			if err := dst.Exec(def).Error; err != nil {
				return rep, fmt.Errorf("table %s: rebuild index: %w", t, err)
			}
		}
		if err := resetIdentity(dst, t); err != nil {
			return rep, fmt.Errorf("table %s: %w", t, err)
		}
		var want, got int64
		if err := src.Raw(`SELECT count(*) FROM ` + quoteIdent(t)).Scan(&want).Error; err != nil {
			return rep, err
		}
		if err := dst.Raw(`SELECT count(*) FROM ` + quoteIdent(t)).Scan(&got).Error; err != nil {
			return rep, err
		}
		if got != want || n != want {
			return rep, fmt.Errorf("table %s: the source has %d rows, %d were copied and the target has %d; nothing was kept", t, want, n, got)
		}
		rep.Tables = append(rep.Tables, TableCopy{Table: t, Rows: got})
	}
	return rep, nil
}

// columnsBoth returns the source columns of table t, after checking that
// the target has the table and every one of them.
func columnsBoth(src, dst *gorm.DB, t string) ([]string, error) {
	var srcCols, dstCols []string
	if err := src.Raw(`SELECT name FROM pragma_table_info(?) ORDER BY cid`, t).Scan(&srcCols).Error; err != nil {
		return nil, err
	}
	if err := dst.Raw(`SELECT column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = ?`, t).Scan(&dstCols).Error; err != nil {
		return nil, err
	}
	if len(dstCols) == 0 {
		return nil, fmt.Errorf("table %s has no counterpart on PostgreSQL (a schema step is missing from the PostgreSQL list)", t)
	}
	for _, c := range srcCols {
		if !slices.Contains(dstCols, c) {
			return nil, fmt.Errorf("column %s.%s has no counterpart on PostgreSQL", t, c)
		}
	}
	return srcCols, nil
}

// copyTable copies table t in rowid order, batchRows at a time, and returns
// how many rows it wrote.
func copyTable(src, dst *gorm.DB, t string, cols []string, batchRows int) (int64, error) {
	batchRows = max(1, min(batchRows, 60000/len(cols)))
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = quoteIdent(c)
	}
	sel := `SELECT rowid, ` + strings.Join(quoted, ", ") + ` FROM ` + quoteIdent(t) + ` WHERE rowid > ? ORDER BY rowid LIMIT ?`
	ins := `INSERT INTO ` + quoteIdent(t) + ` (` + strings.Join(quoted, ", ") + `) VALUES `
	tuple := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	var copied, after int64
	for {
		rows, err := src.Raw(sel, after, batchRows).Rows()
		if err != nil {
			return copied, fmt.Errorf("read %s: %w", t, err)
		}
		var args []any
		n, first := 0, after+1
		for rows.Next() {
			vals := make([]any, len(cols)+1)
			ptrs := make([]any, len(vals))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				_ = rows.Close()
				return copied, fmt.Errorf("read %s: %w", t, err)
			}
			after = vals[0].(int64)
			args = append(args, vals[1:]...)
			n++
		}
		if err := rows.Close(); err != nil {
			return copied, fmt.Errorf("read %s: %w", t, err)
		}
		if n == 0 {
			return copied, nil
		}
		stmt := ins + strings.TrimSuffix(strings.Repeat(tuple+", ", n), ", ")
		if err := dst.Exec(stmt, args...).Error; err != nil {
			return copied, fmt.Errorf("write %s rows with rowid %d to %d: %w", t, first, after, err)
		}
		copied += int64(n)
	}
}

// dropIndexes drops the secondary indexes of table t (not those behind a
// primary key or unique constraint) and returns the statements that rebuild
// them. Building an index once over the copied rows is several times faster
// than updating it row by row (the trigram GIN indexes most of all: 200,000
// contacts took 21 s with them in place, 1 s plus 5 s to build them after).
// It all happens inside the copy's transaction, so a failure leaves the
// indexes as they were.
func dropIndexes(dst *gorm.DB, t string) ([]string, error) {
	var idx []struct {
		Name string `gorm:"column:indexname"`
		Def  string `gorm:"column:indexdef"`
	}
	if err := dst.Raw(`SELECT i.indexname, i.indexdef FROM pg_indexes i
		WHERE i.schemaname = current_schema() AND i.tablename = ?
		AND NOT EXISTS (SELECT 1 FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
			WHERE n.nspname = i.schemaname AND c.conname = i.indexname)
		ORDER BY i.indexname`, t).Scan(&idx).Error; err != nil {
		return nil, err
	}
	defs := make([]string, len(idx))
	for i, x := range idx {
		if err := dst.Exec(`DROP INDEX ` + quoteIdent(x.Name)).Error; err != nil {
			return nil, err
		}
		defs[i] = x.Def
	}
	return defs, nil
}

// resetIdentity moves table t's identity sequence past its highest id, so
// the next row the app inserts does not collide with a copied one.
func resetIdentity(dst *gorm.DB, t string) error {
	var idCols []string
	if err := dst.Raw(`SELECT column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = ? AND is_identity = 'YES'`, t).Scan(&idCols).Error; err != nil {
		return err
	}
	for _, c := range idCols {
		if err := dst.Exec(`SELECT setval(pg_get_serial_sequence(?, ?), coalesce((SELECT max(`+quoteIdent(c)+`) FROM `+quoteIdent(t)+`), 0) + 1, false)`,
			quoteIdent(t), c).Error; err != nil {
			return err
		}
	}
	return nil
}

// quoteIdent quotes a table or column name for both engines.
func quoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}
