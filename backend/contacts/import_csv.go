package contacts

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Reading an import file as CSV: the header, its columns and each record.

// utf8BOM is the byte order mark some spreadsheets write first; it is skipped.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// readCSV reads a header line and then one contact per record.
func (im *importer) readCSV(src *limitReader) error {
	br := bufio.NewReader(src)
	if b, _ := br.Peek(len(utf8BOM)); bytes.Equal(b, utf8BOM) {
		_, _ = br.Discard(len(utf8BOM))
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1 // a short or long row is that row's problem, not the file's
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		if err := src.sourceError(); err != nil {
			return err
		}
		return invalidFile("The file is empty; its first line must be the header: " + strings.Join(columnNames(), ",") + ".")
	}
	if err != nil {
		return csvError(err, src)
	}
	cols, err := mapHeader(header)
	if err != nil {
		return err
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return src.sourceError()
		}
		if err != nil {
			return csvError(err, src)
		}
		line, _ := cr.FieldPos(0)
		if err := im.nextRow(line); err != nil {
			return err
		}
		im.add(csvRecord(rec, cols, len(header), line, im.rep.Total+1))
	}
}

// csvError explains a failed csv.Reader.Read.
func csvError(err error, src *limitReader) error {
	if serr := src.sourceError(); serr != nil {
		return serr
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		if pe.StartLine != pe.Line {
			return invalidFile(fmt.Sprintf("The file is not valid CSV: the record that starts at line %d has a broken quote (%v, noticed at line %d, column %d).",
				pe.StartLine, pe.Err, pe.Line, pe.Column))
		}
		return invalidFile(fmt.Sprintf("The file is not valid CSV at line %d, column %d: %v.", pe.Line, pe.Column, pe.Err))
	}
	return invalidFile("The file is not valid CSV: " + err.Error() + ".")
}

func columnNames() []string {
	out := make([]string, nFields)
	for i, f := range fieldSpecs {
		out[i] = f.col
	}
	return out
}

// mapHeader returns, for each field, its column index in the header (-1 if
// absent). Names are matched ignoring case and surrounding spaces; an
// unknown, empty or repeated name, or a missing required one, is fatal.
func mapHeader(header []string) ([nFields]int, error) {
	var cols [nFields]int
	for i := range cols {
		cols[i] = -1
	}
	if len(header) == 1 {
		for _, sep := range []struct{ char, name string }{{";", "semicolons"}, {"\t", "tabs"}} {
			if strings.Contains(header[0], sep.char) {
				return cols, invalidFile(fmt.Sprintf("The header (line 1) is a single column %s: columns must be separated by commas, but this file seems to use %s.",
					show(header[0]), sep.name))
			}
		}
	}
	var unknown []string
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		if name == "" {
			unknown = append(unknown, fmt.Sprintf("column %d has no name", i+1))
			continue
		}
		f := fieldByColumn(name)
		if f < 0 {
			u := show(h)
			if s := suggest(name, func(f fieldSpec) string { return f.col }); s != "" {
				u += " (did you mean " + s + "?)"
			}
			unknown = append(unknown, u)
			continue
		}
		if cols[f] >= 0 {
			return cols, invalidFile(fmt.Sprintf("The header (line 1) names the column %s twice (columns %d and %d).",
				fieldSpecs[f].col, cols[f]+1, i+1))
		}
		cols[f] = i
	}
	if len(unknown) > 0 {
		return cols, invalidFile(fmt.Sprintf("The header (line 1) has unknown columns: %s. The first line must name the columns, from: %s.",
			strings.Join(unknown, "; "), strings.Join(columnNames(), ", ")))
	}
	var missing []string
	for i, f := range fieldSpecs {
		if f.required && cols[i] < 0 {
			missing = append(missing, f.col)
		}
	}
	if len(missing) > 0 {
		return cols, invalidFile(fmt.Sprintf("The header (line 1) lacks the required column(s) %s.", strings.Join(missing, ", ")))
	}
	return cols, nil
}

func fieldByColumn(name string) int {
	for i, f := range fieldSpecs {
		if f.col == name {
			return i
		}
	}
	return -1
}

// suggest returns the name (as name spells it) an unknown field name most
// likely meant: the same letters ignoring case and separators (startedAt,
// Started At and started_at match each other), else the closest one by edit
// distance if that is small for the name's length: one edit (a typo or two
// swapped letters) up to five characters, two beyond.
func suggest(unknown string, name func(fieldSpec) string) string {
	squash := func(s string) string {
		return strings.ToLower(strings.NewReplacer("_", "", " ", "", "-", "").Replace(s))
	}
	best, bestDist := "", 2
	if utf8.RuneCountInString(unknown) > 5 {
		bestDist = 3
	}
	for _, f := range fieldSpecs {
		n := name(f)
		if squash(n) == squash(unknown) {
			return n
		}
		if d := editDistance(strings.ToLower(n), strings.ToLower(unknown), bestDist); d < bestDist {
			best, bestDist = n, d
		}
	}
	return best
}

// editDistance is the optimal-string-alignment distance between a and b
// (insertions, deletions, substitutions and swaps of adjacent characters),
// or limit when it is limit or more.
func editDistance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d >= limit || -d >= limit {
		return limit
	}
	// d[i][j] is the distance between ra[:i] and rb[:j].
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return min(d[len(ra)][len(rb)], limit)
}

// csvRecord validates one CSV record.
func csvRecord(rec []string, cols [nFields]int, width, line, record int) (Contact, []RowError) {
	if len(rec) != width {
		return Contact{}, []RowError{{Line: line, Record: record,
			Message: fmt.Sprintf("has %d fields, but the header has %d columns", len(rec), width)}}
	}
	var v rowValues
	for f, c := range cols {
		if c >= 0 {
			v.val[f] = rec[c]
		}
	}
	return v.contact(func(f int) string { return fieldSpecs[f].col }, line, record, nil)
}
