package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"banlist/backend/actor"
	"banlist/backend/apperr"
	"banlist/backend/bans"
	"banlist/backend/contacts"
	"banlist/backend/service"
)

// App is what Wails binds for the desktop frontend. Every exported method is
// a thin call into the service layer with the app's context; the HTTP API in
// backend/httpapi mirrors each one (TestEveryBindingHasAnHTTPTwin).
type App struct {
	ctx         context.Context
	svc         *service.Service
	launched    time.Time
	firstCall   sync.Once
	unsubscribe func()
}

// NewApp returns the bindings for svc.
func NewApp(svc *service.Service, launched time.Time) *App {
	return &App{ctx: context.Background(), svc: svc, launched: launched}
}

func (a *App) startup(ctx context.Context) {
	// Everything done in the window is recorded as from the desktop.
	ctx = actor.With(ctx, actor.Actor{Source: actor.Desktop})
	a.ctx = ctx
	// Live refresh: tell the frontend whenever the blacklist changes, here or
	// in another process on the same file.
	a.unsubscribe = a.svc.Subscribe(func() {
		slog.Debug("blacklist changed; telling the frontend")
		runtime.EventsEmit(ctx, ChangedEvent)
	})
	slog.Info("desktop started", "since_launch", time.Since(a.launched).Round(time.Millisecond))
}

// ChangedEvent is the Wails event the frontend listens to for live refresh.
const ChangedEvent = "blacklist:changed"

func (a *App) domReady(context.Context) {
	slog.Info("frontend DOM ready", "since_launch", time.Since(a.launched).Round(time.Millisecond))
}

func (a *App) shutdown(context.Context) {
	if a.unsubscribe != nil {
		a.unsubscribe()
	}
	slog.Info("desktop shutting down")
}

// called logs the frontend's first call into Go: the smoke test and the
// cold-start benchmark wait for this line.
func (a *App) called(method string) {
	a.firstCall.Do(func() {
		slog.Info("first bound call", "method", method, "since_launch_ms", time.Since(a.launched).Milliseconds())
	})
	slog.Debug("bound call", "method", method)
}

// Info describes the open database.
func (a *App) Info() (service.Info, error) {
	a.called("Info")
	return a.svc.Info(a.ctx)
}

// ListContacts returns one page of the contacts report.
func (a *App) ListContacts(q contacts.Query) (service.ContactPage, error) {
	a.called("ListContacts")
	return a.svc.ListContacts(a.ctx, q)
}

// GetContact returns one contact with the ban state of its IP.
func (a *App) GetContact(id int64) (service.ContactDetail, error) {
	a.called("GetContact")
	return a.svc.GetContact(a.ctx, id)
}

// ImportContacts adds the contacts of an exported CSV or JSON file.
func (a *App) ImportContacts(fileName, content string) (contacts.ImportReport, error) {
	a.called("ImportContacts")
	return a.svc.ImportContacts(a.ctx, fileName, content)
}

// ListAgents returns the agent names for the report filter.
func (a *App) ListAgents() ([]string, error) {
	a.called("ListAgents")
	return a.svc.ListAgents(a.ctx)
}

// BanIP blocks an address or range for a period ("1h", "1d", "1w", "1mo").
func (a *App) BanIP(target, period, notes string) (bans.Ban, error) {
	a.called("BanIP")
	return a.svc.BanIP(a.ctx, target, period, notes)
}

// Renew restarts a ban's period from now; shortening it needs allowShorten.
// reason, optional, is recorded in the history.
func (a *App) Renew(id int64, period string, allowShorten bool, reason string) (bans.Ban, error) {
	a.called("Renew")
	return a.svc.Renew(a.ctx, id, period, allowShorten, reason)
}

// Unban removes a ban; its history stays, with the optional reason.
func (a *App) Unban(id int64, reason string) (bans.UnbanResult, error) {
	a.called("Unban")
	return a.svc.Unban(a.ctx, id, reason)
}

// RestoreBan undoes an unban (the Undo of the toast).
func (a *App) RestoreBan(id int64) (bans.Ban, error) {
	a.called("RestoreBan")
	return a.svc.RestoreBan(a.ctx, id)
}

// EditBanNotes replaces the notes of an active ban.
func (a *App) EditBanNotes(id int64, notes string) (bans.Ban, error) {
	a.called("EditBanNotes")
	return a.svc.EditBanNotes(a.ctx, id, notes)
}

// ListBlacklist returns one page of bans.
func (a *App) ListBlacklist(f bans.Filter) (bans.Page, error) {
	a.called("ListBlacklist")
	return a.svc.ListBlacklist(a.ctx, f)
}

