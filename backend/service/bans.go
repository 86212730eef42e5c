package service

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"banlist/backend/actor"
	"banlist/backend/apperr"
	"banlist/backend/bans"
	"banlist/backend/banscsv"
	"banlist/backend/store"
)

// BanIP blocks an address or range for a period, with optional notes. An
// agent token may block for 1 hour or 1 day only.
func (s *Service) BanIP(ctx context.Context, target, period, notes string) (bans.Ban, error) {
	if a, _ := actor.From(ctx); a.RoleOf() == actor.RoleAgent {
		p, err := bans.ParsePeriod(period)
		if err != nil {
			return bans.Ban{}, err
		}
		if p != bans.Hour && p != bans.Day {
			return bans.Ban{}, &apperr.Error{Code: apperr.CodeForbidden, Field: "period",
				Message: fmt.Sprintf("An agent may block for 1 hour or 1 day only, not %s; ask a supervisor for a longer block.", p.Label())}
		}
	}
	return s.cur.Load().bans.BanIP(ctx, target, period, notes)
}

// Renew restarts a ban's period from now. Supervisors only. A renewal that
// would end the ban earlier than it ends now needs allowShorten
// (CodeShortens otherwise). reason, optional, is recorded in the history.
func (s *Service) Renew(ctx context.Context, id int64, period string, allowShorten bool, reason string) (bans.Ban, error) {
	if err := requireSupervisor(ctx, "renew a block"); err != nil {
		return bans.Ban{}, err
	}
	return s.cur.Load().bans.Renew(ctx, id, period, allowShorten, reason)
}

// Unban removes a ban; its history stays, with the optional reason.
// Supervisors only.
func (s *Service) Unban(ctx context.Context, id int64, reason string) (bans.UnbanResult, error) {
	if err := requireSupervisor(ctx, "remove a block"); err != nil {
		return bans.UnbanResult{}, err
	}
	return s.cur.Load().bans.Unban(ctx, id, reason)
}

// ListBlacklist returns one page of bans.
func (s *Service) ListBlacklist(ctx context.Context, f bans.Filter) (bans.Page, error) {
	return s.cur.Load().bans.ListBlacklist(ctx, f)
}

// GetBan returns one ban.
func (s *Service) GetBan(ctx context.Context, id int64) (bans.Ban, error) {
	return s.cur.Load().bans.GetBan(ctx, id)
}

// BanHistory returns every event of one address or range, newest first.
func (s *Service) BanHistory(ctx context.Context, target string) ([]bans.Event, error) {
	return s.cur.Load().bans.BanHistory(ctx, target)
}

// Check says whether ip is blocked now.
func (s *Service) Check(ctx context.Context, ip string) (bans.CheckResult, error) {
	return s.cur.Load().bans.Check(ctx, ip)
}

// maxExport caps one export; larger blacklists are exported by filter.
const maxExport = 100_000

// ExportBans writes every ban matching f (all pages) as CSV to w and
// returns how many it wrote.
func (s *Service) ExportBans(ctx context.Context, f bans.Filter, w io.Writer) (int, error) {
	b := s.cur.Load().bans
	f.Page, f.PageSize = 1, bans.MaxPageSize
	var all []bans.Ban
	for {
		page, err := b.ListBlacklist(ctx, f)
		if err != nil {
			return 0, err
		}
		all = append(all, page.Items...)
		if len(page.Items) < f.PageSize || int64(len(all)) >= page.Total {
			break
		}
		if len(all) >= maxExport {
			return 0, &apperr.Error{Code: apperr.CodeTooLarge, Message: fmt.Sprintf("More than %d bans match; narrow the filter.", maxExport)}
		}
		f.Page++
	}
	if err := banscsv.Write(w, all); err != nil {
		return 0, fmt.Errorf("write CSV: %w", err)
	}
	return len(all), nil
}

// ImportResult says what an import of addresses did, line by line.
type ImportResult struct {
	Imported int                 `json:"imported"`
	Rejected []banscsv.LineError `json:"rejected"`
}

