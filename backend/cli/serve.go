package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os/signal"
	"syscall"
	"time"

	"banlist/backend/httpapi"
)

func runServe(ctx context.Context, args []string, env Env) error {
	var f dbFlags
	fs := newFlagSet("banlist serve", env)
	f.register(fs, env.Getenv)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (loopback by default)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := checkBindAddr(*addr); err != nil {
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
	srv := &http.Server{
		Handler:           httpapi.New(svc, env.UI),
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

// checkBindAddr refuses to listen beyond this machine: browser mode has no
// login, so only loopback addresses are allowed.
func checkBindAddr(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%w: --addr %q: %w", ErrUsage, addr, err)
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("%w: --addr %q is not a loopback address; banlist serve only listens on 127.0.0.1 or ::1", ErrUsage, addr)
	}
	return nil
}
