package contacts

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"banlist/backend/apperr"
	"banlist/backend/store"
)

// ImportFormat names the layout of an import file.
type ImportFormat string

// The import formats. docs/IMPORT.md describes both.
const (
	// ImportCSV is comma-separated values with a header line.
	ImportCSV ImportFormat = "csv"
	// ImportJSON is one JSON array of contact objects.
	ImportJSON ImportFormat = "json"
)

// ImportFormatOf returns the format a file name's extension names: .csv or
// .json, in any letter case. Any other name gives an *apperr.Error (invalid).
func ImportFormatOf(name string) (ImportFormat, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv":
		return ImportCSV, nil
	case ".json":
		return ImportJSON, nil
	}
	return "", apperr.Invalid("format", fmt.Sprintf("Cannot tell the format of %s: the file name must end in .csv or .json.", show(name)))
}

// ImportLimits bound what one import may read. A zero or negative field means
// the matching field of DefaultImportLimits.
type ImportLimits struct {
	// MaxRows is the most data rows (CSV records after the header, or JSON
	// array elements) a file may hold.
	MaxRows int
	// MaxBytes is the largest file, in bytes, that is accepted.
	MaxBytes int64
}

// DefaultImportLimits are the limits the command line uses.
var DefaultImportLimits = ImportLimits{MaxRows: 200_000, MaxBytes: 64 << 20}

// MaxRowErrors is the most RowErrors an ImportReport lists; rejected rows
// beyond it are still counted in ImportReport.RejectedCount.
const MaxRowErrors = 1000

// RowError is one problem with one row of an import file.
type RowError struct {
	// Line is the 1-based line of the file on which the row starts. For CSV
	// the header is line 1; for JSON it is the line of the object's "{".
	Line int `json:"line"`
	// Record is the 1-based number of the row among the data rows: the CSV
	// record after the header, or the element of the JSON array. It tells
	// rows apart when a minified JSON file has them all on one line.
	Record int `json:"record"`
	// Field is the CSV column (in lower case) or the JSON key the problem is
	// in; empty when it concerns the whole row.
	Field string `json:"field"`
	// Message says what is wrong, quoting the offending value.
	Message string `json:"message"`
}

// ImportReport is the outcome of an import that was not stopped by a fatal
// error. Imported + RejectedCount == Total always holds.
type ImportReport struct {
	// Imported is how many rows were stored.
	Imported int `json:"imported"`
	// Rejected lists the problems of the rejected rows, in file order; a row
	// with several bad fields has one entry per field. At most MaxRowErrors
	// entries are kept (see Truncated).
	Rejected []RowError `json:"rejected"`
	// RejectedCount is how many rows were rejected, including rows whose
	// problems did not fit in Rejected.
	RejectedCount int `json:"rejectedCount"`
	// Truncated is set when problems were left out of Rejected.
	Truncated bool `json:"truncated"`
	// Total is how many data rows the file holds (the header not counted).
	Total int `json:"total"`
}

// Longest text fields, in characters.
const (
	maxShortText    = 200
	maxUserAgent    = 1000
	maxFirstMessage = 2000
)

// Field indexes into fieldSpecs.
const (
	fStartedAt = iota
	fVisitorName
	fEmail
	fIP
	fChannel
	fEndedAt
	fDurationSec
	fAgent
	fDepartment
	fMessages
	fRating
	fCountry
	fUserAgent
	fFirstMessage
	nFields
)

type fieldKind int

const (
	kindText fieldKind = iota
	kindIP
	kindTime
	kindCount  // whole number, 0 or more
	kindRating // whole number 1–5
)

// fieldSpec is one importable field: its CSV column, its JSON key (the
// Contact JSON tag), what it holds and how long it may be.
type fieldSpec struct {
	col, key string
	kind     fieldKind
	max      int // characters, for kindText
	required bool
}

