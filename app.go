package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"banlist/backend/contacts"
	"banlist/backend/service"
)

// App is what Wails binds for the desktop frontend. Every exported method is
// a thin call into the service layer with the app's context; the HTTP API in
// backend/httpapi mirrors each one (TestEveryBindingHasAnHTTPTwin).
type App struct {
	ctx       context.Context
	svc       *service.Service
	launched  time.Time
	firstCall sync.Once
}

// NewApp returns the bindings for svc.
func NewApp(svc *service.Service, launched time.Time) *App {
	return &App{ctx: context.Background(), svc: svc, launched: launched}
}

func (a *App) startup(ctx context.Context) {
	a.ctx = ctx
	slog.Info("desktop started", "since_launch", time.Since(a.launched).Round(time.Millisecond))
}

func (a *App) domReady(context.Context) {
	slog.Info("frontend DOM ready", "since_launch", time.Since(a.launched).Round(time.Millisecond))
}

func (a *App) shutdown(context.Context) {
	slog.Info("desktop shutting down")
}

// called logs the frontend's first call into Go: the smoke test and the
// cold-start benchmark wait for this line.
func (a *App) called(method string) {
	a.firstCall.Do(func() {
		slog.Info("first bound call", "method", method, "since_launch_ms", time.Since(a.launched).Milliseconds())
	})
}

// Info describes the open database.
func (a *App) Info() (service.Info, error) {
	a.called("Info")
	return a.svc.Info(a.ctx)
}

// ListContacts returns one page of the contacts report.
func (a *App) ListContacts(q contacts.Query) (contacts.Page, error) {
	a.called("ListContacts")
	return a.svc.ListContacts(a.ctx, q)
}

// GetContact returns one contact with the ban state of its IP.
func (a *App) GetContact(id int64) (contacts.Contact, error) {
	a.called("GetContact")
	return a.svc.GetContact(a.ctx, id)
}

// ListAgents returns the agent names for the report filter.
func (a *App) ListAgents() ([]string, error) {
	a.called("ListAgents")
	return a.svc.ListAgents(a.ctx)
}
