package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// The page cache during bulk inserts.
//
// An import of tens of thousands of contacts into a file of a million
// dirties most leaf pages of each of the contacts indexes (the rows arrive
// in random name, email, address and agent order): about 280 MB of pages for
// 50,000 contacts into the bench's 1M file. With the usual 64 MiB cache
// SQLite spills dirty pages to the WAL in the middle of the transaction,
// copies them into the statement journal first, and reads them back when the
// next row touches them again; with room for them all it writes each page
// once, at COMMIT. The bench's import (`banlist-bench -parts insert`) used
// about a quarter less CPU with the larger cache. The cache only grows as
// pages are used, and WriteTx shrinks it back when the transaction ends.

// cacheSize is the page cache of every connection, in KiB (negative, as
// PRAGMA cache_size reads it): 64 MiB instead of SQLite's 2 MiB, so the
// report's indexes on a million contacts stay in memory (first page 11 ms →
// 1 ms, docs/BENCHMARKS.md). One connection per process, so 64 MiB at most.
const cacheSize = -64 << 10

// bulkCacheSize is the page cache during a bulk insert (growCache): 512 MiB.
const bulkCacheSize = -512 << 10

// bulkCacheRows is the smallest insert that grows the cache: a smaller one
// dirties too few pages to spill.
const bulkCacheRows = 1000

// growCache raises the page cache of this transaction's connection to
// bulkCacheSize on SQLite, once per transaction; WriteTx puts it back after
// COMMIT or ROLLBACK. Outside WriteTx (a Session) it does nothing, since
// nothing would shrink the cache again.
func (tx *Tx) growCache(rows int) error {
	if tx.grown || rows < bulkCacheRows || tx.Engine() != SQLite || !tx.inWrite {
		return nil
	}
	if err := tx.g.Exec(fmt.Sprintf("PRAGMA cache_size = %d", bulkCacheSize)).Error; err != nil {
		return err
	}
	tx.grown = true
	return nil
}

// shrinkCache puts the connection's page cache back to cacheSize after a
// transaction that grew it, which frees the pages above that size. A failure
// leaves only a larger cache, so it is not reported.
func (tx *Tx) shrinkCache(ctx context.Context, pinned *gorm.DB) {
	if tx.grown {
		_ = pinned.WithContext(context.WithoutCancel(ctx)).Exec(fmt.Sprintf("PRAGMA cache_size = %d", cacheSize)).Error
	}
}
