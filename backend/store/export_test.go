package store

import "gorm.io/gorm"

// Gorm is the GORM session under tx, for the store's own tests (fixtures in
// raw SQL). Only tests see it: everything else reaches the database through
// the store's methods.
func (tx *Tx) Gorm() *gorm.DB { return tx.g }

// CacheSize returns PRAGMA cache_size of tx's connection, for tests of the
// bulk insert's page cache (bulkcache.go).
func (tx *Tx) CacheSize() (int64, error) {
	var n int64
	err := tx.g.Raw(`PRAGMA cache_size`).Scan(&n).Error
	return n, err
}
