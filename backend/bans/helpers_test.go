package bans

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"banlist/backend/apperr"
	"banlist/backend/clock"
	"banlist/backend/store"
	"banlist/backend/store/storetest"
)

// fixture is one service on its own fresh database.
type fixture struct {
	t   *testing.T
	ctx context.Context
	db  *store.DB
	clk *clock.Fixed
	svc *Service
	op  string // current operator name
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db, clk := storetest.Open(t)
	f := &fixture{t: t, ctx: context.Background(), db: db, clk: clk, op: "alice"}
	f.svc = New(db, func() string { return f.op })
	t.Cleanup(func() { _ = f.svc.Close() })
	return f
}

func (f *fixture) ban(target, period, notes string) Ban {
	f.t.Helper()
	b, err := f.svc.BanIP(f.ctx, target, period, notes)
	if err != nil {
		f.t.Fatalf("BanIP(%q, %q): %v", target, period, err)
	}
	return b
}

func (f *fixture) check(ip string) CheckResult {
	f.t.Helper()
	r, err := f.svc.Check(f.ctx, ip)
	if err != nil {
		f.t.Fatalf("Check(%q): %v", ip, err)
	}
	return r
}

func (f *fixture) count(query string, args ...any) int64 {
	f.t.Helper()
	var n int64
	if err := f.db.Raw(query, args...).Scan(&n).Error; err != nil {
		f.t.Fatalf("%s: %v", query, err)
	}
	return n
}

func at(d time.Duration) time.Time { return storetest.Epoch.Add(d) }

// wantAppErr checks err is an *apperr.Error of code on field wrapping kind,
// whose message mentions every one of parts.
func wantAppErr(t *testing.T, err error, code apperr.Code, field string, kind error, parts ...string) *apperr.Error {
	t.Helper()
	var ae *apperr.Error
	if !errors.As(err, &ae) {
		t.Fatalf("want *apperr.Error %s, got %T %v", code, err, err)
	}
	if ae.Code != code || ae.Field != field {
		t.Fatalf("want %s on field %q, got %s on %q: %s", code, field, ae.Code, ae.Field, ae.Message)
	}
	if kind != nil && !errors.Is(err, kind) {
		t.Fatalf("error %q does not match %v", ae.Message, kind)
	}
	for _, p := range parts {
		if !strings.Contains(ae.Message, p) {
			t.Errorf("message %q lacks %q", ae.Message, p)
		}
	}
	return ae
}
