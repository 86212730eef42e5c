// Package lapi speaks the part of the CrowdSec Local API that bouncers use
// (/v1/decisions/stream, /v1/decisions, /v1/usage-metrics), so that
// off-the-shelf CrowdSec bouncers (the firewall bouncer, nginx, Traefik, …)
// enforce banlist's active bans. Every answer is read from the database
// file, so bans made by any process on it reach the bouncers.
package lapi

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"banlist/backend/store"
)

// Decision is one ban as a CrowdSec bouncer reads it.
type Decision struct {
	ID       int64  `json:"id"`
	Origin   string `json:"origin"`
	Type     string `json:"type"`
	Scope    string `json:"scope"`
	Value    string `json:"value"`
	Duration string `json:"duration"`
	Scenario string `json:"scenario"`
	Until    string `json:"until"`
}

// Scopes as CrowdSec spells them.
const (
	ScopeIP    = "Ip"
	ScopeRange = "Range"
)

// maxScenario is the longest scenario text sent, in characters.
const maxScenario = 100

// scenario is "banlist: " and the first line of the notes, without control
// characters, cut to maxScenario characters: bouncers log and display it.
func scenario(notes string) string {
	first, _, _ := strings.Cut(notes, "\n")
	first = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, first)
	first = strings.TrimSpace(first)
	if first == "" {
		first = "blocked by a supervisor"
	}
	s := "banlist: " + first
	if utf8.RuneCountInString(s) > maxScenario {
		s = string([]rune(s)[:maxScenario])
	}
	return s
}

// remaining is the time left until expires (Unix ms) as a Go duration in
// whole seconds: Duration.String uses only h, m and s (never days), which is
// all the nginx bouncer's parser accepts. An active ban never says "0s",
// which some bouncers read as already over.
func remaining(expires, now int64) string {
	d := time.Duration(expires-now) * time.Millisecond
	if d <= 0 {
		return "0s"
	}
	d = d.Truncate(time.Second)
	if d < time.Second {
		d = time.Second
	}
	return d.String()
}

func scopeOf(b store.FeedBan) string {
	if b.IsRange {
		return ScopeRange
	}
	return ScopeIP
}

// active turns a ban blocking at now into a decision with its time left.
func active(b store.FeedBan, now int64) Decision {
	return Decision{
		ID: b.ID, Origin: "banlist", Type: "ban", Scope: scopeOf(b), Value: b.Target,
		Duration: remaining(b.ExpiresAt, now), Scenario: scenario(b.Notes),
		Until: time.UnixMilli(b.ExpiresAt).UTC().Format(time.RFC3339),
	}
}

// ended turns a ban that no longer blocks (or blocks less long) into the
// decision a bouncer must drop: its time left is 0s, until is when it ended.
func ended(b store.FeedBan, now int64) Decision {
	d := active(b, now)
	d.Duration = "0s"
	end := min(b.ExpiresAt, now)
	if b.RemovedAt != nil {
		end = *b.RemovedAt
	}
	d.Until = time.UnixMilli(end).UTC().Format(time.RFC3339)
	return d
}
