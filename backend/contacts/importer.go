package contacts

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

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
