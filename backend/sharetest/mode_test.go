package sharetest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// bin is the banlist binary under test, built once per test run.
func bin(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "banlist-sharetest-bin")
		if err != nil {
			binErr = err
			return
		}
		binPath, binErr = Binary(dir)
	})
	if binErr != nil {
		t.Fatalf("banlist binary: %v", binErr)
	}
	return binPath
}

func serve(t *testing.T, args ...string) *Serve {
	t.Helper()
	s, err := StartServe(bin(t), t.TempDir(), args...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	return s
}

type info struct {
	Mode    string `json:"mode"`
	Storage struct {
		Shared  bool   `json:"shared"`
		Lock    string `json:"lock"`
		Journal string `json:"journal"`
	} `json:"storage"`
	FileSystem struct {
		Kind, Name, Meaning string
	} `json:"fileSystem"`
}

func getInfo(t *testing.T, s *Serve) info {
	t.Helper()
	var in info
	if code, body, err := s.Call("GET", "/api/v1/info", nil, &in); err != nil || code != 200 {
		t.Fatalf("info: %d %s %v", code, body, err)
	}
	return in
}

func journalByte(t *testing.T, path string) byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil || len(b) < 100 {
		t.Fatalf("read %s: %v", path, err)
	}
	return b[18]
}

// Issue 11.3, first order: a command run without --shared on a file that a
// shared process uses keeps it shared (no WAL), and both report the mode
// read from the file.
func TestCommandWithoutSharedFlagKeepsASharedFileShared(t *testing.T) {
	db := filepath.Join(t.TempDir(), "team.db")
	shared := serve(t, "--db", db, "--shared")
	if code, body, err := shared.Call("POST", "/api/v1/bans", map[string]string{"ip": "203.0.113.7", "period": "1d"}, nil); err != nil || code != 200 {
		t.Fatalf("ban: %d %s %v", code, body, err)
	}
	out, err := exec.Command(bin(t), "export", "bans", "--db", db, "--settings", filepath.Join(t.TempDir(), "s.json")).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "203.0.113.7") {
		t.Fatalf("export without --shared: %v: %s", err, out)
	}
	if b := journalByte(t, db); b != 1 {
		t.Fatalf("after the export the file header says journal %d, want 1 (rollback), not 2 (WAL)", b)
	}
	if _, err := os.Stat(db + "-wal"); err == nil {
		t.Fatal("the export created a -wal file next to the shared database")
	}
	// A desktop-like process started without the flag adopts the mode too.
	plain := serve(t, "--db", db)
	for _, s := range []*Serve{shared, plain} {
		in := getInfo(t, s)
		if in.Mode != "shared" || !in.Storage.Shared || in.Storage.Lock != "unix-dotfile" || in.Storage.Journal != "delete" {
			t.Fatalf("info = %+v, want shared, unix-dotfile, delete read from the file", in)
		}
	}
	// The process without the flag bans through the same lock: the other sees it.
	if code, body, err := plain.Call("POST", "/api/v1/bans", map[string]string{"ip": "203.0.113.8", "period": "1h"}, nil); err != nil || code != 200 {
		t.Fatalf("ban through the second process: %d %s %v", code, body, err)
	}
	deadline := time.Now().Add(3 * time.Second)
	for {
		var c struct{ Blocked bool }
		shared.Call("GET", "/api/v1/check?ip=203.0.113.8", nil, &c)
		if c.Blocked {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the shared process did not see the other's ban within 3 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Issue 11.3, reverse order: a WAL file that a process opened without
// --shared cannot be made shared under it, and the message says so instead
// of "locked by another program for too long".
func TestSharedProcessOnAFileInUseAsLocalNamesTheCause(t *testing.T) {
	db := filepath.Join(t.TempDir(), "team.db")
	local := serve(t, "--db", db)
	if in := getInfo(t, local); in.Storage.Shared || in.Storage.Journal != "wal" {
		t.Fatalf("local process info = %+v", in)
	}
	start := time.Now()
	_, err := StartServe(bin(t), t.TempDir(), "--db", db, "--shared")
	if err == nil {
		t.Fatal("a shared process started on a file another process uses as a local WAL file")
	}
	msg := err.Error()
	if !strings.Contains(msg, "without --shared") || !strings.Contains(msg, "local (WAL)") {
		t.Fatalf("message does not name the cause: %s", msg)
	}
	if strings.Contains(msg, "too long") {
		t.Fatalf("message still blames a long lock: %s", msg)
	}
	t.Logf("refused after %v: %s", time.Since(start).Round(time.Millisecond), strings.TrimSpace(msg))
	if b := journalByte(t, db); b != 2 {
		t.Fatalf("the refused process changed the journal byte to %d", b)
	}
	// Once the local process is gone the file can be made shared.
	local.Stop()
	shared := serve(t, "--db", db, "--shared")
	if in := getInfo(t, shared); !in.Storage.Shared || in.Storage.Journal != "delete" {
		t.Fatalf("after the local process ended: %+v", in)
	}
}
