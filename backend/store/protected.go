package store

import (
	"context"
)

// Protected is one never-ban entry: an address or range no ban may cover.
type Protected struct {
	ID        int64  `gorm:"column:id"`
	Target    string `gorm:"column:target"`
	IsRange   bool   `gorm:"column:is_range"`
	Notes     string `gorm:"column:notes"`
	CreatedBy string `gorm:"column:created_by"`
	CreatedAt int64  `gorm:"column:created_at"`
}

const protectedCols = `id, target, is_range, notes, created_by, created_at`

// ListProtected returns every never-ban entry in address order.
func (db *DB) ListProtected(ctx context.Context) ([]Protected, error) {
	out := []Protected{}
	err := db.WithContext(ctx).Raw(`SELECT ` + protectedCols + ` FROM protected ORDER BY lo, hi, id`).Scan(&out).Error
	return out, err
}

// ProtectedOverlapping returns the never-ban entries that share at least one
// address with the span lo..hi (16-byte keys): an entry inside the span, the
// span inside an entry, or a partial overlap.
func (tx *Tx) ProtectedOverlapping(lo, hi [16]byte) ([]Protected, error) {
	var out []Protected
	err := tx.g.Raw(`SELECT `+protectedCols+` FROM protected
		WHERE lo <= ? AND hi >= ? ORDER BY lo, id`, hi[:], lo[:]).Scan(&out).Error
	return out, err
}

// ProtectedByTarget returns the entry with exactly this normalized target, if any.
func (tx *Tx) ProtectedByTarget(target string) (Protected, bool, error) {
	var p Protected
	res := tx.g.Raw(`SELECT `+protectedCols+` FROM protected WHERE target = ?`, target).Scan(&p)
	return p, res.RowsAffected > 0, res.Error
}

// GetProtected returns entry id, if it exists.
func (tx *Tx) GetProtected(id int64) (Protected, bool, error) {
	var p Protected
	res := tx.g.Raw(`SELECT `+protectedCols+` FROM protected WHERE id = ?`, id).Scan(&p)
	return p, res.RowsAffected > 0, res.Error
}

// AddProtected inserts p covering lo..hi and returns it with its id.
func (tx *Tx) AddProtected(p Protected, lo, hi [16]byte) (Protected, error) {
	err := tx.g.Raw(`INSERT INTO protected(target, is_range, lo, hi, notes, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		p.Target, boolInt(p.IsRange), lo[:], hi[:], p.Notes, p.CreatedBy, p.CreatedAt).Scan(&p.ID).Error
	return p, err
}

// DeleteProtected removes entry id.
func (tx *Tx) DeleteProtected(id int64) error {
	return tx.g.Exec(`DELETE FROM protected WHERE id = ?`, id).Error
}

// ActiveBanIDsOverlapping returns the ids of bans active at now (Unix ms)
// that share at least one address with lo..hi, soonest ending last.
func (tx *Tx) ActiveBanIDsOverlapping(lo, hi [16]byte, now int64) ([]int64, error) {
	var ids []int64
	err := tx.g.Raw(`SELECT id FROM bans
		WHERE `+activeAt("")+` AND lo <= ? AND hi >= ?
		ORDER BY lo, id`, now, hi[:], lo[:]).Scan(&ids).Error
	return ids, err
}
