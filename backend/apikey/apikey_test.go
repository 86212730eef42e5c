package apikey

import (
	"strings"
	"testing"
)

func TestNewKeysMatchOnlyTheirHash(t *testing.T) {
	a, ha := New("blb_")
	b, hb := New("blb_")
	if !strings.HasPrefix(a, "blb_") || len(a) < 40 {
		t.Fatalf("key %q: want prefix and 256 bits", a)
	}
	if a == b || ha == hb {
		t.Fatal("two keys are equal")
	}
	if !Matches(a, ha) || Matches(a, hb) || Matches("", Hash("")) || Matches(a, "") {
		t.Fatal("Matches accepts the wrong key")
	}
	if strings.Contains(ha, a) {
		t.Fatal("hash contains the key")
	}
}
