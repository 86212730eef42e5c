package cli

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"banlist/backend/actor"
)

const bouncerUsage = `usage:
  banlist bouncer add NAME [--db PATH] [--shared]      make a key for a CrowdSec bouncer (printed once, as the last line)
  banlist bouncer list [--db PATH] [--shared]          the bouncer keys and their last pull
  banlist bouncer delete NAME [--db PATH] [--shared]   revoke a bouncer's key`

// runBouncer manages the keys CrowdSec bouncers present on /v1/.
func runBouncer(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: which bouncer command?\n%s", ErrUsage, bouncerUsage)
	}
	sub, args := args[0], args[1:]
	var f dbFlags
	fs := newFlagSet("banlist bouncer "+sub, env)
	f.register(fs, env.Getenv)
	// NAME may come before or after the flags.
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %w", ErrUsage, err)
	}
	var names []string
	for fs.NArg() > 0 {
		names = append(names, fs.Arg(0))
		if err := fs.Parse(fs.Args()[1:]); err != nil {
			return fmt.Errorf("%w: %w", ErrUsage, err)
		}
	}
	wantName := sub == "add" || sub == "delete"
	switch {
	case sub != "add" && sub != "list" && sub != "delete":
		return fmt.Errorf("%w: unknown bouncer command %q\n%s", ErrUsage, sub, bouncerUsage)
	case wantName && len(names) != 1:
		return fmt.Errorf("%w: banlist bouncer %s needs exactly one NAME\n%s", ErrUsage, sub, bouncerUsage)
	case !wantName && len(names) > 0:
		return fmt.Errorf("%w: unexpected argument %q", ErrUsage, names[0])
	}
	f.noDemo = true // a key is no reason to fill a new database with demo contacts
	svc, err := f.open(ctx)
	if err != nil {
		return err
	}
	defer svc.Close()
	ctx = actor.With(ctx, actor.Actor{Name: svc.Operator(), Source: actor.CLI})
	switch sub {
	case "add":
		nb, err := svc.AddBouncer(ctx, names[0])
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "Bouncer %q added. Its key is shown only now; put it in the bouncer's configuration (api_key):\n%s\n", nb.Bouncer.Name, nb.Key)
	case "delete":
		if err := svc.DeleteBouncer(ctx, names[0]); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "Bouncer %q revoked: its key no longer works.\n", strings.TrimSpace(names[0]))
	case "list":
		list, err := svc.ListBouncers(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tCREATED\tLAST PULL\tFROM\tUSER AGENT")
		for _, b := range list {
			last, from := "never", "-"
			if b.LastPullAt != nil {
				last, from = b.LastPullAt.Local().Format(time.DateTime+" MST"), b.LastRemote
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", b.Name, b.CreatedAt.Local().Format(time.DateTime+" MST"), last, from, b.LastAgent)
		}
		return tw.Flush()
	}
	return nil
}
