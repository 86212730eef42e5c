package bench

import (
	"banlist/backend/sharetest"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"

	"banlist/backend/contacts"
	"banlist/backend/service"
	"banlist/backend/store"
)

// AppResults gathers P4.
type AppResults struct {
	Binaries  []FileSize  `json:"binaries"`
	JSFiles   int         `json:"jsFiles"`
	JSRaw     int64       `json:"jsRaw"`
	JSGzip    int64       `json:"jsGzip"`
	ColdStart []ColdStart `json:"coldStart"`
	ColdNote  string      `json:"coldNote"`
	Mem       *MemResult  `json:"mem"`
	Serve     *ServeMem   `json:"serve"`
	FirstRow  *FirstRow   `json:"firstRow,omitempty"`
}

// FileSize is a file and its size in bytes (0 if missing).
type FileSize struct {
	Path string `json:"path"`
	Size int64  `json:"size"`
}

// ColdStart is the desktop app started under Xvfb until the frontend's
// first call into Go.
type ColdStart struct {
	DB        string        `json:"db"`
	Runs      int           `json:"runs"`
	Method    string        `json:"method"`    // the first bound method called
	SinceLaun Dist          `json:"sinceLaun"` // the app's own since_launch_ms
	Wall      Dist          `json:"wall"`      // from exec to the log line
	Err       string        `json:"err,omitempty"`
	Timeout   time.Duration `json:"-"`
}

// MemResult is what a fresh process holds after the first report page.
type MemResult struct {
	Contacts      int64         `json:"contacts"`
	OpenTime      time.Duration `json:"openTime"`      // store.Open + service.New
	FirstPage     time.Duration `json:"firstPage"`     // the first ListContacts (cold: loads the ban index)
	SecondPage    time.Duration `json:"secondPage"`    // the same call again
	Agents        time.Duration `json:"agents"`        // ListAgents, cold
	HeapInuse     uint64        `json:"heapInuse"`     // runtime.MemStats.HeapInuse after the page
	HeapInuseGC   uint64        `json:"heapInuseGC"`   // the same after runtime.GC()
	RSS           uint64        `json:"rss"`           // VmRSS after the page
	RSSPeak       uint64        `json:"rssPeak"`       // VmHWM
	GoSys         uint64        `json:"goSys"`         // runtime.MemStats.Sys
	NonGoEstimate uint64        `json:"nonGoEstimate"` // RSS - Go Sys (SQLite's page cache, code)
}

// ServeMem is `banlist-test serve` on the big file after one report page.
type ServeMem struct {
	FirstPage time.Duration `json:"firstPage"` // GET /api/v1/contacts, first call
	RSS       uint64        `json:"rss"`
	RSSPeak   uint64        `json:"rssPeak"`
}

// Sizes fills the binary and frontend bundle sizes.
func Sizes(root string, r *AppResults) error {
	for _, b := range []string{"build/bin/banlist", "build/bin/banlist-test"} {
		st, err := os.Stat(filepath.Join(root, b))
		size := int64(0)
		if err == nil {
			size = st.Size()
		}
		r.Binaries = append(r.Binaries, FileSize{Path: b, Size: size})
	}
	files, err := filepath.Glob(filepath.Join(root, "frontend/dist/assets/*.js"))
	if err != nil {
		return err
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
		_, _ = zw.Write(b)
		_ = zw.Close()
		r.JSFiles++
		r.JSRaw += int64(len(b))
		r.JSGzip += int64(buf.Len())
	}
	return nil
}

// procStatus reads VmRSS and VmHWM (bytes) of pid ("self" for this process).
func procStatus(pid string) (rss, hwm uint64) {
	b, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		v, _ := strconv.ParseUint(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			rss = v * 1024
		case "VmHWM:":
			hwm = v * 1024
		}
	}
	return rss, hwm
}

// AppMem is the body of the memory child: open path as the app does, load
// the first report page, and print a MemResult as JSON.
func AppMem(ctx context.Context, path string) error {
	var m MemResult
	t := time.Now()
	db, err := store.Open(ctx, store.Options{Path: path})
	if err != nil {
		return err
	}
	svc := service.New(ctx, db, nil)
	defer svc.Close()
	m.OpenTime = time.Since(t)
	t = time.Now()
	page, err := svc.ListContacts(ctx, contacts.Query{})
	if err != nil {
		return err
	}
	m.FirstPage = time.Since(t)
	m.Contacts = page.Total
	t = time.Now()
	if _, err := svc.ListAgents(ctx); err != nil {
		return err
	}
	m.Agents = time.Since(t)
	t = time.Now()
	if _, err := svc.ListContacts(ctx, contacts.Query{}); err != nil {
		return err
	}
	m.SecondPage = time.Since(t)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	m.HeapInuse, m.GoSys = ms.HeapInuse, ms.Sys
	m.RSS, m.RSSPeak = procStatus("self")
	runtime.GC()
	runtime.ReadMemStats(&ms)
	m.HeapInuseGC = ms.HeapInuse
	if m.RSS > m.GoSys {
		m.NonGoEstimate = m.RSS - m.GoSys
	}
	return json.NewEncoder(os.Stdout).Encode(m)
}

