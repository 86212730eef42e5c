// Package sharetest gives tests and benchmarks a network share that passes
// no locks between its clients: a private sshd on loopback (its own host key,
// its own authorized keys, in a temporary folder; /root/.ssh is never read
// or written) and one folder mounted twice with sshfs. The two mounts behave
// like two machines on a share: a POSIX byte-range lock taken through one is
// invisible through the other, while mkdir and rename are atomic on the
// server. It also starts and drives real banlist processes.
package sharetest

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Share is a running sshd and two sshfs mounts of Server.
type Share struct {
	Dir    string // temporary folder holding everything
	Server string // the shared folder as the server sees it
	A, B   string // the two mount points ("two machines")
	sshd   *exec.Cmd
}

// Usable says why this machine cannot run a share ("" if it can): root,
// sshd, sshfs, fusermount and /dev/fuse are needed.
func Usable() string {
	if os.Geteuid() != 0 {
		return "needs root (sshd with its own host key, FUSE mounts)"
	}
	for _, bin := range []string{"/usr/sbin/sshd", "sshfs", "fusermount", "ssh-keygen"} {
		if _, err := exec.LookPath(bin); err != nil {
			return bin + " is missing (Debian packages openssh-server, sshfs)"
		}
	}
	if _, err := os.Stat("/dev/fuse"); err != nil {
		_ = exec.Command("modprobe", "fuse").Run()
		if _, err := os.Stat("/dev/fuse"); err != nil {
			return "/dev/fuse is missing and modprobe fuse did not create it"
		}
	}
	return ""
}

// Start creates dir/srv, starts sshd on a free loopback port and mounts
// dir/srv on dir/a and dir/b. Close undoes all of it.
func Start(dir string) (*Share, error) {
	s := &Share{Dir: dir, Server: filepath.Join(dir, "srv"), A: filepath.Join(dir, "a"), B: filepath.Join(dir, "b")}
	for _, d := range []string{s.Server, s.A, s.B} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, err
		}
	}
	hostKey, clientKey := filepath.Join(dir, "host_key"), filepath.Join(dir, "client_key")
	for _, k := range []string{hostKey, clientKey} {
		if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", k).CombinedOutput(); err != nil {
			return nil, fmt.Errorf("ssh-keygen: %v: %s", err, out)
		}
	}
	pub, err := os.ReadFile(clientKey + ".pub")
	if err != nil {
		return nil, err
	}
	keys := filepath.Join(dir, "authorized_keys")
	if err := os.WriteFile(keys, pub, 0o600); err != nil {
		return nil, err
	}
	// sshd refuses to start without its privilege-separation folder.
	if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	s.sshd = exec.Command("/usr/sbin/sshd", "-D", "-e", "-f", "/dev/null",
		"-p", strconv.Itoa(port), "-o", "ListenAddress=127.0.0.1",
		"-h", hostKey, "-o", "AuthorizedKeysFile="+keys, "-o", "StrictModes=no",
		"-o", "PidFile=none", "-o", "UsePAM=no", "-o", "Subsystem=sftp internal-sftp")
	logf, err := os.Create(filepath.Join(dir, "sshd.log"))
	if err != nil {
		return nil, err
	}
	s.sshd.Stdout, s.sshd.Stderr = logf, logf
	if err := s.sshd.Start(); err != nil {
		return nil, fmt.Errorf("start sshd: %w", err)
	}
	if err := waitPort(port, 5*time.Second); err != nil {
		s.Close()
		return nil, fmt.Errorf("sshd did not listen: %w (log in %s)", err, logf.Name())
	}
	for _, mp := range []string{s.A, s.B} {
		// cache=no,direct_io: each mount asks the server for every attribute
		// and every read. Without direct_io the kernel's page cache of one
		// mount serves SQLite stale pages (the dot-file lock, unlike POSIX
		// locks on NFS, does not invalidate it), and the file was measured
		// corrupt ("row missing from index"); see docs/SHARED.md.
		opts := "IdentityFile=" + clientKey + ",StrictHostKeyChecking=no,UserKnownHostsFile=/dev/null,LogLevel=ERROR,cache=no,direct_io"
		out, err := exec.Command("sshfs", "-p", strconv.Itoa(port), "-o", opts, "root@127.0.0.1:"+s.Server, mp).CombinedOutput()
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("sshfs %s: %v: %s", mp, err, out)
		}
	}
	return s, nil
}

// Close unmounts both mounts (lazily if busy) and stops sshd. It is safe to
// call more than once and after a partial Start.
func (s *Share) Close() {
	for _, mp := range []string{s.A, s.B} {
		if isMounted(mp) {
			if exec.Command("fusermount", "-u", mp).Run() != nil {
				_ = exec.Command("fusermount", "-u", "-z", mp).Run()
			}
		}
	}
	if s.sshd != nil && s.sshd.Process != nil {
		_ = s.sshd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = s.sshd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(3 * time.Second):
			_ = s.sshd.Process.Kill()
			<-done
		}
		s.sshd = nil
	}
}

func isMounted(mp string) bool {
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) > 4 && f[4] == mp {
			return true
		}
	}
	return false
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func waitPort(port int, d time.Duration) error {
	deadline := time.Now().Add(d)
	for {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 200*time.Millisecond)
		if err == nil {
			return c.Close()
		}
		if time.Now().After(deadline) {
			return errors.Join(errors.New("timeout"), err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
