package store

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"syscall"
)

// File faults found before SQLite touches the path.
var (
	ErrIsFolder   = errors.New("the database path is a folder")
	ErrSymlink    = errors.New("the database path is a symbolic link to nothing")
	ErrNotRegular = errors.New("the database path is not a regular file")
	ErrExposed    = errors.New("the database file is readable by other users and could not be made private")
)

// sidecars are the files SQLite keeps next to a database.
var sidecars = []string{"-wal", "-shm", "-journal"}

// prepareFile makes path safe for SQLite to open, before it does:
//
//   - a missing file is created with mode 0600, never through a symbolic
//     link (O_EXCL|O_NOFOLLOW), so that SQLite does not create it, its WAL
//     and its SHM world-readable at a link's target;
//   - a dangling link, a folder or anything but a regular file is refused
//     with an error that names it (SQLite says "out of memory" for a folder);
//   - an existing file, WAL, SHM or journal open to other users is tightened
//     (logged, with the old mode), or refused when that fails (ErrExposed),
//     since SQLite gives its WAL and SHM the mode of the database file. A
//     local file becomes 0600; a shared one keeps its group permissions (a
//     team on a network share is often one group) and loses the others';
//   - an existing empty file is logged: it becomes a new banlist database,
//     which the caller may refuse instead (database/open does).
//
// A link to an existing file is followed: it is how a database on a share
// is often reached, and creating nothing through it is safe.
func prepareFile(path string, shared bool) error {
	closed := fs.FileMode(0o077) // the permissions taken away
	if shared {
		closed = 0o007
	}
	st, err := os.Lstat(path)
	created := false
	if errors.Is(err, fs.ErrNotExist) {
		f, cerr := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL|syscall.O_NOFOLLOW, 0o600)
		switch {
		case cerr == nil:
			created = true
			if cerr = f.Close(); cerr != nil {
				return fmt.Errorf("create database file: %w", osFault(cerr))
			}
		case !errors.Is(cerr, fs.ErrExist):
			return fmt.Errorf("create database file: %w", osFault(cerr))
		}
		// Check what is there now: ours, or what another process made meanwhile.
		st, err = os.Lstat(path)
	}
	switch {
	case err != nil:
		return fmt.Errorf("database file %s: %w", path, osFault(err))
	case st.Mode()&fs.ModeSymlink != 0:
		dest, _ := os.Readlink(path)
		if st, err = os.Stat(path); err != nil {
			return fmt.Errorf("%w: %s points to %s, which does not exist; banlist does not create files through links", ErrSymlink, path, dest)
		}
	}
	if st.IsDir() {
		return fmt.Errorf("%w: %s", ErrIsFolder, path)
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("%w: %s is a %s", ErrNotRegular, path, fileKind(st.Mode()))
	}
	if err := makePrivate(path, st, closed); err != nil {
		return err
	}
	for _, suffix := range sidecars {
		side := path + suffix
		sst, err := os.Lstat(side)
		if err != nil {
			continue // absent: SQLite creates it with the database's mode
		}
		if !sst.Mode().IsRegular() {
			return fmt.Errorf("%w: %s is a %s, not SQLite's own file", ErrNotRegular, side, fileKind(sst.Mode()))
		}
		if err := makePrivate(side, sst, closed); err != nil {
			return err
		}
	}
	if st.Size() == 0 && !created {
		slog.Warn("the database file was empty; it becomes a new banlist database", "path", path)
	}
	return nil
}

// makePrivate takes the permissions in closed away from path, saying so.
func makePrivate(path string, st fs.FileInfo, closed fs.FileMode) error {
	mode := st.Mode().Perm()
	if mode&closed == 0 {
		return nil
	}
	if err := os.Chmod(path, mode&^closed); err != nil {
		return fmt.Errorf("%w: %s has mode %04o; remove the other users' access with chmod %04o (%v)", ErrExposed, path, mode, mode&^closed, err)
	}
	slog.Warn("the database file was open to other users; tightened", "path", path, "was", fmt.Sprintf("%04o", mode), "now", fmt.Sprintf("%04o", mode&^closed))
	return nil
}

func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeDevice != 0:
		return "device"
	case m&fs.ModeSymlink != 0:
		return "symbolic link"
	}
	return "special file"
}
