package contacts

// SetShortWindow makes short searches look through n contacts until the
// returned func restores the default.
func SetShortWindow(n int) (restore func()) {
	old := shortWindow
	shortWindow = n
	return func() { shortWindow = old }
}
