package store

import (
	"context"
)

// Token is one named API token. Hash is apikey.Hash of the token; the token
// itself is never stored.
type Token struct {
	ID         int64  `gorm:"column:id"`
	Name       string `gorm:"column:name"`
	Role       string `gorm:"column:role"`
	Hash       string `gorm:"column:hash"`
	CreatedBy  string `gorm:"column:created_by"`
	CreatedAt  int64  `gorm:"column:created_at"`
	LastUsedAt *int64 `gorm:"column:last_used_at"`
}

const tokenCols = `id, name, role, hash, created_by, created_at, last_used_at`

// ListTokens returns every token by name.
func (db *DB) ListTokens(ctx context.Context) ([]Token, error) {
	out := []Token{}
	err := db.WithContext(ctx).Raw(`SELECT ` + tokenCols + ` FROM api_tokens ORDER BY name`).Scan(&out).Error
	return out, err
}

// TokenByName returns the token called name, if any.
func (tx *Tx) TokenByName(name string) (Token, bool, error) {
	var t Token
	res := tx.g.Raw(`SELECT `+tokenCols+` FROM api_tokens WHERE name = ?`, name).Scan(&t)
	return t, res.RowsAffected > 0, res.Error
}

// TokenByHash returns the token whose stored hash is hash, if any.
func (db *DB) TokenByHash(ctx context.Context, hash string) (Token, bool, error) {
	var t Token
	res := db.WithContext(ctx).Raw(`SELECT `+tokenCols+` FROM api_tokens WHERE hash = ?`, hash).Scan(&t)
	return t, res.RowsAffected > 0, res.Error
}

// AddToken inserts t and returns it with its id.
func (tx *Tx) AddToken(t Token) (Token, error) {
	err := tx.g.Raw(`INSERT INTO api_tokens(name, role, hash, created_by, created_at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`, t.Name, t.Role, t.Hash, t.CreatedBy, t.CreatedAt).Scan(&t.ID).Error
	return t, err
}

// DeleteToken removes token id.
func (tx *Tx) DeleteToken(id int64) error {
	return tx.g.Exec(`DELETE FROM api_tokens WHERE id = ?`, id).Error
}

// TouchToken records that token id was used at (Unix ms). Only a change of
// at least a minute is written, so a busy token does not write on every request.
func (db *DB) TouchToken(ctx context.Context, id, at int64) error {
	return db.WithContext(ctx).Exec(`UPDATE api_tokens SET last_used_at = ?
		WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)`, at, id, at-60_000).Error
}