// ImportBans blocks every address listed in a CSV ("ip,period,notes", or a
// blacklist export). A file-level problem imports nothing; a bad line
// (invalid address or period, protected, already blocked, notes too long) is
// reported with its number and the other lines are imported. The lines are
// written in one transaction: all of them or, on a storage fault or when the
// caller goes away (ctx ends) before the commit, none.
func (s *Service) ImportBans(ctx context.Context, csvText string) (res ImportResult, err error) {
	if err := requireSupervisor(ctx, "import bans"); err != nil {
		return ImportResult{}, err
	}
	b := s.cur.Load()
	s.progress.start("bans", b.db.Clock.Now())
	defer s.progress.finish()
	rows, err := banscsv.Parse(strings.NewReader(csvText))
	if err != nil {
		return ImportResult{}, err
	}
	ctx, _ = s.acting(ctx)
	res = ImportResult{Rejected: []banscsv.LineError{}}
	defer func() {
		// One audit line per import, whatever became of it (also when the
		// client left: hence WithoutCancel); each ban it made is in the
		// trail on its own too.
		detail := fmt.Sprintf("Imported %d of %d lines; %d refused", res.Imported, len(rows), len(res.Rejected))
		if err != nil {
			detail += "; stopped: " + apperr.From(err).Message
		}
		if aerr := b.db.Session(context.WithoutCancel(ctx)).RecordAudit(store.AuditEntry{Kind: AuditImport, Target: "bans CSV", Detail: detail}); aerr != nil && err == nil {
			err = b.db.Fault(ctx, "record the import in the audit trail", aerr)
		}
	}()
	lines := make([]bans.ImportLine, 0, len(rows))
	for _, r := range rows {
		if r.Status != "" && r.Status != string(bans.StatusActive) {
			res.Rejected = append(res.Rejected, banscsv.LineError{Line: r.Line, Target: r.Target,
				Message: fmt.Sprintf("Skipped: this ban was %s when it was exported, so it is not blocked again.", r.Status)})
			continue
		}
		lines = append(lines, bans.ImportLine{Line: r.Line, Target: r.Target, Period: r.Period, Notes: r.Notes})
	}
	skipped := len(res.Rejected)
	out, err := b.bans.Import(ctx, lines, func(done, total int) { s.progress.set("saving", skipped+done, skipped+total) })
	if err != nil {
		if ctx.Err() != nil {
			return ImportResult{}, apperr.Unavailable("The import was cancelled before it finished. Nothing was imported.", err)
		}
		e := apperr.From(err)
		if e.Code == apperr.CodeInternal {
			return ImportResult{}, fmt.Errorf("import bans: %w (nothing was imported)", err)
		}
		return ImportResult{}, &apperr.Error{Code: e.Code, Message: e.Message + " Nothing was imported.", Err: err}
	}
	res.Imported = out.Imported
	for _, r := range out.Rejected {
		res.Rejected = append(res.Rejected, banscsv.LineError{Line: r.Line, Target: r.Target, Message: r.Message, Data: r.Data})
	}
	sort.SliceStable(res.Rejected, func(i, j int) bool { return res.Rejected[i].Line < res.Rejected[j].Line })
	return res, nil
}

// RestoreBan undoes an unban: the same ban, its notes and expiry, active again.
func (s *Service) RestoreBan(ctx context.Context, id int64) (bans.Ban, error) {
	if err := requireSupervisor(ctx, "undo an unban"); err != nil {
		return bans.Ban{}, err
	}
	return s.cur.Load().bans.Restore(ctx, id)
}

// EditBanNotes replaces the notes of an active ban (recorded in its history).
func (s *Service) EditBanNotes(ctx context.Context, id int64, notes string) (bans.Ban, error) {
	if err := requireSupervisor(ctx, "edit the notes of a block"); err != nil {
		return bans.Ban{}, err
	}
	return s.cur.Load().bans.EditNotes(ctx, id, notes)
}
