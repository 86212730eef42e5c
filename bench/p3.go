package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"banlist/backend/bans"
	"banlist/backend/store"
)

// WriterResult is one run of P3: procs processes writing one shared file.
type WriterResult struct {
	Procs     int           `json:"procs"`
	Duration  time.Duration `json:"duration"`
	Ops       int           `json:"ops"` // acknowledged operations
	Bans      int           `json:"bans"`
	Renews    int           `json:"renews"`
	Unbans    int           `json:"unbans"`
	OpsPerSec float64       `json:"opsPerSec"`
	Latency   Dist          `json:"latency"`
	Errors    int           `json:"errors"`
	FirstErr  string        `json:"firstErr,omitempty"`
	Lost      int           `json:"lost"`    // acknowledged, but not in the file afterwards
	Unacked   int           `json:"unacked"` // in the file, but never acknowledged
	Check     string        `json:"check"`   // how the file was checked
}

// writerAck is one line a writer child prints.
type writerAck struct {
	Op     string `json:"op"` // ready, ban, renew, unban, error, done
	ID     int64  `json:"id,omitempty"`
	Target string `json:"target,omitempty"`
	Lat    int64  `json:"lat,omitempty"` // µs
	Msg    string `json:"msg,omitempty"`
}

// Writer is the body of one P3 child: after "go" on stdin it bans,
// renews and unbans its own addresses on the shared file until dur has
// passed, printing one line per operation.
func Writer(ctx context.Context, path, name string, index int, dur time.Duration) error {
	db, err := store.Open(ctx, store.Options{Path: path, Shared: true})
	if err != nil {
		return err
	}
	defer db.Close()
	svc := bans.New(db, func() string { return name })
	svc.Start(ctx) // as the app does: watch the file for the others' changes
	defer svc.Close()
	out := bufio.NewWriter(os.Stdout)
	enc := json.NewEncoder(out)
	say := func(a writerAck) { _ = enc.Encode(a) }
	say(writerAck{Op: "ready"})
	_ = out.Flush()
	if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(uint64(index), 11))
	var active []int64
	end := time.Now().Add(dur)
	for i := 0; time.Now().Before(end); i++ {
		t := time.Now()
		x := r.IntN(10)
		switch {
		case len(active) == 0 || x < 4:
			ip := fmt.Sprintf("10.%d.%d.%d", 100+index, i/256%256, i%256)
			b, err := svc.BanIP(ctx, ip, "1d", name)
			if err != nil {
				say(writerAck{Op: "error", Target: ip, Msg: "ban: " + err.Error()})
				continue
			}
			active = append(active, b.ID)
			say(writerAck{Op: "ban", ID: b.ID, Target: b.Target, Lat: time.Since(t).Microseconds()})
		case x < 7:
			id := active[r.IntN(len(active))]
			if _, err := svc.Renew(ctx, id, "1w", false, ""); err != nil {
				say(writerAck{Op: "error", ID: id, Msg: "renew: " + err.Error()})
				continue
			}
			say(writerAck{Op: "renew", ID: id, Lat: time.Since(t).Microseconds()})
		default:
			k := r.IntN(len(active))
			id := active[k]
			res, err := svc.Unban(ctx, id, "")
			if err != nil || res.AlreadyRemoved {
				say(writerAck{Op: "error", ID: id, Msg: fmt.Sprintf("unban: %v (already removed: %v)", err, res.AlreadyRemoved)})
				continue
			}
			active = append(active[:k], active[k+1:]...)
			say(writerAck{Op: "unban", ID: id, Lat: time.Since(t).Microseconds()})
		}
	}
	say(writerAck{Op: "done"})
	return out.Flush()
}

// Writers runs procs writer children on a new shared file in dir for dur,
// then checks every acknowledged operation against the file.
func Writers(ctx context.Context, self, dir string, procs int, dur time.Duration) (WriterResult, error) {
	return writersOn(ctx, self, []string{dir}, procs, dur)
}

