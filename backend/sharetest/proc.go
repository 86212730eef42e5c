package sharetest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Binary returns the banlist binary to run: $BANLIST_BIN if set (the
// Makefile passes build/bin/banlist-test), else one built from this module
// into dir.
func Binary(dir string) (string, error) {
	if bin := os.Getenv("BANLIST_BIN"); bin != "" {
		return bin, nil
	}
	root, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		return "", fmt.Errorf("find the module: %w", err)
	}
	bin := filepath.Join(dir, "banlist")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = strings.TrimSpace(string(root))
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v: %s", err, out)
	}
	return bin, nil
}

// Serve is one running `banlist serve` process.
type Serve struct {
	URL    string
	Cmd    *exec.Cmd
	stderr *SyncBuffer
	done   chan struct{}
}

// SyncBuffer is a bytes.Buffer safe for a writer and a reader goroutine:
// a child process's output, read while it runs.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// StartServe runs `bin serve --addr 127.0.0.1:0 --no-demo --settings … args…`
// and waits for its "banlist serving on" line. On failure the error holds
// what the process printed.
func StartServe(bin, settingsDir string, args ...string) (*Serve, error) {
	full := append([]string{"serve", "--addr", "127.0.0.1:0", "--no-demo",
		"--settings", filepath.Join(settingsDir, fmt.Sprintf("settings-%d.json", time.Now().UnixNano()))}, args...)
	cmd := exec.Command(bin, full...)
	s := &Serve{Cmd: cmd, stderr: &SyncBuffer{}, done: make(chan struct{})}
	cmd.Stderr = s.stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() { _ = cmd.Wait(); close(s.done) }()
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "banlist serving on "); ok {
				lines <- u
			}
		}
		_, _ = io.Copy(io.Discard, out)
	}()
	select {
	case u := <-lines:
		s.URL = u
		return s, nil
	case <-s.done:
		return nil, fmt.Errorf("serve exited: %s", s.stderr.String())
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		<-s.done
		return nil, fmt.Errorf("serve did not start within 60 s: %s", s.stderr.String())
	}
}

// Stderr is what the process logged so far.
func (s *Serve) Stderr() string { return s.stderr.String() }

// Kill sends SIGKILL and waits for the process to end.
func (s *Serve) Kill() {
	_ = s.Cmd.Process.Kill()
	<-s.done
}

// Stop asks the process to end (SIGTERM), killing it after 10 s.
func (s *Serve) Stop() {
	select {
	case <-s.done:
		return
	default:
	}
	_ = s.Cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		s.Kill()
	}
}

// Call sends a JSON request and decodes a JSON answer into out (if not nil).
// It returns the HTTP status; err is for transport failures only.
func (s *Serve) Call(method, path string, body, out any) (int, []byte, error) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.URL+path, r)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, nil, err
	}
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(b, out); err != nil {
			return resp.StatusCode, b, fmt.Errorf("decode %s: %w", b, err)
		}
	}
	return resp.StatusCode, b, nil
}
