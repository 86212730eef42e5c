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
// Cells that a spreadsheet would run as a formula are prefixed with a quote.
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
			b.Target, string(b.Status), string(b.Period), b.CreatedAt.UTC().Format(time.RFC3339), safeCell(b.CreatedBy),
			b.ExpiresAt.UTC().Format(time.RFC3339), removedAt, safeCell(b.RemovedBy), fmt.Sprint(b.Renewals), safeCell(b.Notes),
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// safeCell defuses CSV formula injection: a cell starting with = + - @ (or a
// tab/CR) is opened by spreadsheets as a formula, so it gets a leading quote.
func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// Row is one line of an import: what to block, for how long, and why.
type Row struct {
	Line   int
	Target string
	Period string
	Notes  string
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
// optional; "target" is accepted for "ip"; any order; case-insensitive). A
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
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		if name == "target" {
			name = "ip"
		}
		switch name {
		case "ip", "period", "notes":
			if _, dup := col[name]; dup {
				return nil, apperr.Invalid("file", fmt.Sprintf("Line 1: the column “%s” appears twice.", name))
			}
			col[name] = i
		default:
			return nil, apperr.Invalid("file", fmt.Sprintf("Line 1: unknown column “%s”; the header must be ip,period,notes.", h))
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
		rows = append(rows, Row{Line: line, Target: strings.TrimSpace(get("ip")), Period: strings.TrimSpace(get("period")), Notes: get("notes")})
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
