package service

import (
	"context"
	"errors"
	"strings"
	"time"

	"banlist/backend/apperr"
	"banlist/backend/bans"
	"banlist/backend/contacts"
	"banlist/backend/ipaddr"
)

// ContactRow is one report row: the contact and whether its IP is blocked now.
type ContactRow struct {
	contacts.Contact
	Blocked      bool       `json:"blocked"`
	BlockedUntil *time.Time `json:"blockedUntil,omitempty"`
	// TimesBanned counts the earlier (expired or removed) bans of this exact
	// address, so a repeat offender stands out in the report.
	TimesBanned int `json:"timesBanned,omitempty"`
}

// ContactPage is one page of the report.
type ContactPage struct {
	Items    []ContactRow `json:"items"`
	Total    int64        `json:"total"`
	Page     int          `json:"page"`
	PageSize int          `json:"pageSize"`
	// Partial and Scanned: see contacts.Page (1–2 character searches).
	Partial bool  `json:"partial,omitempty"`
	Scanned int64 `json:"scanned,omitempty"`
}

// ContactDetail is a contact with the ban state of its IP.
type ContactDetail struct {
	Contact contacts.Contact `json:"contact"`
	// Ban is the ban that blocks the IP now, or else the latest ban of that
	// exact address (expired or removed), or nil if it was never banned.
	Ban *bans.Ban `json:"ban"`
	// TimesBanned counts earlier bans of this address, not the current one.
	TimesBanned int `json:"timesBanned"`
	// ContactsFromIP counts every contact that came from the same address.
	ContactsFromIP int64 `json:"contactsFromIp"`
	// ContactsInRange counts the contacts a range ban covers, so the page
	// can say what lifting it lets back in; 0 unless Ban is a range.
	ContactsInRange int64 `json:"contactsInRange"`
}

// ListContacts returns one page of the contacts report, each row tagged with
// whether its IP is blocked now.
func (s *Service) ListContacts(ctx context.Context, q contacts.Query) (ContactPage, error) {
	b := s.cur.Load()
	page, err := b.contacts.List(ctx, q)
	if err != nil {
		return ContactPage{}, err
	}
	ips := make([]string, len(page.Items))
	for i, c := range page.Items {
		ips[i] = c.IP
	}
	active, err := b.bans.CheckMany(ctx, ips)
	if err != nil {
		return ContactPage{}, err
	}
	earlier, err := b.db.EarlierBanCounts(ctx, ips, b.db.Clock.Now().UnixMilli())
	if err != nil {
		return ContactPage{}, b.db.Fault(ctx, "count earlier bans", err)
	}
	out := ContactPage{Items: make([]ContactRow, len(page.Items)), Total: page.Total, Page: page.Page, PageSize: page.PageSize,
		Partial: page.Partial, Scanned: page.Scanned}
	for i, c := range page.Items {
		out.Items[i] = ContactRow{Contact: c, TimesBanned: earlier[c.IP]}
		if r, ok := active[c.IP]; ok {
			out.Items[i].Blocked = true
			out.Items[i].BlockedUntil = r.Until
		}
	}
	return out, nil
}

// GetContact returns one contact with the ban state of its IP.
func (s *Service) GetContact(ctx context.Context, id int64) (ContactDetail, error) {
	b := s.cur.Load()
	c, err := b.contacts.Get(ctx, id)
	if err != nil {
		return ContactDetail{}, err
	}
	d := ContactDetail{Contact: c}
	if d.ContactsFromIP, err = b.contacts.CountByIP(ctx, c.IP); err != nil {
		return ContactDetail{}, apperr.Unavailable("Could not count contacts from this address.", err)
	}
	check, err := b.bans.Check(ctx, c.IP)
	if err != nil {
		return ContactDetail{}, err
	}
	history, err := b.bans.BanHistory(ctx, c.IP)
	if err != nil {
		return ContactDetail{}, err
	}
	for _, e := range history {
		if e.Kind == bans.EventBanned && e.BanID != check.BanID {
			d.TimesBanned++
		}
	}
	banID := check.BanID
	if !check.Blocked && len(history) > 0 {
		banID = history[0].BanID // newest first
	}
	if banID != 0 {
		ban, err := b.bans.GetBan(ctx, banID)
		if err != nil && !errors.Is(err, bans.ErrNotFound) {
			return ContactDetail{}, err
		}
		if err == nil {
			d.Ban = &ban
		}
	}
	if d.Ban != nil && d.Ban.IsRange {
		t, err := ipaddr.Parse(d.Ban.Target)
		if err != nil {
			return ContactDetail{}, err
		}
		if d.ContactsInRange, err = b.db.CountContactsInRange(ctx, t.Lo(), t.Hi()); err != nil {
			return ContactDetail{}, apperr.Unavailable("Could not count the contacts in this range.", err)
		}
	}
	return d, nil
}

// ListAgents returns the agent names for the report's filter.
func (s *Service) ListAgents(ctx context.Context) ([]string, error) {
	return s.cur.Load().contacts.Agents(ctx)
}

// ImportContacts adds the contacts of an exported file (its name chooses CSV
// or JSON). Bad rows are reported with their line; good rows are stored in
// one transaction; on a fatal problem nothing is stored.
func (s *Service) ImportContacts(ctx context.Context, fileName, content string) (contacts.ImportReport, error) {
	format, err := contacts.ImportFormatOf(fileName)
	if err != nil {
		return contacts.ImportReport{}, err
	}
	b := s.cur.Load()
	s.progress.start("contacts", b.db.Clock.Now())
	defer s.progress.finish()
	rep, err := b.contacts.ImportWithProgress(ctx, strings.NewReader(content), format, contacts.DefaultImportLimits,
		int64(len(content)), func(phase string, done, total int64) { s.progress.set(phase, int(done), int(total)) })
	if err == nil && rep.Imported > 0 {
		s.notify()
	}
	return rep, err
}
