package store

// CacheSize returns PRAGMA cache_size of tx's connection, for tests of the
// bulk insert's page cache (bulkcache.go).
func (tx *Tx) CacheSize() (int64, error) {
	var n int64
	err := tx.g.Raw(`PRAGMA cache_size`).Scan(&n).Error
	return n, err
}
