package cli

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// startServe runs `banlist serve` with args on a fresh database and returns
// its base URL ("http://host:port") once it prints its serving line.
func startServe(t *testing.T, args ...string) string {
	t.Helper()
	dir := t.TempDir()
	pr, pw := io.Pipe()
	env := Env{
		UI:     fstest.MapFS{"index.html": {Data: []byte("<!doctype html><title>banlist</title>")}, "assets/a.js": {Data: []byte("1")}},
		Stdout: pw, Stderr: io.Discard,
		Getenv: func(k string) string {
			if k == "BANLIST_SETTINGS" {
				return filepath.Join(dir, "settings.json")
			}
			return ""
		},
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, append([]string{"serve", "--db", filepath.Join(dir, "b.db"), "--no-demo"}, args...), env)
		_ = pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "banlist serving on ") {
				lines <- strings.TrimPrefix(sc.Text(), "banlist serving on ")
			}
		}
	}()
	select {
	case u := <-lines:
		return u
	case err := <-done:
		t.Fatalf("serve stopped: %v", err)
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not start")
	}
	return ""
}

// get sends GET base+path with the Host header set to host (as a browser
// following a rebound name would) and returns the status and body.
func get(t *testing.T, base, path, host string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("GET", base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	client := &http.Client{Timeout: 10 * time.Second}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	// The event stream never ends: one read is enough to see its status.
	buf := make([]byte, 4096)
	n, _ := io.ReadAtLeast(res.Body, buf, 1)
	return res.StatusCode, string(buf[:n])
}

func TestServeRefusesForeignHostNamesEverywhere(t *testing.T) {
	base := startServe(t, "--addr", "127.0.0.1:0", "--host", "banlist.team.example", "--host", "desk-7")
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(base, "http://"))
	paths := []string{"/api/v1/bans", "/api/v1/info", "/api/v1/events", "/", "/contacts/3", "/assets/a.js", "/api/v1/check?ip=192.0.2.1", "/v1/decisions"}
	for _, host := range []string{"evil.example:" + port, "evil.example", "127.0.0.1.nip.io:" + port, "localhost.evil.example:" + port, "[::1]:" + port, "10.0.0.1:" + port} {
		for _, p := range paths {
			status, body := get(t, base, p, host)
			if status != http.StatusMisdirectedRequest || !strings.Contains(body, `"code":"misdirected"`) {
				t.Errorf("Host %s %s: %d %s", host, p, status, body)
			}
		}
	}
	for _, host := range []string{"", "localhost:" + port, "LOCALHOST.:" + port, "127.0.0.1", "banlist.team.example:" + port, "Desk-7:" + port} {
		for _, p := range []string{"/api/v1/info", "/api/v1/events", "/"} {
			if status, body := get(t, base, p, host); status != http.StatusOK {
				t.Errorf("Host %q %s: %d %s", host, p, status, body)
			}
		}
	}
}

// An HTTP/1.0 request without any Host cannot come from a browser (so it
// cannot be DNS rebinding): a chat server's plain script is answered.
func TestServeAnswersARequestWithoutHost(t *testing.T) {
	base := startServe(t, "--addr", "127.0.0.1:0")
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET /api/v1/check?ip=192.0.2.1 HTTP/1.0\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	reply, _ := io.ReadAll(conn)
	if !strings.HasPrefix(string(reply), "HTTP/1.0 200") || !strings.Contains(string(reply), `"blocked":false`) {
		t.Fatalf("reply: %.200s", reply)
	}
}

func TestServeOnIPv6LoopbackAcceptsItsBracketedAddress(t *testing.T) {
	if ln, err := net.Listen("tcp", "[::1]:0"); err != nil {
		t.Skip("no IPv6 loopback here:", err)
	} else {
		ln.Close()
	}
	base := startServe(t, "--addr", "[::1]:0")
	if !strings.HasPrefix(base, "http://[::1]:") {
		t.Fatalf("serving on %s", base)
	}
	if status, body := get(t, base, "/api/v1/info", ""); status != http.StatusOK {
		t.Fatalf("[::1] itself: %d %s", status, body)
	}
	if status, _ := get(t, base, "/api/v1/info", "attacker.example"); status != http.StatusMisdirectedRequest {
		t.Fatalf("a foreign name on IPv6: %d", status)
	}
	if status, _ := get(t, base, "/api/v1/info", "127.0.0.1"); status != http.StatusMisdirectedRequest {
		t.Fatalf("another address than the one listened on: %d", status)
	}
}

func TestHostFlagRefusesAPortOrScheme(t *testing.T) {
	for _, bad := range []string{"", "http://x.example", "x.example:8080", "a b"} {
		var h hostList
		if err := h.Set(bad); err == nil {
			t.Errorf("--host %q was accepted", bad)
		}
	}
}
