package cli

import (
	"context"
	"fmt"
	"log/slog"

	"banlist/backend/bans"
)

// runExport writes the blacklist as CSV to standard output:
// banlist export bans [--status active|expired|removed|all] [--search TEXT].
func runExport(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 || args[0] != "bans" {
		return fmt.Errorf("%w: usage: banlist export bans [--status active|expired|removed|all] [--search TEXT] [--db PATH]", ErrUsage)
	}
	var f dbFlags
	fs := newFlagSet("banlist export bans", env)
	f.register(fs, env.Getenv)
	status := fs.String("status", "all", "which bans: active, expired, removed or all")
	search := fs.String("search", "", "only bans whose address or notes contain this text")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	f.noDemo = true // exporting never fills a new database with demo data
	svc, err := f.open(ctx)
	if err != nil {
		return err
	}
	defer svc.Close()
	n, err := svc.ExportBans(ctx, bans.Filter{Status: *status, Search: *search, Sort: "created"}, env.Stdout)
	if err != nil {
		return err
	}
	slog.Info("exported bans", "count", n)
	return nil
}
