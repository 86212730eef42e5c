package main

import (
	"bytes"
	"fmt"
	"os"
	"time"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"banlist/backend/apperr"
	"banlist/backend/service"
)

// ListProtected returns the never-ban list.
func (a *App) ListProtected() ([]service.ProtectedEntry, error) {
	a.called("ListProtected")
	return a.svc.ListProtected(a.ctx)
}

// AddProtected puts an address or range on the never-ban list.
func (a *App) AddProtected(target, notes string) (service.AddProtectedResult, error) {
	a.called("AddProtected")
	return a.svc.AddProtected(a.ctx, target, notes)
}

// RemoveProtected takes an entry off the never-ban list.
func (a *App) RemoveProtected(id int64) (service.ProtectedEntry, error) {
	a.called("RemoveProtected")
	return a.svc.RemoveProtected(a.ctx, id)
}

// SuggestBan advises a period and warns before a ban of ip.
func (a *App) SuggestBan(ip string) (service.Suggestion, error) {
	a.called("SuggestBan")
	return a.svc.SuggestBan(a.ctx, ip)
}

// ListTokens returns the API tokens, without secrets.
func (a *App) ListTokens() ([]service.Token, error) {
	a.called("ListTokens")
	return a.svc.ListTokens(a.ctx)
}

// AddToken makes an API token and returns its secret once.
func (a *App) AddToken(name, role string) (service.NewToken, error) {
	a.called("AddToken")
	return a.svc.AddToken(a.ctx, name, role)
}

// DeleteToken revokes an API token.
func (a *App) DeleteToken(name string) (service.Token, error) {
	a.called("DeleteToken")
	return a.svc.DeleteToken(a.ctx, name)
}

// ListAudit returns one page of the audit trail, newest first.
func (a *App) ListAudit(f service.AuditFilter) (service.AuditPage, error) {
	a.called("ListAudit")
	return a.svc.ListAudit(a.ctx, f)
}

// ExportAudit asks where to save, then writes the audit events matching f
// there as CSV. It returns the file written ("" if the supervisor cancelled).
func (a *App) ExportAudit(f service.AuditFilter) (ExportResult, error) {
	a.called("ExportAudit")
	path, err := runtime.SaveFileDialog(a.ctx, runtime.SaveDialogOptions{
		Title:           "Export audit trail",
		DefaultFilename: "banlist-audit-" + time.Now().Format("2006-01-02") + ".csv",
		Filters:         []runtime.FileFilter{{DisplayName: "CSV files", Pattern: "*.csv"}},
	})
	if err != nil || path == "" {
		return ExportResult{}, err
	}
	var buf bytes.Buffer
	n, err := a.svc.ExportAudit(a.ctx, f, &buf)
	if err != nil {
		return ExportResult{}, err
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		return ExportResult{}, apperr.Invalid("file", fmt.Sprintf("Could not write %s: %v", path, err))
	}
	return ExportResult{Path: path, Count: n}, nil
}
