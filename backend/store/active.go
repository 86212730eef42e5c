package store

// activeAt is the one rule for an active ban, as an SQL condition: not
// lifted, and ending after the time in the next parameter (UTC Unix ms). A
// ban ends exactly at expires_at, so at that millisecond it is no longer
// active. alias qualifies the columns ("" or "b." for a table aliased b).
func activeAt(alias string) string {
	return alias + "removed_at IS NULL AND " + alias + "expires_at > ?"
}

// activeAtBySeek is activeAt for statements that find bans by address: the
// expiry is compared without its index (SQLite's unary +), so that SQLite
// seeks bans_live by (removed_at, lo) instead of scanning every active ban
// through bans_active. The same rule, the same parameter.
func (d dialect) activeAtBySeek(alias string) string {
	return alias + "removed_at IS NULL AND " + d.unindexed(alias+"expires_at") + " > ?"
}
