package banscsv

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"banlist/backend/bans"
)

// hostileNotes are cells that become formulas in a spreadsheet that splits
// text at ";" or "," (semicolon locales), at the start or anywhere inside.
var hostileNotes = []string{
	`x;=cmd|' /C calc'!A0`,
	`x,=HYPERLINK("http://evil.example","click")`,
	`a; +1+1`,
	"a;\t=1",
	"a,\r=1",
	`ok;-2+3;@SUM(1)`,
	`;=1`,
	`=1;=2,=3`,
	`already';'=quoted`,
	`'=starts with a quote`,
	`a;''+two quotes`,
	`plain; text, with separators - and @ signs`,
	"",
}

func TestExportDefusesFormulasAfterEverySeparator(t *testing.T) {
	at := time.Date(2026, 11, 25, 14, 3, 0, 0, time.UTC)
	var list []bans.Ban
	for _, n := range hostileNotes {
		list = append(list, bans.Ban{Target: "192.0.2.1", Status: bans.StatusActive, Period: bans.Day, CreatedAt: at, ExpiresAt: at,
			CreatedBy: "Ana;=evil", RemovedBy: "x,@y", Notes: n})
	}
	var buf bytes.Buffer
	if err := Write(&buf, list); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(buf.Bytes())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// Read the export back as a spreadsheet in a ";" locale and in a ","
	// locale would: every piece between separators, spaces trimmed, must not
	// start with a formula trigger.
	for _, sep := range []string{";", ","} {
		for i, rec := range recs[1:] {
			for c, cell := range rec {
				for _, piece := range strings.Split(cell, sep) {
					p := strings.TrimLeft(piece, " ")
					if p != "" && strings.ContainsRune(formulaTriggers, rune(p[0])) {
						t.Errorf("row %d column %s split on %q: piece %q of %q is a formula", i+1, recs[0][c], sep, piece, cell)
					}
				}
			}
		}
	}
	// Raw lines too: a spreadsheet that ignores CSV quoting splits the line.
	for _, sep := range []string{";", ","} {
		for _, piece := range strings.Split(buf.String(), sep) {
			p := strings.TrimLeft(strings.TrimLeft(piece, `"`), " ")
			if p != "" && strings.ContainsRune("=+-@", rune(p[0])) {
				t.Errorf("raw split on %q: piece %q is a formula", sep, piece)
			}
		}
	}
}

func TestSafeCellIsUndoneExactlyOnImport(t *testing.T) {
	for _, n := range append(hostileNotes, "'", "''", ";'", "a;'", "-", ";", " ;  ;=") {
		if got := unsafeCell(safeCell(n)); got != n {
			t.Errorf("unsafeCell(safeCell(%q)) = %q (safe form %q)", n, got, safeCell(n))
		}
	}
	// A hand-written import keeps its quotes: only an export's cells are undone.
	rows, err := Parse(strings.NewReader("ip,period,notes\n192.0.2.1,1d,'=kept\n"))
	if err != nil || len(rows) != 1 || rows[0].Notes != "'=kept" {
		t.Fatalf("rows = %+v, err %v", rows, err)
	}
}

func TestExportImportRoundTrip(t *testing.T) {
	at := time.Date(2026, 11, 25, 14, 3, 0, 0, time.UTC)
	removed := at.Add(time.Hour)
	var list []bans.Ban
	for i, n := range hostileNotes {
		list = append(list, bans.Ban{Target: "192.0.2." + string(rune('1'+i%9)), Status: bans.StatusActive, Period: bans.Week,
			CreatedAt: at, ExpiresAt: at, CreatedBy: "Ana", Renewals: 2, Notes: n})
	}
	list = append(list, bans.Ban{Target: "2001:db8::/48", Status: bans.StatusRemoved, Period: bans.Month, CreatedAt: at, ExpiresAt: at,
		RemovedAt: &removed, RemovedBy: "Bo", Notes: "gone"})
	var buf bytes.Buffer
	if err := Write(&buf, list); err != nil {
		t.Fatal(err)
	}
	rows, err := Parse(&buf)
	if err != nil {
		t.Fatalf("the export is refused by the import: %v", err)
	}
	if len(rows) != len(list) {
		t.Fatalf("%d rows back from %d bans", len(rows), len(list))
	}
	for i, r := range rows {
		b := list[i]
		if r.Target != b.Target || r.Period != string(b.Period) || r.Notes != b.Notes || r.Status != string(b.Status) {
			t.Errorf("row %d = %+v, exported %+v", i, r, b)
		}
	}
}
