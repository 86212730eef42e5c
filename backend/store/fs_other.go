//go:build !linux

package store

import "os"

// fileIDs has no inode or change time to offer here; the modification time
// alone then identifies a lock folder's state.
func fileIDs(os.FileInfo) (uint64, int64) { return 0, 0 }

// detectFS is not implemented outside Linux yet.
func detectFS(string) (kind, name string) { return FSUnknown, "unknown" }
