package contacts

import (
	"context"

	"banlist/backend/store"
)

// ProgressFunc is told how far an import has got: phase "reading" counts
// bytes of the file, "saving" counts rows stored.
type ProgressFunc func(phase string, done, total int64)

// progressChunk is how many rows are stored between two progress reports.
const progressChunk = 5000

// insertReporting stores cs inside tx in chunks, reporting after each one
// and stopping (so that the transaction rolls back) if ctx ends.
func insertReporting(ctx context.Context, tx *store.Tx, cs []Contact, progress ProgressFunc) error {
	total := int64(len(cs))
	for start := 0; start < len(cs); start += progressChunk {
		if err := ctx.Err(); err != nil {
			return err
		}
		end := min(start+progressChunk, len(cs))
		if err := InsertTx(tx, cs[start:end]); err != nil {
			return err
		}
		if progress != nil {
			progress("saving", int64(end), total)
		}
	}
	return ctx.Err()
}
