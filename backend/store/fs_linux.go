package store

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// fileIno returns the inode number of fi.
func fileIno(fi os.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return st.Ino
	}
	return 0
}

// Magic numbers of statfs(2)'s f_type (linux/magic.h) for the file systems
// that matter to a shared database.
const (
	magicNFS   = 0x6969
	magicSMB   = 0x517b
	magicCIFS  = 0xff534d42
	magicSMB2  = 0xfe534d42
	magicFUSE  = 0x65735546
	magicExt   = 0xef53
	magicXFS   = 0x58465342
	magicBtrfs = 0x9123683e
	magicTmpfs = 0x01021994
	magicZFS   = 0x2fc12fc1
	magicOvl   = 0x794c7630
)

// detectFS names the file system holding path's folder with statfs(2); for
// FUSE it adds the subtype from /proc/self/mountinfo (fuse.sshfs, …).
func detectFS(path string) (kind, name string) {
	dir := filepath.Dir(path)
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return FSUnknown, "unknown"
	}
	switch uint32(st.Type) {
	case magicNFS:
		return FSNetwork, "nfs"
	case magicSMB, magicCIFS, magicSMB2:
		return FSNetwork, "smb/cifs"
	case magicFUSE:
		return FSFuse, fuseType(dir)
	case magicExt:
		return FSLocal, "ext2/3/4"
	case magicXFS:
		return FSLocal, "xfs"
	case magicBtrfs:
		return FSLocal, "btrfs"
	case magicTmpfs:
		return FSLocal, "tmpfs"
	case magicZFS:
		return FSLocal, "zfs"
	case magicOvl:
		return FSLocal, "overlay"
	}
	return FSUnknown, "unknown"
}

// fuseType finds the mount holding dir in /proc/self/mountinfo (the longest
// mount point that is a prefix of dir) and returns its type, e.g. fuse.sshfs.
func fuseType(dir string) string {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return "fuse"
	}
	defer f.Close()
	if abs, err := filepath.EvalSymlinks(dir); err == nil {
		dir = abs
	}
	best, typ := "", "fuse"
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// id parent major:minor root mountpoint options … - fstype source superopts
		fields := strings.Fields(sc.Text())
		sep := -1
		for i, fl := range fields {
			if fl == "-" {
				sep = i
				break
			}
		}
		if len(fields) < 5 || sep < 0 || sep+1 >= len(fields) {
			continue
		}
		mp := strings.ReplaceAll(fields[4], `\040`, " ")
		if (dir == mp || strings.HasPrefix(dir, strings.TrimSuffix(mp, "/")+"/")) && len(mp) > len(best) {
			best, typ = mp, fields[sep+1]
		}
	}
	return typ
}
