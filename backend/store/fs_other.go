//go:build !linux

package store

import "os"

// fileIno has no inode number to offer here; the modification time alone
// then identifies a lock folder's state.
func fileIno(os.FileInfo) uint64 { return 0 }

// detectFS is not implemented outside Linux yet.
func detectFS(string) (kind, name string) { return FSUnknown, "unknown" }