var fieldSpecs = [nFields]fieldSpec{
	fStartedAt:    {col: "started_at", key: "startedAt", kind: kindTime, required: true},
	fVisitorName:  {col: "visitor_name", key: "visitorName", kind: kindText, max: maxShortText},
	fEmail:        {col: "email", key: "email", kind: kindText, max: maxShortText},
	fIP:           {col: "ip", key: "ip", kind: kindIP, required: true},
	fChannel:      {col: "channel", key: "channel", kind: kindText, max: maxShortText},
	fEndedAt:      {col: "ended_at", key: "endedAt", kind: kindTime},
	fDurationSec:  {col: "duration_sec", key: "durationSec", kind: kindCount},
	fAgent:        {col: "agent", key: "agent", kind: kindText, max: maxShortText},
	fDepartment:   {col: "department", key: "department", kind: kindText, max: maxShortText},
	fMessages:     {col: "messages", key: "messages", kind: kindCount},
	fRating:       {col: "rating", key: "rating", kind: kindRating},
	fCountry:      {col: "country", key: "country", kind: kindText, max: maxShortText},
	fUserAgent:    {col: "user_agent", key: "userAgent", kind: kindText, max: maxUserAgent},
	fFirstMessage: {col: "first_message", key: "firstMessage", kind: kindText, max: maxFirstMessage},
}

// The local time layout accepted besides RFC 3339; it is read as UTC.
const plainTimeLayout = "2006-01-02 15:04:05"

// Import reads contacts from r in the given format, validates every row and
// stores the valid ones in one transaction. Invalid rows are skipped and
// listed in the report; if every row is invalid nothing is stored and the
// report says why (that is not an error).
//
// A fatal problem — r cannot be read, the file is not well-formed CSV or
// JSON, the CSV header is missing or names an unknown column, the file holds
// more than limits.MaxRows rows or more than limits.MaxBytes bytes, or the
// database write fails — stores nothing and returns an *apperr.Error (code
// invalid, too_large or unavailable) whose message names the problem and,
// where there is one, the line.
func (s *Store) Import(ctx context.Context, r io.Reader, format ImportFormat, limits ImportLimits) (ImportReport, error) {
	return s.ImportWithProgress(ctx, r, format, limits, 0, nil)
}

// ImportWithProgress is Import that reports how far it has got: while
// reading, bytes read of size (the input's length, 0 if unknown); while
// saving, rows saved of the rows to save. progress may be nil.
func (s *Store) ImportWithProgress(ctx context.Context, r io.Reader, format ImportFormat, limits ImportLimits, size int64, progress ProgressFunc) (ImportReport, error) {
	if limits.MaxRows <= 0 {
		limits.MaxRows = DefaultImportLimits.MaxRows
	}
	if limits.MaxBytes <= 0 {
		limits.MaxBytes = DefaultImportLimits.MaxBytes
	}
	src := &limitReader{r: r, max: limits.MaxBytes}
	im := &importer{ctx: ctx, limits: limits, rep: ImportReport{Rejected: []RowError{}}, src: src, size: size, progress: progress}
	var err error
	switch format {
	case ImportCSV:
		err = im.readCSV(src)
	case ImportJSON:
		err = im.readJSON(src)
	default:
		return ImportReport{}, apperr.Invalid("format", fmt.Sprintf("Unknown import format %s: use csv or json.", show(string(format))))
	}
	if err != nil {
		return ImportReport{}, err
	}
	if err := im.checkContext(); err != nil {
		return ImportReport{}, err
	}
	if len(im.good) > 0 {
		err := s.db.Write(ctx, func(tx *store.Tx) error {
			return insertReporting(ctx, tx, im.good, progress)
		})
		if err != nil {
			if cerr := im.checkContext(); cerr != nil {
				return ImportReport{}, cerr
			}
			err = s.db.Fault(ctx, "save the imported contacts", err)
			if ae := (*apperr.Error)(nil); errors.As(err, &ae) {
				ae.Message += " Nothing was imported."
			}
			return ImportReport{}, err
		}
	}
	im.rep.Imported = len(im.good)
	return im.rep, nil
}

// importer collects the rows of one import.
type importer struct {
	ctx      context.Context
	limits   ImportLimits
	rep      ImportReport
	good     []Contact
	src      *limitReader
	size     int64
	progress ProgressFunc
}

// add counts one data row: c if errs is empty, else its problems.
func (im *importer) add(c Contact, errs []RowError) {
	im.rep.Total++
	if len(errs) == 0 {
		im.good = append(im.good, c)
		return
	}
	im.rep.RejectedCount++
	for _, e := range errs {
		if len(im.rep.Rejected) >= MaxRowErrors {
			im.rep.Truncated = true
			return
		}
		im.rep.Rejected = append(im.rep.Rejected, e)
	}
}