// RunAppMem runs the memory child on path.
func RunAppMem(ctx context.Context, self, path string) (*MemResult, error) {
	out, err := exec.CommandContext(ctx, self, "appmem", "-db", path).Output()
	if err != nil {
		return nil, fmt.Errorf("appmem: %w", err)
	}
	var m MemResult
	if err := json.Unmarshal(out, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

// RunServeMem starts the test binary on path, loads one report page over
// HTTP and reads the server's memory.
func RunServeMem(ctx context.Context, bin, path, dir string) (*ServeMem, error) {
	srv, err := StartServer(ctx, bin, path, dir)
	if err != nil {
		return nil, err
	}
	defer srv.Stop()
	t := time.Now()
	resp, err := http.Get(srv.URL + "/api/v1/contacts")
	if err != nil {
		return nil, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET /api/v1/contacts: %s", resp.Status)
	}
	s := &ServeMem{FirstPage: time.Since(t)}
	s.RSS, s.RSSPeak = procStatus(strconv.Itoa(srv.PID))
	return s, nil
}

// Xvfb is a private X server for the desktop measurements.
type Xvfb struct {
	Display string
	cmd     *exec.Cmd
}

// StartXvfb starts Xvfb on a free display number.
func StartXvfb(ctx context.Context) (*Xvfb, error) {
	if _, err := exec.LookPath("Xvfb"); err != nil {
		return nil, errors.New("Xvfb is not installed")
	}
	n := 99
	for ; n < 200; n++ {
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err != nil {
			if _, err := os.Stat(fmt.Sprintf("/tmp/.X%d-lock", n)); err != nil {
				break
			}
		}
	}
	d := fmt.Sprintf(":%d", n)
	cmd := exec.CommandContext(ctx, "Xvfb", d, "-screen", "0", "1280x900x24", "-nolisten", "tcp")
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	for i := 0; i < 100; i++ {
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
			return &Xvfb{Display: d, cmd: cmd}, nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	return nil, errors.New("Xvfb did not start")
}

// Stop ends the X server.
func (x *Xvfb) Stop() {
	_ = x.cmd.Process.Kill()
	_ = x.cmd.Wait()
}

var firstCall = regexp.MustCompile(`first bound call.*method=(\S+).*since_launch_ms=(\d+)`)

// DesktopColdStart starts the desktop binary runs times on the database
// newDB returns (called once per run) and waits for its "first bound call"
// log line, as .ci/smoke-desktop.sh does.
func DesktopColdStart(ctx context.Context, x *Xvfb, bin, label string, runs int, dir string, newDB func(run int) (path string, args []string)) ColdStart {
	c := ColdStart{DB: label, Runs: runs}
	var since, wall []time.Duration
	for i := 0; i < runs; i++ {
		path, extra := newDB(i)
		args := append([]string{"--db", path}, extra...)
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Env = append(os.Environ(), "DISPLAY="+x.Display, "BANLIST_SETTINGS="+filepath.Join(dir, fmt.Sprintf("settings-%d.json", i)))
		var log sharetest.SyncBuffer
		cmd.Stdout, cmd.Stderr = &log, &log
		start := time.Now()
		if err := cmd.Start(); err != nil {
			c.Err = err.Error()
			return c
		}
		exited := make(chan struct{})
		go func() { _ = cmd.Wait(); close(exited) }()
		var m []string
		deadline := time.Now().Add(60 * time.Second)
	wait:
		for time.Now().Before(deadline) {
			if m = firstCall.FindStringSubmatch(log.String()); m != nil {
				break
			}
			select {
			case <-exited:
				break wait
			case <-time.After(5 * time.Millisecond):
			}
		}
		w := time.Since(start)
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		if m == nil {
			c.Err = "no 'first bound call' line; log: " + lastLines(log.String(), 5)
			return c
		}
		n, _ := strconv.Atoi(m[2])
		c.Method = m[1]
		since = append(since, time.Duration(n)*time.Millisecond)
		wall = append(wall, w)
	}
	c.SinceLaun, c.Wall = Summarize(since), Summarize(wall)
	return c
}

func lastLines(s string, n int) string {
	var lines []string
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return strings.Join(lines[max(0, len(lines)-n):], " | ")
}
