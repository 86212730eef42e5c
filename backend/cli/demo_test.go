package cli

import (
	"context"
	"path/filepath"
	"testing"

	"banlist/backend/bans"
	"banlist/backend/demo"
)

// The demo bans of a new database are credited to the named demo supervisor,
// not to whoever ran the program (root on a server), in the bans and their history.
func TestDemoBansAreCreditedToTheDemoSupervisor(t *testing.T) {
	dir := t.TempDir()
	getenv := func(k string) string {
		switch k {
		case "BANLIST_SETTINGS":
			return filepath.Join(dir, "settings.json")
		case "BANLIST_OPERATOR", "USER":
			return "root"
		}
		return ""
	}
	ctx := context.Background()
	svc, err := (&dbFlags{path: filepath.Join(dir, "b.db"), getenv: getenv}).open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	list, err := svc.ListBlacklist(ctx, bans.Filter{Status: "all", PageSize: 50})
	if err != nil {
		t.Fatal(err)
	}
	if list.Total != int64(len(demo.Blocked())) {
		t.Fatalf("demo bans = %d, want %d", list.Total, len(demo.Blocked()))
	}
	for _, b := range list.Items {
		if b.CreatedBy != demo.Supervisor {
			t.Errorf("%s created by %q, want %q", b.Target, b.CreatedBy, demo.Supervisor)
		}
		hist, err := svc.BanHistory(ctx, b.Target)
		if err != nil || len(hist) == 0 || hist[len(hist)-1].Actor != demo.Supervisor {
			t.Errorf("%s history = %+v, %v", b.Target, hist, err)
		}
	}
	// Later bans are the operator's again.
	b, err := svc.BanIP(ctx, "203.0.113.250", "1h", "")
	if err != nil || b.CreatedBy == demo.Supervisor {
		t.Fatalf("later ban by %q, %v", b.CreatedBy, err)
	}
}
