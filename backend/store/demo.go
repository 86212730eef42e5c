package store

// ClaimDemoSeed records in settings that the demo contacts were offered (at
// is the time, as text) and reports whether they should be loaded now: only
// the first time, and only into a database without contacts. Two processes
// opening a new shared file at once both call it inside their write
// transaction; only the first one is told to load.
func (tx *Tx) ClaimDemoSeed(at string) (bool, error) {
	n, err := tx.CountContacts()
	if err != nil {
		return false, err
	}
	res := tx.g.Exec(`INSERT INTO settings(key, value) VALUES ('demo_loaded', ?) ON CONFLICT DO NOTHING`, at)
	if res.Error != nil {
		return false, res.Error
	}
	return n == 0 && res.RowsAffected == 1, nil
}
