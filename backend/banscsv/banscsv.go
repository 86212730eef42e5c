// Package banscsv writes the blacklist as CSV for export, and reads a CSV of
// addresses to block, reporting each bad line by number.
package banscsv

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"banlist/backend/apperr"
	"banlist/backend/bans"
)

// ExportHeader is the first line of an export.
var ExportHeader = []string{"target", "status", "period", "created_at", "created_by", "expires_at", "removed_at", "removed_by", "renewals", "notes"}

// Write writes bans as CSV with ExportHeader. Times are RFC 3339 in UTC.
// Text that a spreadsheet would run as a formula gets a quote (safeCell).
func Write(w io.Writer, list []bans.Ban) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(ExportHeader); err != nil {
		return err
	}
	for _, b := range list {
		removedAt := ""
		if b.RemovedAt != nil {
			removedAt = b.RemovedAt.UTC().Format(time.RFC3339)
		}
		rec := []string{
			safeCell(b.Target), string(b.Status), string(b.Period), b.CreatedAt.UTC().Format(time.RFC3339), safeCell(b.CreatedBy),
			b.ExpiresAt.UTC().Format(time.RFC3339), removedAt, safeCell(b.RemovedBy), fmt.Sprint(b.Renewals), safeCell(b.Notes),
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// formulaTriggers start a formula (or, for tab and CR, hide one) when a
// spreadsheet opens a CSV cell.
const formulaTriggers = "=+-@\t\r"

// safeCell defuses CSV formula injection. A spreadsheet runs a cell starting
// with = + - @ (or a tab/CR) as a formula, and in locales whose list
// separator is ";" (German, French, …) it also splits unquoted text at ";"
// or ",", so a trigger right after one of them starts a formula too. Every
// such place (the start of the cell, or after ";" or ",", spaces skipped)
// whose next character is a trigger gets a quote before it. A quote already
// standing there before a trigger gets one more, so that unsafeCell can undo
// the change exactly.
func safeCell(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	start := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if start && c != ' ' {
			j := i
			for j < len(s) && s[j] == '\'' {
				j++
			}
			if j < len(s) && strings.IndexByte(formulaTriggers, s[j]) >= 0 {
				b.WriteByte('\'')
			}
		}
		b.WriteByte(c)
		start = c == ';' || c == ',' || start && c == ' '
	}
	return b.String()
}

// unsafeCell undoes safeCell: at each place safeCell guards, one quote is
// dropped from a run of quotes followed by a trigger.
func unsafeCell(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	start := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if start && c == '\'' {
			j := i
			for j < len(s) && s[j] == '\'' {
				j++
			}
			if j < len(s) && strings.IndexByte(formulaTriggers, s[j]) >= 0 {
				i++ // drop this quote; the rest of the run is copied below
				if i >= len(s) {
					break
				}
				c = s[i]
			}
		}
		b.WriteByte(c)
		start = c == ';' || c == ',' || start && c == ' '
	}
	return b.String()
}

// Row is one line of an import: what to block, for how long, and why.
type Row struct {
	Line   int
	Target string
	Period string
	Notes  string
	// Status is the status column of a blacklist export ("" in a plain
	// import file); only active bans are meant to be blocked again.
	Status string
}

// readOnlyColumns are the columns of an export that an import accepts and
// ignores: they describe a ban's past (its author, times, renewals), which a
// new block does not inherit. A new block starts now, for its period.
var readOnlyColumns = map[string]bool{
	"status": true, "created_at": true, "created_by": true, "expires_at": true,
	"removed_at": true, "removed_by": true, "renewals": true,
}

// LineError is a line of an import that could not be used, and why.
type LineError struct {
	Line    int    `json:"line"`
	Target  string `json:"target"`
	Message string `json:"message"`
	// Data fills the message's {placeholders} (see apperr.Error.Data).
	Data any `json:"data,omitempty"`
}

// MaxImportBytes and MaxImportRows bound one import.
const (
	MaxImportBytes = 4 << 20
	MaxImportRows  = 10000
)

// Parse reads an import CSV with the header "ip,period,notes" (notes
// optional; "target" is accepted for "ip"; any order; case-insensitive), or
// a blacklist export as Write makes it: its read-only columns are ignored
// except status, and its cells' formula quotes are undone. A
// file-level problem (bad header, broken quoting, too large) is an error and
// nothing should be imported; bad lines are left for the caller to validate.
func Parse(r io.Reader) ([]Row, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxImportBytes+1))
	if err != nil {
		return nil, apperr.Invalid("file", "Cannot read the file: "+err.Error())
	}
	if len(data) > MaxImportBytes {
		return nil, &apperr.Error{Code: apperr.CodeTooLarge, Field: "file", Message: fmt.Sprintf("The file is larger than %d MiB.", MaxImportBytes>>20)}
	}
	if !utf8.Valid(data) {
		return nil, apperr.Invalid("file", "The file is not UTF-8 text.")
	}
	text := strings.TrimPrefix(string(data), "\ufeff")
	cr := csv.NewReader(strings.NewReader(text))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, apperr.Invalid("file", "The file is empty; the first line must be the header ip,period,notes.")
	}
	if err != nil {
		return nil, csvError(err)
	}
	col := map[string]int{}
	export := false // the file is one of our exports: undo safeCell
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		if name == "target" {
			name = "ip"
		}
		if readOnlyColumns[name] {
			export = true
		}
		switch {
		case name == "ip" || name == "period" || name == "notes" || readOnlyColumns[name]:
			if _, dup := col[name]; dup {
				return nil, apperr.Invalid("file", fmt.Sprintf("Line 1: the column “%s” appears twice.", name))
			}
			col[name] = i
		default:
			return nil, apperr.Invalid("file", fmt.Sprintf("Line 1: unknown column “%s”; the header must be ip,period,notes (a blacklist export is accepted as it is).", h))
		}
	}
	if _, ok := col["ip"]; !ok {
		return nil, apperr.Invalid("file", "Line 1: the header has no “ip” column.")
	}
	if _, ok := col["period"]; !ok {
		return nil, apperr.Invalid("file", "Line 1: the header has no “period” column.")
	}
	var rows []Row
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		if len(rows) >= MaxImportRows {
			return nil, &apperr.Error{Code: apperr.CodeTooLarge, Field: "file", Message: fmt.Sprintf("The file has more than %d lines; split it.", MaxImportRows)}
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return rec[i]
			}
			return ""
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		row := Row{Line: line, Target: strings.TrimSpace(get("ip")), Period: strings.TrimSpace(get("period")), Notes: get("notes"),
			Status: strings.ToLower(strings.TrimSpace(get("status")))}
		if export {
			row.Target, row.Notes = unsafeCell(row.Target), unsafeCell(row.Notes)
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return apperr.Invalid("file", fmt.Sprintf("Line %d: %v. Nothing was imported.", pe.StartLine, pe.Err))
	}
	return apperr.Invalid("file", "The file is not valid CSV: "+err.Error())
}
