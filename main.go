// Command banlist lets contact-center supervisors block abusive chat
// customers by IP address. With no sub-command it opens the desktop window;
// `banlist serve` offers the same UI and API to a browser and to chat servers.
package main

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"time"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"

	"banlist/backend/apperr"
	"banlist/backend/cli"
	"banlist/backend/service"
)

// launched is when the process started, for the cold-start log lines.
var launched = time.Now()

//go:embed all:frontend/dist
var assets embed.FS

// frontendFS returns the built frontend (the contents of frontend/dist).
func frontendFS() fs.FS {
	sub, err := fs.Sub(assets, "frontend/dist")
	if err != nil {
		panic(err) // the embed pattern guarantees the folder exists
	}
	return sub
}

func main() {
	level := slog.LevelInfo
	if os.Getenv("BANLIST_LOG") == "debug" {
		level = slog.LevelDebug
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})))
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "banlist:", err)
		os.Exit(exitCode(err))
	}
}

func run(args []string) error {
	return cli.Run(context.Background(), args, cli.Env{UI: frontendFS(), Desktop: runDesktop})
}

func exitCode(err error) int {
	if errors.Is(err, cli.ErrUsage) {
		return 2
	}
	return 1
}

// runDesktop opens the Wails window on svc and blocks until it is closed.
func runDesktop(svc *service.Service) error {
	app := NewApp(svc, launched)
	return wails.Run(&options.App{
		Title:     "banlist",
		Width:     1280,
		Height:    820,
		MinWidth:  900,
		MinHeight: 600,
		AssetServer: &assetserver.Options{
			Assets: frontendFS(),
		},
		OnStartup:  app.startup,
		OnDomReady: app.domReady,
		OnShutdown: app.shutdown,
		Bind:       []any{app},
		// Errors reach the frontend as {code, message, field}, as over HTTP.
		ErrorFormatter: func(err error) any { return apperr.From(err) },
		Linux:          &linux.Options{ProgramName: "banlist"},
	})
}
