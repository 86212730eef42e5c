package store

import (
	"errors"
	"fmt"

	"github.com/glebarez/sqlite"
	"gorm.io/gorm"
)

// SQLite extended result codes of the constraint violations callers test
// for with errors.Is(err, gorm.Err…).
const (
	sqliteConstraintForeignKey = 787
	sqliteConstraintPrimaryKey = 1555
	sqliteConstraintUnique     = 2067
)

// sqliteDialector is GORM's SQLite dialect (glebarez/sqlite) over the
// store's own driver (sqlitedriver). The dialect translates only its own
// driver's errors, so the constraint violations are translated here, keeping
// SQLite's message.
type sqliteDialector struct{ sqlite.Dialector }

// Translate wraps unique and foreign-key violations in GORM's errors.
func (sqliteDialector) Translate(err error) error {
	code, ok := sqliteExtendedCode(err)
	if !ok {
		return err
	}
	switch code {
	case sqliteConstraintUnique, sqliteConstraintPrimaryKey:
		return wrapAs(gorm.ErrDuplicatedKey, err)
	case sqliteConstraintForeignKey:
		return wrapAs(gorm.ErrForeignKeyViolated, err)
	}
	return err
}

// wrapAs wraps err in kind (a GORM error callers test with errors.Is),
// keeping the driver's message, unless it is wrapped already.
func wrapAs(kind, err error) error {
	if errors.Is(err, kind) {
		return err
	}
	return fmt.Errorf("%w: %w", kind, err)
}

// sqliteExtendedCode is the extended SQLite result code err carries.
func sqliteExtendedCode(err error) (int, bool) {
	var coded interface{ Code() int }
	if errors.As(err, &coded) {
		return coded.Code(), true
	}
	return 0, false
}

// translateRowErrors applies translate to the errors of Raw(…).Scan/Rows
// too: GORM translates the errors of Exec but sets those of a query
// directly, so an INSERT … RETURNING that hits a unique index would surface
// as a bare driver error instead of gorm.ErrDuplicatedKey.
func translateRowErrors(gdb *gorm.DB, translate func(error) error) error {
	return gdb.Callback().Row().After("gorm:row").Register("banlist:translate", func(tx *gorm.DB) {
		if tx.Error != nil {
			tx.Error = translate(tx.Error)
		}
	})
}
