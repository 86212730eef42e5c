package service

import (
	"context"
	"fmt"
	"io"
	"strings"

	"banlist/backend/apperr"
	"banlist/backend/bans"
	"banlist/backend/banscsv"
)

// BanIP blocks an address or range for a period, with optional notes.
func (s *Service) BanIP(ctx context.Context, target, period, notes string) (bans.Ban, error) {
	return s.cur.Load().bans.BanIP(ctx, target, period, notes)
}

// Renew restarts a ban's period from now.
func (s *Service) Renew(ctx context.Context, id int64, period string) (bans.Ban, error) {
	return s.cur.Load().bans.Renew(ctx, id, period)
}

// Unban removes a ban; its history stays.
func (s *Service) Unban(ctx context.Context, id int64) (bans.UnbanResult, error) {
	return s.cur.Load().bans.Unban(ctx, id)
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

// ImportBans blocks every address listed in a CSV ("ip,period,notes"). A
// file-level problem imports nothing; a bad line (invalid address or period,
// already blocked, notes too long) is reported with its number and the
// other lines are still imported.
func (s *Service) ImportBans(ctx context.Context, csvText string) (ImportResult, error) {
	rows, err := banscsv.Parse(strings.NewReader(csvText))
	if err != nil {
		return ImportResult{}, err
	}
	res := ImportResult{Rejected: []banscsv.LineError{}}
	for _, r := range rows {
		if _, err := s.BanIP(ctx, r.Target, r.Period, r.Notes); err != nil {
			e := apperr.From(err)
			if e.Code == apperr.CodeUnavailable || e.Code == apperr.CodeInternal {
				return res, fmt.Errorf("line %d: %w (lines before it were imported)", r.Line, err)
			}
			res.Rejected = append(res.Rejected, banscsv.LineError{Line: r.Line, Target: r.Target, Message: e.Message, Data: e.Data})
			continue
		}
		res.Imported++
	}
	return res, nil
}

// RestoreBan undoes an unban: the same ban, its notes and expiry, active again.
func (s *Service) RestoreBan(ctx context.Context, id int64) (bans.Ban, error) {
	return s.cur.Load().bans.Restore(ctx, id)
}

// EditBanNotes replaces the notes of an active ban (recorded in its history).
func (s *Service) EditBanNotes(ctx context.Context, id int64, notes string) (bans.Ban, error) {
	return s.cur.Load().bans.EditNotes(ctx, id, notes)
}
