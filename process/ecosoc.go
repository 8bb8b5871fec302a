package process

import (
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// ECOSOCStatus is a category of consultative status with the Economic and
// Social Council (ECOSOC resolution 1996/31).
type ECOSOCStatus string

const (
	ECOSOCGeneral ECOSOCStatus = "General"
	ECOSOCSpecial ECOSOCStatus = "Special"
	ECOSOCRoster  ECOSOCStatus = "Roster"
)

// ECOSOCEntry is one organisation on the NGO Branch's list of
// organisations in consultative status.
type ECOSOCEntry struct {
	Name   string       `json:"name"`
	Status ECOSOCStatus `json:"status"`
	Year   int          `json:"year"` // status granted
	Key    string       `json:"-"`    // NormaliseOrgName(Name)
}

// ECOSOCList is the list the PGA's office loaded last: the one a claim of
// consultative status is checked against.
type ECOSOCList struct {
	LoadedAt time.Time     `json:"loadedAt"`
	LoadedBy string        `json:"loadedBy"`
	Entries  []ECOSOCEntry `json:"entries"`
}

// MatchResult is what checking a claim of ECOSOC status against the list
// found, and what the office made of it.
type MatchResult string

const (
	MatchExact     MatchResult = "exact"     // the same normalised name: verified
	MatchNear      MatchResult = "near"      // a close name: the office reviews it
	MatchConfirmed MatchResult = "confirmed" // the office confirmed a near match
	MatchRefused   MatchResult = "refused"   // the office refused a near match
	MatchNone      MatchResult = "none"      // not on the list
)

// ECOSOCMatch is the check of one application's claim of ECOSOC status.
type ECOSOCMatch struct {
	Result       MatchResult  `json:"result"`
	Entry        *ECOSOCEntry `json:"entry,omitempty"`    // the list's closest organisation
	Distance     int          `json:"distance,omitempty"` // edits between the normalised names
	ListLoadedAt time.Time    `json:"listLoadedAt,omitzero"`
	ReviewedBy   string       `json:"reviewedBy,omitempty"`
	ReviewedAt   time.Time    `json:"reviewedAt,omitzero"`
	Note         string       `json:"note"` // what the record says, for people
}

// Verified reports whether the claim stands: matched exactly, or a near
// match the office confirmed.
func (m *ECOSOCMatch) Verified() bool {
	return m != nil && (m.Result == MatchExact || m.Result == MatchConfirmed)
}

// Describe sets m.Note from its result.
func (m *ECOSOCMatch) Describe() {
	loaded := m.ListLoadedAt.UTC().Format("2006-01-02 15:04 UTC")
	switch m.Result {
	case MatchExact:
		m.Note = "ECOSOC status verified against the list loaded on " + loaded
	case MatchNear:
		m.Note = fmt.Sprintf("ECOSOC status claimed; the list loaded on %s holds the close name %q: awaiting the office's review", loaded, m.Entry.Name)
	case MatchConfirmed:
		m.Note = fmt.Sprintf("ECOSOC status verified: the office confirmed the match with %q on the list loaded on %s", m.Entry.Name, loaded)
	case MatchRefused:
		m.Note = fmt.Sprintf("ECOSOC status not verified: the office refused the match with %q; the application goes on a non-objection basis", m.Entry.Name)
	case MatchNone:
		m.Note = "ECOSOC status claimed but not on the list loaded on " + loaded + ": the application goes on a non-objection basis"
	}
}

// SimulatedECOSOCMatch is the verified match a simulated organisation in
// ECOSOC status is given: no list is loaded for a simulation, and its note
// says so.
func SimulatedECOSOCMatch() *ECOSOCMatch {
	return &ECOSOCMatch{Result: MatchExact, Note: "simulated: ECOSOC status taken as verified, with no list loaded"}
}

// Match checks a claimed name against the list: the same normalised name
// is an exact match; the closest name within a few edits for its length
// (see near) is a near match, left to the office.
func (l ECOSOCList) Match(name string) ECOSOCMatch {
	key := NormaliseOrgName(name)
	m := ECOSOCMatch{Result: MatchNone, ListLoadedAt: l.LoadedAt}
	best := -1
	for _, e := range l.Entries {
		k := e.Key
		if k == "" {
			k = NormaliseOrgName(e.Name)
		}
		e.Key = "" // a copy, as the application keeps it
		if k == key {
			m.Result, m.Entry, m.Distance = MatchExact, &e, 0
			break
		}
		if d, ok := near(key, k); ok && (best < 0 || d < best) {
			best, m.Result, m.Entry, m.Distance = d, MatchNear, &e, d
		}
	}
	m.Describe()
	return m
}

// near reports the edit distance between two normalised names when it is
// small for their length: one edit per eight characters, and names of at
// least six characters, so that acronyms do not match one another.
func near(a, b string) (int, bool) {
	ra, rb := []rune(a), []rune(b)
	n := max(len(ra), len(rb))
	limit := n / 8
	if min(len(ra), len(rb)) < 6 || limit == 0 || abs(len(ra)-len(rb)) > limit {
		return 0, false
	}
	d := editDistance(ra, rb, limit)
	return d, d <= limit
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// editDistance is the Levenshtein distance between a and b, or limit+1
// once it is known to exceed limit. Only the cells within limit of the
// diagonal are computed: a list of thousands of names is checked at each
// application.
func editDistance(a, b []rune, limit int) int {
	const far = 1 << 30 // outside the band
	if abs(len(a)-len(b)) > limit {
		return limit + 1
	}
	prev, cur := make([]int, len(b)+2), make([]int, len(b)+2)
	for j := range prev {
		prev[j] = far
		if j <= limit {
			prev[j] = j
		}
	}
	for i := 1; i <= len(a); i++ {
		lo, hi := max(1, i-limit), min(len(b), i+limit)
		cur[lo-1] = far
		if lo == 1 && i <= limit {
			cur[0] = i
		}
		rowMin := cur[lo-1]
		for j := lo; j <= hi; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		cur[hi+1] = far
		if rowMin > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return min(prev[len(b)], limit+1)
}

// legalSuffixes are the legal forms dropped from a name's end: the NGO
// Branch's list and an applicant's own spelling differ in them more than in
// anything else.
var legalSuffixes = map[string]bool{
	"inc": true, "incorporated": true, "ltd": true, "limited": true, "llc": true, "plc": true,
	"corp": true, "corporation": true, "co": true, "gmbh": true, "ggmbh": true, "ev": true,
	"ag": true, "sa": true, "sarl": true, "asbl": true, "aisbl": true,
}

var folder = cases.Fold()

// NormaliseOrgName is the key two spellings of one organisation's name
// share: composed (NFC) and case-folded; apostrophes and full stops
// dropped ("Women's" and "Womens", "e.V." and "eV"), other punctuation and
// symbols turned to spaces; the word "the" and trailing legal forms
// ("Inc.", "Ltd", "gGmbH", "e.V.") dropped; whitespace collapsed.
func NormaliseOrgName(s string) string {
	// x/text's Fold swaps Cherokee's cases on each pass; lowering after it
	// settles them, so that a key normalises to itself.
	s = strings.ToLower(folder.String(norm.NFC.String(strings.ToValidUTF8(s, ""))))
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\'' || r == '’' || r == '‘' || r == '.' || r == 'ʼ':
		case unicode.IsPunct(r) || unicode.IsSymbol(r) || unicode.IsSpace(r) || unicode.IsControl(r) || unicode.In(r, unicode.Cf):
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	var words []string
	for _, w := range strings.Fields(norm.NFC.String(b.String())) {
		if w != "the" {
			words = append(words, w)
		}
	}
	for len(words) > 1 && legalSuffixes[words[len(words)-1]] {
		words = words[:len(words)-1]
	}
	return strings.Join(words, " ")
}

// MaxECOSOCEntries bounds the list: the NGO Branch counted 6,494
// organisations in consultative status (see docs/accreditation.md).
const MaxECOSOCEntries = 50000

// ParseECOSOCList reads the list of organisations in consultative status
// as a CSV file: a header line naming at least the organisation's name, its
// consultative status and the year it was granted (in any order, other
// columns ignored), then one organisation a line. It refuses the whole file
// when any line is malformed, with every bad line's number and reason as a
// field error at "/lines/N".
func ParseECOSOCList(data []byte) ([]ECOSOCEntry, error) {
	const op = "process.ParseECOSOCList"
	lines := strings.Split(strings.TrimPrefix(string(data), "\uFEFF"), "\n")
	var (
		errs    []error
		entries []ECOSOCEntry
		columns map[string]int
		seen    = map[string]int{}
	)
	bad := func(line int, format string, args ...any) {
		errs = append(errs, AtField(fmt.Sprintf("/lines/%d", line), fmt.Errorf(format, args...)))
	}
	for i, text := range lines {
		line := i + 1
		text = strings.TrimSuffix(text, "\r")
		if strings.TrimSpace(text) == "" {
			continue
		}
		if !utf8.ValidString(text) {
			bad(line, "is not valid UTF-8")
			continue
		}
		r := csv.NewReader(strings.NewReader(text))
		r.FieldsPerRecord = -1
		fields, err := r.Read()
		if err != nil {
			bad(line, "is not a CSV line: %v", csvReason(err))
			continue
		}
		if columns == nil {
			if columns, err = ecosocColumns(fields); err != nil {
				bad(line, "%v", err)
				break
			}
			continue
		}
		e, err := ecosocEntry(fields, columns)
		if err != nil {
			bad(line, "%v", err)
			continue
		}
		if first, ok := seen[e.Key]; ok {
			bad(line, "%q is the organisation of line %d", e.Name, first)
			continue
		}
		seen[e.Key] = line
		entries = append(entries, e)
	}
	switch {
	case len(errs) > 0:
		return nil, E(op, Invalid, linesError(errs))
	case columns == nil || len(entries) == 0:
		return nil, AtField("/lines/1", Errorf(op, Invalid, "the list holds no organisation: want a header line and one organisation a line"))
	case len(entries) > MaxECOSOCEntries:
		return nil, Errorf(op, Invalid, "the list holds %d organisations, more than %d", len(entries), MaxECOSOCEntries)
	}
	return entries, nil
}

// linesError is a list's malformed lines, each a field error.
type linesError []error

func (e linesError) Error() string {
	if len(e) == 1 {
		return "1 line of the list is malformed; nothing was loaded"
	}
	return fmt.Sprintf("%d lines of the list are malformed; nothing was loaded", len(e))
}

func (e linesError) Unwrap() []error { return e }

func csvReason(err error) string {
	if pe, ok := err.(*csv.ParseError); ok {
		return fmt.Sprintf("column %d: %v", pe.Column, pe.Err)
	}
	return err.Error()
}

// ecosocColumns finds the name, status and year columns in a header such
// as the NGO Branch's "Organization's name", "Consultative status",
// "ECOSOC accreditation year (YYYY)".
func ecosocColumns(header []string) (map[string]int, error) {
	columns := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		for _, c := range []string{"name", "status", "year"} {
			if _, ok := columns[c]; !ok && strings.Contains(h, c) {
				columns[c] = i
				break
			}
		}
	}
	var missing []string
	for _, c := range []string{"name", "status", "year"} {
		if _, ok := columns[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("the header names no %s column: want a header line such as \"Organization's name,Consultative status,ECOSOC accreditation year\"", strings.Join(missing, " nor "))
	}
	return columns, nil
}

func ecosocEntry(fields []string, columns map[string]int) (ECOSOCEntry, error) {
	field := func(c string) (string, error) {
		i := columns[c]
		if i >= len(fields) {
			return "", fmt.Errorf("has %d columns; the %s is column %d", len(fields), c, i+1)
		}
		return strings.TrimSpace(fields[i]), nil
	}
	name, err := field("name")
	if err != nil {
		return ECOSOCEntry{}, err
	}
	if name, err = CleanName(name); err != nil {
		return ECOSOCEntry{}, fmt.Errorf("organisation's name: %s", Message(err))
	}
	key := NormaliseOrgName(name)
	if key == "" {
		return ECOSOCEntry{}, fmt.Errorf("organisation's name %q has no letter or digit", name)
	}
	status, err := field("status")
	if err != nil {
		return ECOSOCEntry{}, err
	}
	var s ECOSOCStatus
	for _, known := range []ECOSOCStatus{ECOSOCGeneral, ECOSOCSpecial, ECOSOCRoster} {
		if first, _, _ := strings.Cut(status, " "); strings.EqualFold(first, string(known)) {
			s = known
		}
	}
	if s == "" {
		return ECOSOCEntry{}, fmt.Errorf("status %q: want General, Special or Roster", status)
	}
	y, err := field("year")
	if err != nil {
		return ECOSOCEntry{}, err
	}
	year, err := strconv.Atoi(y)
	if err != nil || year < FirstYear+1 || year > LastYear {
		return ECOSOCEntry{}, fmt.Errorf("year %q: want the year status was granted, %d to %d", y, FirstYear+1, LastYear)
	}
	return ECOSOCEntry{Name: name, Status: s, Year: year, Key: key}, nil
}
