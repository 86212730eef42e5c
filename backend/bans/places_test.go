package bans

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"banlist/backend/store"
	"banlist/backend/store/storetest"
)

// place is a database that the multi-process tests' helper processes open:
// an SQLite file (local or shared) or, in the PostgreSQL run
// (BANLIST_TEST_ENGINE=postgres), a database of its own on the test server.
type place struct {
	name, path string
	shared     bool
}

// places gives one file per shared mode asked for, or one server database.
func places(t *testing.T, shared ...bool) []place {
	t.Helper()
	if storetest.Postgres() {
		return []place{{name: "server", path: storetest.PostgresDSN(t)}}
	}
	out := make([]place, 0, len(shared))
	for _, sh := range shared {
		out = append(out, place{name: fmt.Sprintf("shared=%v", sh), path: filepath.Join(t.TempDir(), "b.db"), shared: sh})
	}
	return out
}

// open opens (creating and migrating) the place in this process.
func (p place) open(t *testing.T) *store.DB {
	t.Helper()
	if store.IsServerDSN(p.path) {
		db, _ := storetest.OpenPostgresDSN(t, p.path)
		return db
	}
	db, _ := storetest.OpenAt(t, p.path, p.shared)
	return db
}

// checkIntegrity asks the engine whether the database is whole: SQLite's
// integrity and foreign-key checks on a file. A server checks both on every
// write and has no file to damage, so there it checks the foreign keys of
// the events by hand.
func checkIntegrity(t *testing.T, db *store.DB) {
	t.Helper()
	if db.Engine == store.Postgres {
		var orphans int64
		if err := db.Raw(`SELECT count(*) FROM ban_events e WHERE NOT EXISTS (SELECT 1 FROM bans b WHERE b.id = e.ban_id)`).
			Scan(&orphans).Error; err != nil || orphans != 0 {
			t.Fatalf("events without their ban: %d, %v", orphans, err)
		}
		return
	}
	var check string
	if err := db.Raw("PRAGMA integrity_check").Scan(&check).Error; err != nil || check != "ok" {
		t.Fatalf("integrity_check = %q, %v", check, err)
	}
	var fk []map[string]any
	db.Raw("PRAGMA foreign_key_check").Scan(&fk)
	if len(fk) != 0 {
		t.Fatalf("foreign_key_check: %v", fk)
	}
}

// helper is one running helper process.
type helper struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	acks   chan ack
	stderr bytes.Buffer
	done   chan struct{} // closed when stdout is drained
}

func startHelper(t *testing.T, role, path string, shared bool, name, arg string) *helper {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	sh := "0"
	if shared {
		sh = "1"
	}
	cmd.Env = append(os.Environ(), envRole+"="+role, envPath+"="+path, envShared+"="+sh, envName+"="+name, envArg+"="+arg,
		// Under -race, skip the detector's 1 s pause at exit.
		strings.TrimSpace("GORACE="+os.Getenv("GORACE")+" atexit_sleep_ms=0"))
	h := &helper{cmd: cmd, acks: make(chan ack, 1024), done: make(chan struct{})}
	cmd.Stderr = &h.stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if h.stdin, err = cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(h.done)
		defer close(h.acks)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Bytes()
			if len(line) == 0 || line[0] != '{' {
				continue // the test framework's own output
			}
			var a ack
			if err := json.Unmarshal(line, &a); err == nil {
				h.acks <- a
			}
		}
	}()
	return h
}

// collect reads every ack until the helper's stdout closes, then waits for it.
func (h *helper) collect() ([]ack, error) {
	var all []ack
	for a := range h.acks {
		all = append(all, a)
	}
	<-h.done
	err := h.cmd.Wait()
	if err != nil {
		err = fmt.Errorf("%w; stderr: %s", err, h.stderr.String())
	}
	return all, err
}