// nextRow checks the row limit (and, now and then, ctx) before data row
// number Total+1, which starts at line.
func (im *importer) nextRow(line int) error {
	if im.rep.Total >= im.limits.MaxRows {
		return tooLarge(fmt.Sprintf("The file has more than %d rows (row %d is at line %d).",
			im.limits.MaxRows, im.rep.Total+1, line))
	}
	if im.rep.Total%1024 == 0 {
		if im.progress != nil {
			im.progress("reading", im.src.n, im.size)
		}
		return im.checkContext()
	}
	return nil
}

func (im *importer) checkContext() error {
	if err := im.ctx.Err(); err != nil {
		return apperr.Unavailable("The import was cancelled. Nothing was imported.", err)
	}
	return nil
}

func invalidFile(msg string) *apperr.Error {
	return &apperr.Error{Code: apperr.CodeInvalid, Field: "file", Message: msg + " Nothing was imported."}
}

func tooLarge(msg string) *apperr.Error {
	return &apperr.Error{Code: apperr.CodeTooLarge, Field: "file", Message: msg + " Nothing was imported."}
}

// errOverLimit is what limitReader returns once the input is too large.
var errOverLimit = errors.New("input exceeds the size limit")

// limitReader passes at most max bytes through and remembers why reading
// stopped, so a parser's error can be traced back to its cause.
type limitReader struct {
	r       io.Reader
	max     int64
	n       int64
	over    bool
	readErr error
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.over {
		return 0, errOverLimit
	}
	if room := l.max + 1 - l.n; int64(len(p)) > room {
		p = p[:room]
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	if l.n > l.max {
		l.over = true
		return n, errOverLimit
	}
	if err != nil && !errors.Is(err, io.EOF) {
		l.readErr = err
	}
	return n, err
}

// sourceError turns a failure to read the input into the fatal error for it,
// or returns nil when the input itself read fine.
func (l *limitReader) sourceError() error {
	if l.over {
		return tooLarge(fmt.Sprintf("The file is larger than %s.", byteSize(l.max)))
	}
	if l.readErr != nil {
		return apperr.Unavailable("Could not read the file: "+l.readErr.Error()+". Nothing was imported.", l.readErr)
	}
	return nil
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// ---- CSV ----

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

// ---- JSON ----

// readJSON reads one JSON array of contact objects. The file is read whole
// (it is at most limits.MaxBytes) so that a syntax error can be placed at
// its exact line and column.
func (im *importer) readJSON(src *limitReader) error {
	data, err := io.ReadAll(src)
	if serr := src.sourceError(); serr != nil {
		return serr
	}
	if err != nil {
		return apperr.Unavailable("Could not read the file: "+err.Error()+". Nothing was imported.", err)
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	if len(bytes.TrimSpace(data)) == 0 {
		return invalidFile("The file is empty; it must hold a JSON array of contacts: [{\"startedAt\": …, \"ip\": …}, …].")
	}
	if !json.Valid(data) {
		return jsonSyntaxError(data)
	}
	lines := lineCounter{data: data}
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if d, ok := tok.(json.Delim); err != nil || !ok || d != '[' {
		msg := "The file must hold a JSON array of contacts, [{…}, {…}], but it holds " + jsonKind(bytes.TrimSpace(data)[0]) + "."
		if ok && d == '{' {
			msg += " Put a single contact in [ ]."
		}
		return invalidFile(msg)
	}
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			// The data was checked above, so this is not expected.
			return invalidFile(fmt.Sprintf("The file is not valid JSON near line %d: %v.", lines.at(dec.InputOffset()), err))
		}
		line := lines.at(dec.InputOffset() - int64(len(raw)))
		if err := im.nextRow(line); err != nil {
			return err
		}
		im.add(jsonRecord(raw, line, im.rep.Total+1))
	}
	return nil
}

// jsonSyntaxError places the first syntax error in data, which is invalid.
func jsonSyntaxError(data []byte) error {
	var raw json.RawMessage
	err := json.Unmarshal(data, &raw)
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		return invalidFile(fmt.Sprintf("The file is not valid JSON: %v.", err))
	}
	at := min(max(se.Offset-1, 0), int64(len(data))) // index of the offending byte
	line := 1 + bytes.Count(data[:at], []byte{'\n'})
	col := at - int64(bytes.LastIndexByte(data[:at], '\n'))
	if se.Offset >= int64(len(data)) && strings.Contains(se.Error(), "end of JSON input") {
		return invalidFile(fmt.Sprintf("The file is not valid JSON: it ends unexpectedly at line %d (is it cut short?).", line))
	}
	return invalidFile(fmt.Sprintf("The file is not valid JSON at line %d, column %d: %v.", line, col, se))
}

