package bans

import (
	"errors"
	"time"
)

// Sentinels matched with errors.Is on the *apperr.Error values the service
// returns.
var (
	ErrNotFound       = errors.New("bans: no such ban")
	ErrAlreadyBlocked = errors.New("bans: address already blocked")
	ErrInvalidPeriod  = errors.New("bans: invalid period")
	ErrInvalidNotes   = errors.New("bans: invalid notes")
	ErrInvalidFilter  = errors.New("bans: invalid list filter")
	ErrRemoved        = errors.New("bans: ban was removed")
	ErrShortens       = errors.New("bans: renewal would shorten the ban")
)

// MaxNotes is the longest note, in characters (runes), a ban may carry.
const MaxNotes = 1000

// Status is where a ban stands at a given moment.
type Status string

// Ban statuses. Expired and removed bans never block anyone.
const (
	StatusActive  Status = "active"
	StatusExpired Status = "expired"
	StatusRemoved Status = "removed"
)

// StatusExpiring is a list filter, not a status: the active bans that end
// within ExpiringWithin, so a supervisor can renew them before they lapse.
const StatusExpiring = "expiring"

// ExpiringWithin is how soon an active ban must end to count as expiring.
const ExpiringWithin = 24 * time.Hour

// ErrProtected marks a ban or renewal refused because its target overlaps
// an entry of the never-ban list.
var ErrProtected = errors.New("bans: target is on the never-ban list")

// Statuses lists every status, in the order the UI offers them.
func Statuses() []Status { return []Status{StatusActive, StatusExpired, StatusRemoved} }

// Event kinds in a target's history.
//
// EventExpired is never stored: nothing writes at the moment a ban lapses,
// so BanHistory derives it from the stored expiry times (ID 0, actor "system").
const (
	EventBanned   = "banned"
	EventRenewed  = "renewed"
	EventUnbanned = "unbanned"
	EventExpired  = "expired"
)

// SystemActor is the actor of derived events.
const SystemActor = "system"

// Ban is one block of an address or range, as the UI sees it.
type Ban struct {
	ID          int64      `json:"id"`
	Target      string     `json:"target"`
	IsRange     bool       `json:"isRange"`
	Period      Period     `json:"period"`
	PeriodLabel string     `json:"periodLabel"`
	Notes       string     `json:"notes"`
	CreatedBy   string     `json:"createdBy"`
	CreatedAt   time.Time  `json:"createdAt"`
	ExpiresAt   time.Time  `json:"expiresAt"`
	RemovedAt   *time.Time `json:"removedAt"`
	RemovedBy   string     `json:"removedBy"`
	Renewals    int        `json:"renewals"`
	Status      Status     `json:"status"`
}

// Event is one entry in a target's history.
type Event struct {
	ID        int64      `json:"id"`
	BanID     int64      `json:"banId"`
	Target    string     `json:"target"`
	Kind      string     `json:"kind"`
	Actor     string     `json:"actor"`
	At        time.Time  `json:"at"`
	Period    Period     `json:"period"`
	Notes     string     `json:"notes"`  // the ban's notes as of a banned, restored or notes_edited event
	Reason    string     `json:"reason"` // why a renewal or an unban was made, if the supervisor said
	ExpiresAt *time.Time `json:"expiresAt"`
}

// Filter selects one page of the blacklist.
type Filter struct {
	// Status is active, expiring (active and ending within ExpiringWithin),
	// expired, removed or all; empty means active.
	Status string `json:"status"`
	// Search matches a substring of the target or the notes, ignoring case
	// (ASCII letters only, as SQLite's LIKE does, on both engines).
	Search string `json:"search"`
	// Sort is expires, created or ip; empty means expires.
	Sort string `json:"sort"`
	// Desc reverses the order.
	Desc bool `json:"desc"`
	// Page is 1-based; 0 or less means 1.
	Page int `json:"page"`
	// PageSize defaults to 50 and is capped at 500.
	PageSize int `json:"pageSize"`
}

// Page is one page of the blacklist and the number of bans matching in all.
type Page struct {
	Items    []Ban `json:"items"`
	Total    int64 `json:"total"`
	Page     int   `json:"page"`
	PageSize int   `json:"pageSize"`
}

// CheckResult says whether one address is blocked now, and by which ban.
type CheckResult struct {
	IP      string     `json:"ip"`
	Blocked bool       `json:"blocked"`
	BanID   int64      `json:"ban_id,omitempty"`
	Target  string     `json:"target,omitempty"`
	Until   *time.Time `json:"until,omitempty"`
}

// UnbanResult is the ban after Unban, and whether it had already been removed
// (in which case nothing was written).
type UnbanResult struct {
	Ban            Ban  `json:"ban"`
	AlreadyRemoved bool `json:"alreadyRemoved"`
}

// Paging limits.
const (
	DefaultPageSize = 50
	MaxPageSize     = 500
	maxPage         = 1_000_000
	maxSearch       = 200
)
