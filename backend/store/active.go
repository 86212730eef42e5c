package store

// activeAt is the one rule for an active ban, as an SQL condition: not
// lifted, and ending after the time in the next parameter (UTC Unix ms). A
// ban ends exactly at expires_at, so at that millisecond it is no longer
// active. alias qualifies the columns ("" or "b." for a table aliased b).
func activeAt(alias string) string {
	return alias + "removed_at IS NULL AND " + alias + "expires_at > ?"
}