// writersOn is Writers with the file reached through several folders (the
// mounts of one network share): writer i opens it through dirs[i%len(dirs)].
func writersOn(ctx context.Context, self string, dirs []string, procs int, dur time.Duration) (WriterResult, error) {
	res := WriterResult{Procs: procs}
	name := fmt.Sprintf("writers-%d.db", procs)
	path := filepath.Join(dirs[0], name)
	db, err := store.Open(ctx, store.Options{Path: path, Shared: true})
	if err != nil {
		return res, err
	}
	_ = db.Close()

	type child struct {
		cmd   *exec.Cmd
		stdin interface{ Write([]byte) (int, error) }
		acks  []writerAck
		err   error
		ready chan struct{}
		done  chan struct{}
	}
	kids := make([]*child, procs)
	for i := range kids {
		writer := fmt.Sprintf("writer-%d", i+1)
		via := filepath.Join(dirs[i%len(dirs)], name)
		cmd := exec.CommandContext(ctx, self, "writer", "-db", via, "-name", writer, "-index", fmt.Sprint(i+1), "-dur", dur.String())
		stdin, err := cmd.StdinPipe()
		if err != nil {
			return res, err
		}
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			return res, err
		}
		cmd.Stderr = os.Stderr
		c := &child{cmd: cmd, stdin: stdin, ready: make(chan struct{}), done: make(chan struct{})}
		kids[i] = c
		if err := cmd.Start(); err != nil {
			return res, err
		}
		go func() {
			defer close(c.done)
			dec := json.NewDecoder(stdout)
			readied := false
			for {
				var a writerAck
				if err := dec.Decode(&a); err != nil {
					break
				}
				if a.Op == "ready" {
					readied = true
					close(c.ready)
					continue
				}
				c.acks = append(c.acks, a)
			}
			if !readied {
				close(c.ready)
			}
			c.err = cmd.Wait()
		}()
	}
	for _, c := range kids {
		<-c.ready
	}
	start := time.Now()
	for _, c := range kids {
		if _, err := c.stdin.Write([]byte("go\n")); err != nil {
			return res, err
		}
	}
	var lats []time.Duration
	type want struct {
		target, by       string
		renews           int
		unbanned, banned bool
	}
	wants := map[int64]*want{}
	for i, c := range kids {
		<-c.done
		if c.err != nil {
			return res, fmt.Errorf("writer %d: %w", i+1, c.err)
		}
		by := fmt.Sprintf("writer-%d", i+1)
		for _, a := range c.acks {
			if a.Lat > 0 {
				lats = append(lats, time.Duration(a.Lat)*time.Microsecond)
			}
			switch a.Op {
			case "ban":
				res.Bans++
				wants[a.ID] = &want{target: a.Target, by: by, banned: true}
			case "renew":
				res.Renews++
				if w := wants[a.ID]; w != nil {
					w.renews++
				}
			case "unban":
				res.Unbans++
				if w := wants[a.ID]; w != nil {
					w.unbanned = true
				}
			case "error":
				res.Errors++
				if res.FirstErr == "" {
					res.FirstErr = a.Msg
				}
			}
		}
	}
	res.Duration = time.Since(start)
	res.Ops = res.Bans + res.Renews + res.Unbans
	res.OpsPerSec = float64(res.Ops) / dur.Seconds()
	res.Latency = Summarize(lats)

	// Every acknowledged operation must be in the file: the ban row with its
	// target and author, its renewal count, its removal; and one event per
	// operation. Anything more was committed without an acknowledgement.
	db, err = store.Open(ctx, store.Options{Path: path, Shared: true})
	if err != nil {
		return res, err
	}
	defer db.Close()
	type banRow struct {
		ID        int64
		Target    string
		CreatedBy string
		Renewals  int
		Removed   bool
	}
	var rows []banRow
	if err := db.Raw(`SELECT id, target, created_by, renewals, removed_at IS NOT NULL AS removed FROM bans`).Scan(&rows).Error; err != nil {
		return res, err
	}
	type evRow struct {
		BanID int64
		Kind  string
		N     int
	}
	var evs []evRow
	if err := db.Raw(`SELECT ban_id, kind, count(*) AS n FROM ban_events GROUP BY ban_id, kind`).Scan(&evs).Error; err != nil {
		return res, err
	}
	events := map[int64]map[string]int{}
	for _, e := range evs {
		if events[e.BanID] == nil {
			events[e.BanID] = map[string]int{}
		}
		events[e.BanID][e.Kind] = e.N
	}
	seen := map[int64]bool{}
	for _, r := range rows {
		seen[r.ID] = true
		w := wants[r.ID]
		if w == nil {
			res.Unacked++ // a ban nobody acknowledged
			continue
		}
		ev := events[r.ID]
		switch {
		case r.Target != w.target || r.CreatedBy != w.by:
			res.Lost++
		case r.Renewals < w.renews || ev["renewed"] < w.renews:
			res.Lost += w.renews - min(r.Renewals, ev["renewed"])
		case r.Renewals > w.renews || ev["renewed"] > w.renews:
			res.Unacked += max(r.Renewals, ev["renewed"]) - w.renews
		}
		if w.unbanned && (!r.Removed || ev["unbanned"] != 1) {
			res.Lost++
		}
		if !w.unbanned && r.Removed {
			res.Unacked++
		}
		if ev["banned"] != 1 {
			res.Lost++
		}
	}
	for id := range wants {
		if !seen[id] {
			res.Lost += 1 + wants[id].renews
			if wants[id].unbanned {
				res.Lost++
			}
		}
	}
	res.Check = fmt.Sprintf("%d bans, %d events read back and matched against %d acknowledgements", len(rows), len(evs), res.Ops)
	return res, nil
}
