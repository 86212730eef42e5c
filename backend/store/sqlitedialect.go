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
	switch {
	case (code == sqliteConstraintUnique || code == sqliteConstraintPrimaryKey) && !errors.Is(err, gorm.ErrDuplicatedKey):
		return fmt.Errorf("%w: %w", gorm.ErrDuplicatedKey, err)
	case code == sqliteConstraintForeignKey && !errors.Is(err, gorm.ErrForeignKeyViolated):
		return fmt.Errorf("%w: %w", gorm.ErrForeignKeyViolated, err)
	}
	return err
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