// GetBan returns one ban.
func (a *App) GetBan(id int64) (bans.Ban, error) {
	a.called("GetBan")
	return a.svc.GetBan(a.ctx, id)
}

// BanHistory returns the events of one address or range, newest first.
func (a *App) BanHistory(target string) ([]bans.Event, error) {
	a.called("BanHistory")
	return a.svc.BanHistory(a.ctx, target)
}

// Check says whether ip is blocked now.
func (a *App) Check(ip string) (bans.CheckResult, error) {
	a.called("Check")
	return a.svc.Check(a.ctx, ip)
}

// ExportBans asks where to save, then writes every ban matching f there as
// CSV. It returns the file written ("" if the supervisor cancelled).
func (a *App) ExportBans(f bans.Filter) (ExportResult, error) {
	a.called("ExportBans")
	path, err := runtime.SaveFileDialog(a.ctx, runtime.SaveDialogOptions{
		Title:           "Export blacklist",
		DefaultFilename: "banlist-" + time.Now().Format("2006-01-02") + ".csv",
		Filters:         []runtime.FileFilter{{DisplayName: "CSV files", Pattern: "*.csv"}},
	})
	if err != nil || path == "" {
		return ExportResult{}, err
	}
	var buf bytes.Buffer
	n, err := a.svc.ExportBans(a.ctx, f, &buf)
	if err != nil {
		return ExportResult{}, err
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		return ExportResult{}, apperr.Invalid("file", fmt.Sprintf("Could not write %s: %v", path, err))
	}
	return ExportResult{Path: path, Count: n}, nil
}

// ExportResult says where an export went.
type ExportResult struct {
	Path  string `json:"path"`
	Count int    `json:"count"`
}

// ImportBans blocks every address of a CSV text ("ip,period,notes").
func (a *App) ImportBans(csvText string) (service.ImportResult, error) {
	a.called("ImportBans")
	return a.svc.ImportBans(a.ctx, csvText)
}

// ImportProgress says how far the running (or last) import has got.
func (a *App) ImportProgress() (service.ImportProgress, error) {
	a.called("ImportProgress")
	return a.svc.ImportProgress(a.ctx)
}

// OpenDatabase switches to an existing database file.
func (a *App) OpenDatabase(path string, shared bool) (service.Info, error) {
	a.called("OpenDatabase")
	return a.svc.OpenDatabase(a.ctx, path, shared)
}

// ConnectDatabase switches to a PostgreSQL server (postgres://…).
func (a *App) ConnectDatabase(address string) (service.Info, error) {
	a.called("ConnectDatabase")
	return a.svc.ConnectDatabase(a.ctx, address)
}

// CreateDatabase creates a new database file and switches to it.
func (a *App) CreateDatabase(path string, shared bool) (service.Info, error) {
	a.called("CreateDatabase")
	return a.svc.CreateDatabase(a.ctx, path, shared)
}

// BackupDatabase writes a consistent copy of the open database to a new file.
func (a *App) BackupDatabase(path string) (service.BackupResult, error) {
	a.called("BackupDatabase")
	return a.svc.BackupDatabase(a.ctx, path)
}

// ChooseBackupFile shows the native save dialog for a backup (desktop only).
func (a *App) ChooseBackupFile() (string, error) {
	a.called("ChooseBackupFile")
	name := "banlist-backup-" + time.Now().Format("2006-01-02") + ".db"
	return runtime.SaveFileDialog(a.ctx, runtime.SaveDialogOptions{Title: "Back up the database", DefaultFilename: name})
}

// SetOperator changes the name recorded on this machine's bans.
func (a *App) SetOperator(name string) (service.Info, error) {
	a.called("SetOperator")
	return a.svc.SetOperator(a.ctx, name)
}

// ChooseDatabaseFile shows the native file dialog (desktop only; the
// browser mode types the path). create asks for a new file name.
func (a *App) ChooseDatabaseFile(create bool) (string, error) {
	a.called("ChooseDatabaseFile")
	filters := []runtime.FileFilter{{DisplayName: "banlist databases (*.db)", Pattern: "*.db;*.sqlite"}}
	if create {
		return runtime.SaveFileDialog(a.ctx, runtime.SaveDialogOptions{Title: "Create a shared database", DefaultFilename: "banlist.db", Filters: filters})
	}
	return runtime.OpenFileDialog(a.ctx, runtime.OpenDialogOptions{Title: "Open another database", Filters: filters})
}