// lineCounter maps byte offsets, asked for in increasing order, to 1-based lines.
type lineCounter struct {
	data []byte
	off  int64
	line int
}

func (c *lineCounter) at(off int64) int {
	off = min(max(off, c.off), int64(len(c.data)))
	c.line += bytes.Count(c.data[c.off:off], []byte{'\n'})
	c.off = off
	return c.line + 1
}

// jsonKind names the kind of JSON value that starts with b.
func jsonKind(b byte) string {
	switch b {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "true or false"
	case 'n':
		return "null"
	}
	return "a number"
}

var fieldByKey = func() map[string]int {
	m := make(map[string]int, nFields)
	for i, f := range fieldSpecs {
		m[f.key] = i
	}
	return m
}()

// jsonRecord validates one element of the array.
func jsonRecord(raw []byte, line, record int) (Contact, []RowError) {
	if raw[0] != '{' {
		return Contact{}, []RowError{{Line: line, Record: record, Message: "is " + jsonKind(raw[0]) + ", not a contact object"}}
	}
	var (
		v    rowValues
		errs []RowError
		seen = map[string]bool{}
	)
	fail := func(field, msg string) {
		errs = append(errs, RowError{Line: line, Record: record, Field: field, Message: msg})
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil { // the opening {
		fail("", "is not a valid object: "+err.Error())
		return Contact{}, errs
	}
	for dec.More() {
		tok, err := dec.Token()
		var val json.RawMessage
		if err == nil {
			err = dec.Decode(&val)
		}
		key, _ := tok.(string)
		if err != nil {
			fail("", "is not a valid object: "+err.Error())
			return Contact{}, errs
		}
		name := fieldName(key)
		if seen[key] {
			fail(name, "appears more than once")
			continue
		}
		seen[key] = true
		f, ok := fieldByKey[key]
		if !ok {
			if key == "id" {
				continue // an exported contact's id; imported contacts get new ones
			}
			msg := "is not a known field"
			if s := suggest(key, func(f fieldSpec) string { return f.key }); s != "" {
				msg += " (did you mean “" + s + "”?)"
			}
			fail(name, msg)
			continue
		}
		if !utf8.Valid(val) {
			fail(name, "is not valid UTF-8 text")
			v.bad[f] = true
			continue
		}
		wantNumber := fieldSpecs[f].kind == kindCount || fieldSpecs[f].kind == kindRating
		switch c := val[0]; {
		case c == 'n': // null: as if absent
		case c == '"' && !wantNumber:
			if err := json.Unmarshal(val, &v.val[f]); err != nil {
				fail(name, "is not a valid string")
				v.bad[f] = true
			}
		case (c == '-' || c >= '0' && c <= '9') && wantNumber:
			v.val[f] = string(val)
		case wantNumber:
			fail(name, "must be a whole number, not "+jsonKind(c))
			v.bad[f] = true
		default:
			fail(name, "must be a string, not "+jsonKind(c))
			v.bad[f] = true
		}
	}
	c, verrs := v.contact(func(f int) string { return fieldSpecs[f].key }, line, record, errs)
	return c, verrs
}

// fieldName is how a JSON key is shown as RowError.Field: as show quotes
// values, but without the quotes.
func fieldName(key string) string {
	q := show(key)
	return strings.TrimSuffix(strings.TrimPrefix(q, "“"), "”")
}

// ---- validation shared by both formats ----

// rowValues are one row's raw field values as text, before validation.
type rowValues struct {
	val [nFields]string
	bad [nFields]bool // already reported; skip the field
}

// contact validates v and builds the Contact, or returns every problem
// found (after errs, the problems the caller already found). name spells a
// field as the file does.
func (v *rowValues) contact(name func(int) string, line, record int, errs []RowError) (Contact, []RowError) {
	fail := func(f int, msg string) {
		errs = append(errs, RowError{Line: line, Record: record, Field: name(f), Message: msg})
		v.bad[f] = true
	}
	var (
		c              Contact
		started, ended time.Time
		hasEnded       bool
		hasDuration    bool
	)
	for f, spec := range fieldSpecs {
		if v.bad[f] {
			continue
		}
		raw := v.val[f]
		if !utf8.ValidString(raw) {
			fail(f, "is not valid UTF-8 text")
			continue
		}
		if strings.IndexByte(raw, 0) >= 0 {
			fail(f, "contains a NUL byte")
			continue
		}
		s := strings.TrimSpace(raw)
		if s == "" {
			if spec.required {
				fail(f, "a value is required")
			}
			continue
		}
		switch spec.kind {
		case kindText:
			if n := utf8.RuneCountInString(s); n > spec.max {
				fail(f, fmt.Sprintf("is too long (%d characters; at most %d)", n, spec.max))
				continue
			}
			*textField(&c, f) = s
		case kindIP:
			addr, err := netip.ParseAddr(s)
			switch {
			case err != nil:
				fail(f, show(s)+" is not an IP address")
			case addr.Zone() != "":
				fail(f, fmt.Sprintf("%s has an IPv6 zone (%%%s); give the address without it", show(s), addr.Zone()))
			default:
				c.IP = s
			}
		case kindTime:
			t, ok := parseTime(s)
			if !ok {
				fail(f, show(s)+" is not a date and time; use RFC 3339 (2026-01-31T14:03:00Z) or "+plainTimeLayout+" (UTC)")
				continue
			}
			if f == fStartedAt {
				started = t
			} else {
				ended, hasEnded = t, true
			}
		case kindCount, kindRating:
			n, err := strconv.ParseInt(s, 10, 64)
			switch {
			case errors.Is(err, strconv.ErrRange):
				fail(f, show(s)+" is too large")
				continue
			case err != nil:
				fail(f, show(s)+" is not a whole number")
				continue
			case spec.kind == kindRating && (n < 1 || n > 5):
				fail(f, show(s)+" is not a rating from 1 to 5")
				continue
			case n < 0:
				fail(f, show(s)+" is negative; it must be 0 or more")
				continue
			}
			switch f {
			case fDurationSec:
				c.DurationSec, hasDuration = n, true
			case fMessages:
				c.Messages = n
			case fRating:
				c.Rating = &n
			}
		}
	}
	if hasEnded && !v.bad[fStartedAt] {
		if ended.Before(started) {
			fail(fEndedAt, fmt.Sprintf("%s is before %s (%s)", show(strings.TrimSpace(v.val[fEndedAt])),
				name(fStartedAt), show(strings.TrimSpace(v.val[fStartedAt]))))
		} else if !hasDuration {
			c.DurationSec = (ended.UnixMilli() - started.UnixMilli()) / 1000
		}
	}
	if len(errs) > 0 {
		return Contact{}, errs
	}
	c.StartedAt = started
	if hasEnded {
		c.EndedAt = &ended
	}
	return c, nil
}

// textField returns the Contact field that text field f fills.
func textField(c *Contact, f int) *string {
	switch f {
	case fVisitorName:
		return &c.VisitorName
	case fEmail:
		return &c.Email
	case fChannel:
		return &c.Channel
	case fAgent:
		return &c.Agent
	case fDepartment:
		return &c.Department
	case fCountry:
		return &c.Country
	case fUserAgent:
		return &c.UserAgent
	case fFirstMessage:
		return &c.FirstMessage
	}
	panic(fmt.Sprintf("contacts: field %d is not a text field", f))
}

// parseTime reads RFC 3339, or plainTimeLayout as UTC, and returns UTC.
func parseTime(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t, err = time.ParseInLocation(plainTimeLayout, s, time.UTC)
	}
	if err != nil {
		return time.Time{}, false
	}
	return t.UTC(), true
}

// show quotes a value from the file for a message: escaped, and cut short
// when long.
func show(s string) string {
	const maxShown = 40
	n := 0
	for i := range s {
		if n == maxShown {
			s = s[:i] + "…"
			break
		}
		n++
	}
	q := strconv.Quote(s)
	return "“" + strings.ReplaceAll(q[1:len(q)-1], `\"`, `"`) + "”"
}
