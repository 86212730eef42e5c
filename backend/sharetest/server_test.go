package sharetest

import (
	"fmt"
	"math/rand/v2"
	"net/url"
	"sync"
	"testing"
	"time"

	"banlist/backend/store/pgtest"
)

// Two `banlist serve` processes on one PostgreSQL database, as a team on a
// server runs them; one is killed with SIGKILL in the middle of a stream of
// bans, five times over. Every ban it acknowledged is on the server, whole
// (its banned event beside it), and the other process's Check blocks it.
func TestServeOnAServerKilledMidWriteLosesNothing(t *testing.T) {
	dsn := pgtest.DSN(t)
	db, _ := pgtest.OpenDSN(t, dsn) // created and migrated before the processes start
	other := serve(t, "--db", dsn)
	acked := map[string]int64{} // address -> ban id
	var mu sync.Mutex
	for round := range 5 {
		victim := serve(t, "--db", dsn)
		var wg sync.WaitGroup
		for w := range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ; i++ {
					ip := fmt.Sprintf("10.%d.%d.%d", round, w, i%256)
					var b struct{ ID int64 }
					code, _, err := victim.Call("POST", "/api/v1/bans", map[string]string{"ip": ip, "period": "1h"}, &b)
					if err != nil {
						return // the process is gone
					}
					if code == 200 {
						mu.Lock()
						acked[ip] = b.ID
						mu.Unlock()
					}
				}
			}()
		}
		time.Sleep(time.Duration(300+rand.IntN(400)) * time.Millisecond)
		victim.Kill()
		wg.Wait()
	}
	if len(acked) == 0 {
		t.Fatal("no ban was acknowledged before the kills")
	}
	var rows []struct {
		ID     int64
		Target string
		Events int64
	}
	if err := db.Raw(`SELECT b.id, b.target, (SELECT count(*) FROM ban_events e WHERE e.ban_id = b.id AND e.kind = 'banned') AS events
		FROM bans b`).Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	onServer := map[string]int64{}
	for _, r := range rows {
		onServer[r.Target] = r.ID
		if r.Events != 1 {
			t.Errorf("ban #%d (%s) has %d banned events", r.ID, r.Target, r.Events)
		}
	}
	for ip, id := range acked {
		if onServer[ip] != id {
			t.Errorf("acknowledged ban #%d of %s: on the server as #%d", id, ip, onServer[ip])
		}
		var c struct{ Blocked bool }
		if code, body, err := other.Call("GET", "/api/v1/check?ip="+url.QueryEscape(ip), nil, &c); err != nil || code != 200 || !c.Blocked {
			t.Errorf("the other process's Check of %s: %d %s %v", ip, code, body, err)
		}
	}
	t.Logf("5 kills: %d bans acknowledged, %d on the server", len(acked), len(rows))
}
