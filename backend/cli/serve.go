package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"banlist/backend/httpapi"
)

func runServe(ctx context.Context, args []string, env Env) error {
	var f dbFlags
	fs := newFlagSet("banlist serve", env)
	f.register(fs, env.Getenv)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (loopback by default; any other address needs --token)")
	token := fs.String("token", "", "token every API request must carry (env BANLIST_TOKEN); required beyond loopback")
	checkToken := fs.String("check-token", "", "read-only token accepted on GET /api/v1/check only (env BANLIST_CHECK_TOKEN)")
	var hosts hostList
	fs.Var(&hosts, "host", "a further host name the server answers to, besides localhost and the listen address (repeatable); other Host headers get 421")
	allowSwitch := fs.Bool("allow-database-switch", false, "let the UI and API open or create another database file on this server")
	if err := parse(fs, args); err != nil {
		return err
	}
	opts := httpapi.Options{Token: firstSet(*token, env.Getenv("BANLIST_TOKEN")), CheckToken: firstSet(*checkToken, env.Getenv("BANLIST_CHECK_TOKEN")),
		Hosts: hosts, AllowDatabaseSwitch: *allowSwitch}
	if err := checkBindAddr(*addr, opts); err != nil {
		return err
	}
	svc, err := f.open(ctx)
	if err != nil {
		return err
	}
	defer svc.Close()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	// The real address: with port 0 the kernel picked one.
	opts.Listen = ln.Addr().String()
	srv := &http.Server{
		Handler:           httpapi.New(svc, env.UI, opts),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	// The browser tests and scripts wait for this exact line.
	fmt.Fprintf(env.Stdout, "banlist serving on http://%s\n", ln.Addr())
	slog.Info("serving", "addr", ln.Addr().String())
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// MinTokenLen is the shortest token accepted: long enough not to be guessed.
const MinTokenLen = 16

func firstSet(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// checkBindAddr refuses to listen beyond this machine without a token, and
// refuses tokens too short to be secret.
func checkBindAddr(addr string, opts httpapi.Options) error {
	for name, t := range map[string]string{"--token": opts.Token, "--check-token": opts.CheckToken} {
		if t != "" && len(t) < MinTokenLen {
			return fmt.Errorf("%w: %s must be at least %d characters", ErrUsage, name, MinTokenLen)
		}
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%w: --addr %q: %w", ErrUsage, addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	if opts.Token == "" {
		return fmt.Errorf("%w: --addr %q reaches beyond this machine; set --token (or BANLIST_TOKEN) so that only holders of the token can use the API", ErrUsage, addr)
	}
	return nil
}

// hostList collects the repeatable --host flag.
type hostList []string

func (h *hostList) String() string { return strings.Join(*h, ",") }

// Set adds one name; it must be a plain host name or address, without a port.
func (h *hostList) Set(v string) error {
	v = strings.TrimSpace(v)
	if v == "" || strings.ContainsAny(v, "/ ,:") && net.ParseIP(strings.Trim(v, "[]")) == nil {
		return fmt.Errorf("%q is not a host name (give the name alone, without scheme or port)", v)
	}
	*h = append(*h, v)
	return nil
}
