package cli

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"banlist/backend/actor"
)

const tokenUsage = `banlist token add NAME --role supervisor|agent|check [--db PATH]
  banlist token list [--db PATH]
  banlist token delete NAME [--db PATH]`

// runToken is `banlist token add|list|delete`: named API tokens for
// `banlist serve`, each with a role. add prints the token as the last line
// of standard output; only its hash is stored.
func runToken(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 || args[0] == "" || args[0][0] == '-' {
		return fmt.Errorf("%w: say what to do:\n  %s", ErrUsage, tokenUsage)
	}
	sub, args := args[0], args[1:]
	var f dbFlags
	fs := newFlagSet("banlist token "+sub, env)
	f.register(fs, env.Getenv)
	role := ""
	if sub == "add" {
		fs.StringVar(&role, "role", "", "what the token may do: supervisor, agent (ban for 1 hour or 1 day) or check (GET /api/v1/check only)")
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	wantArgs := 1
	switch sub {
	case "add", "delete":
	case "list":
		wantArgs = 0
	default:
		return fmt.Errorf("%w: unknown token command %q:\n  %s", ErrUsage, sub, tokenUsage)
	}
	if len(pos) != wantArgs {
		return fmt.Errorf("%w: banlist token %s takes %d name(s), got %d:\n  %s", ErrUsage, sub, wantArgs, len(pos), tokenUsage)
	}
	if sub == "add" && role == "" {
		return fmt.Errorf("%w: choose the token's role with --role supervisor, agent or check", ErrUsage)
	}
	// A token is no reason to fill a new database with demo contacts.
	f.noDemo = true
	svc, err := f.open(ctx)
	if err != nil {
		return err
	}
	defer svc.Close()
	switch sub {
	case "add":
		t, err := svc.AddToken(ctx, pos[0], role)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "Token “%s” (role %s) created. It is shown only this once; give it to its holder:\n%s\n", t.Name, t.Role, t.Secret)
	case "delete":
		t, err := svc.DeleteToken(ctx, pos[0])
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "Token “%s” (role %s) deleted; it no longer works.\n", t.Name, t.Role)
	case "list":
		list, err := svc.ListTokens(ctx)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			fmt.Fprintln(env.Stdout, "No tokens. Make one with: banlist token add NAME --role agent")
			return nil
		}
		tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tROLE\tCREATED (UTC)\tBY\tLAST USED (UTC)")
		for _, t := range list {
			used := "never"
			if t.LastUsedAt != nil {
				used = t.LastUsedAt.Format(time.DateTime)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", t.Name, t.Role, t.CreatedAt.Format(time.DateTime), strings.TrimSpace(t.CreatedBy), used)
		}
		return tw.Flush()
	}
	return nil
}

// cliActor marks what a command does as done from the command line.
func cliActor(ctx context.Context) context.Context {
	return actor.With(ctx, actor.Actor{Source: actor.CLI})
}
