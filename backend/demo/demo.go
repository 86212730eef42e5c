// Package demo generates a deterministic, realistic set of contacts so that a
// new database shows a living report instead of an empty table.
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strings"
	"time"

	"banlist/backend/contacts"
	"banlist/backend/store"
)

// DefaultSize is how many contacts a new database receives.
const DefaultSize = 2000

var (
	firstNames = []string{"Ana", "Bruno", "Carla", "Diego", "Elena", "Farid", "Giulia", "Hugo", "Ines", "Jonas",
		"Kenji", "Lucia", "Marco", "Nadia", "Omar", "Paula", "Quentin", "Rosa", "Samir", "Tomás", "Uma", "Victor",
		"Wen", "Yara", "Zoé"}
	lastNames = []string{"Silva", "Rossi", "Müller", "García", "Dubois", "Kowalski", "Novak", "Jensen", "Ahmed",
		"Tanaka", "O'Brien", "Costa", "Ferreira", "Lopez", "Nguyen", "Schmidt", "Moreau", "Ricci", "Haddad", "Kim"}
	agents      = []string{"Alice Martins", "Ben Carter", "Chiara Bianchi", "David Okafor", "Eva Lindqvist", "Fatima Zahra"}
	departments = []string{"Sales", "Support", "Billing", "Technical"}
	channels    = []string{"chat", "chat", "chat", "web", "mobile"}
	countries   = []string{"PT", "ES", "IT", "FR", "DE", "BR", "US", "GB", "NL", "PL"}
	userAgents  = []string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
		"Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
	}
	politeOpeners = []string{"Hello, I need help with my last invoice.", "Hi! My order has not arrived yet.",
		"Good morning, how do I change my plan?", "I can't log in to my account.", "Is there a discount for students?",
		"Can you tell me the opening hours?", "The app crashes when I pay."}
	abusiveOpeners = []string{"ANSWER ME NOW you useless bots!!!", "You people are idiots, fix it or else.",
		"spam spam spam spam spam", "I will keep opening chats until someone gives me a refund."}
)

// Abuser is a demo customer who returns many times from one IP; the demo
// blocks some of them so the report shows Blocked rows from the start.
type Abuser struct {
	IP    string
	Name  string
	Notes string
}

// Abusers are the repeat offenders in the demo set, in a fixed order.
var Abusers = []Abuser{
	{IP: "203.0.113.45", Name: "Rex Trollman", Notes: "Insulted agent Ben Carter repeatedly; 14 chats in one afternoon."},
	{IP: "2001:db8:ab::17", Name: "Anon Spammer", Notes: "Floods the chat with advertising links."},
	{IP: "198.51.100.23", Name: "Mallory Shouts", Notes: "Threatening language towards support staff."},
	{IP: "192.0.2.99", Name: "Refund Rick", Notes: ""},
}

// Supervisor is the named demo supervisor the demo bans are credited to, so
// they never look like the real operator's (or root's) work.
const Supervisor = "Dana Demo (demo supervisor)"

// Blocked are the demo abusers that a new database starts with blocked, with
// the period and the supervisor's notes. The first abuser is left unblocked
// so the Ban flow can be tried on the newest contact.
func Blocked() []struct{ IP, Period, Notes string } {
	return []struct{ IP, Period, Notes string }{
		{Abusers[1].IP, "1w", Abusers[1].Notes},
		{Abusers[2].IP, "1mo", Abusers[2].Notes},
	}
}

// Contacts returns n contacts that started during the 90 days before now. The
// same n and now always give the same contacts.
func Contacts(now time.Time, n int) []contacts.Contact {
	r := rand.New(rand.NewPCG(20261125, uint64(n)))
	out := make([]contacts.Contact, 0, n)
	span := int64(90 * 24 * time.Hour / time.Second)
	for i := 0; i < n; i++ {
		started := now.Add(-time.Duration(r.Int64N(span)) * time.Second).Truncate(time.Second)
		dur := 60 + r.Int64N(1800)
		ended := started.Add(time.Duration(dur) * time.Second)
		first, last := firstNames[r.IntN(len(firstNames))], lastNames[r.IntN(len(lastNames))]
		c := contacts.Contact{
			VisitorName:  first + " " + last,
			Email:        fmt.Sprintf("%s.%s%d@example.com", strings.ToLower(first), strings.ToLower(last), r.IntN(100)),
			IP:           randomIP(r),
			Channel:      channels[r.IntN(len(channels))],
			StartedAt:    started.UTC(),
			EndedAt:      &ended,
			DurationSec:  dur,
			Agent:        agents[r.IntN(len(agents))],
			Department:   departments[r.IntN(len(departments))],
			Messages:     2 + r.Int64N(40),
			Country:      countries[r.IntN(len(countries))],
			UserAgent:    userAgents[r.IntN(len(userAgents))],
			FirstMessage: politeOpeners[r.IntN(len(politeOpeners))],
		}
		if r.IntN(3) > 0 {
			rating := 1 + r.Int64N(5)
			c.Rating = &rating
		}
		// About one contact in 20 is a repeat offender coming back from the same IP.
		if r.IntN(20) == 0 {
			a := Abusers[r.IntN(len(Abusers))]
			c.IP, c.VisitorName = a.IP, a.Name
			c.Email = ""
			c.FirstMessage = abusiveOpeners[r.IntN(len(abusiveOpeners))]
			one := int64(1)
			c.Rating = &one
		}
		out = append(out, c)
	}
	// The newest contact first is what the first screen shows; make sure an
	// abuser is among the most recent so the Ban flow is one click away.
	recent := now.Add(-25 * time.Minute).Truncate(time.Second)
	out[0].StartedAt, out[0].IP, out[0].VisitorName = recent, Abusers[0].IP, Abusers[0].Name
	out[0].FirstMessage, out[0].Email = abusiveOpeners[0], ""
	ended := recent.Add(time.Duration(out[0].DurationSec) * time.Second)
	out[0].EndedAt = &ended
	return out
}

func randomIP(r *rand.Rand) string {
	if r.IntN(5) == 0 { // one in five customers on IPv6
		var b [16]byte
		b[0], b[1], b[2], b[3] = 0x20, 0x01, 0x0d, 0xb8
		for i := 4; i < 16; i++ {
			b[i] = byte(r.IntN(256))
		}
		return netip.AddrFrom16(b).String()
	}
	// Documentation and private-looking ranges only: never a real customer's address.
	prefixes := [][2]byte{{198, 51}, {203, 0}, {192, 0}, {100, 64}, {10, 20}}
	p := prefixes[r.IntN(len(prefixes))]
	return netip.AddrFrom4([4]byte{p[0], p[1], byte(r.IntN(256)), byte(1 + r.IntN(254))}).String()
}

// SeedIfEmpty loads Contacts(now, n) into a database that has never had demo
// data and has no contacts, in one transaction. It reports whether it loaded.
// Two processes opening a new shared file at once load the set only once.
func SeedIfEmpty(ctx context.Context, db *store.DB, now time.Time, n int) (bool, error) {
	loaded := false
	err := db.Write(ctx, func(tx *store.Tx) error {
		load, err := tx.ClaimDemoSeed(now.Format(time.RFC3339))
		if err != nil || !load {
			return err
		}
		loaded = true
		return contacts.InsertTx(tx, Contacts(now, n))
	})
	if err != nil {
		return false, fmt.Errorf("load demo contacts: %w", store.Classify(err))
	}
	return loaded, nil
}
