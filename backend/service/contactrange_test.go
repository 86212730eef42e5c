package service_test

import (
	"context"
	"testing"
)

// A contact covered by a range ban shows the range, and how many contacts
// lifting it would let back in (contacts outside the range do not count).
func TestContactDetailCountsTheContactsARangeCovers(t *testing.T) {
	svc, _ := withContacts(t, "203.0.113.9", "203.0.113.200", "203.0.113.9", "203.0.114.1", "2001:db8::1", "::ffff:203.0.113.5")
	ctx := context.Background()
	if _, err := svc.BanIP(ctx, "203.0.113.0/24", "1d", "spam wave"); err != nil {
		t.Fatal(err)
	}
	d, err := svc.GetContact(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if d.Ban == nil || d.Ban.Target != "203.0.113.0/24" || !d.Ban.IsRange {
		t.Fatalf("ban = %+v, want the range", d.Ban)
	}
	// 203.0.113.9 twice, .200 and the mapped .5; not 203.0.114.1 nor the IPv6 one.
	if d.ContactsInRange != 4 || d.ContactsFromIP != 2 {
		t.Fatalf("in range %d, from IP %d; want 4 and 2", d.ContactsInRange, d.ContactsFromIP)
	}
	// A single-address ban reports no range count.
	if _, err := svc.BanIP(ctx, "203.0.114.1", "1d", ""); err != nil {
		t.Fatal(err)
	}
	d, err = svc.GetContact(ctx, 4)
	if err != nil || d.Ban == nil || d.Ban.IsRange || d.ContactsInRange != 0 {
		t.Fatalf("single: %+v %v", d, err)
	}
}
