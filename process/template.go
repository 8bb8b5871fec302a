package process

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"
	"time"
)

// StageKind says which workflow runs a stage.
type StageKind string

const (
	Milestone            StageKind = "milestone"             // a dated fact: a resolution, an appointment, a report
	AccreditationWindow  StageKind = "accreditation"         // applications, circulated on a non-objection basis
	ThematicSession      StageKind = "thematic-session"      // informal thematic session
	RegionalConsultation StageKind = "regional-consultation" // regional commissions' discussions
	Hearing              StageKind = "hearing"               // multi-stakeholder hearing
	Stocktaking          StageKind = "stocktaking"
	// FormalConsultation: States and stakeholders discuss the current
	// draft; a revised draft follows.
	FormalConsultation StageKind = "formal-consultation"
	Draft              StageKind = "draft"             // a draft revision published
	NegotiationRound   StageKind = "negotiation-round" // Member States amend the current draft
	Conference         StageKind = "conference"        // adoption of the outcome
	Endorsement        StageKind = "endorsement"       // the General Assembly's vote
	// Silence: a text placed under silence until a deadline; a Member
	// State's letter breaks it, or it passes (process/silence.go).
	Silence StageKind = "silence"
)

var stageKinds = []StageKind{Milestone, AccreditationWindow, ThematicSession, RegionalConsultation,
	Hearing, Stocktaking, FormalConsultation, Draft, NegotiationRound, Conference, Endorsement, Silence}

// Valid reports whether k is a known kind.
func (k StageKind) Valid() bool { return slices.Contains(stageKinds, k) }

// Consultative reports whether a stage of kind k takes contributions.
func (k StageKind) Consultative() bool {
	switch k {
	case ThematicSession, RegionalConsultation, Hearing, Stocktaking, FormalConsultation:
		return true
	}
	return false
}

// Steerable reports whether a running stage of kind k can still move,
// lengthen or change venue: its workflow follows the office's changes, as a
// session's or a round's does.
func (k StageKind) Steerable() bool {
	return k.Consultative() || k == NegotiationRound || k == Silence
}

// Date is a calendar date or a date and time, written as "2006-01-02" or
// RFC 3339 in templates. A stage's days are UTC days: a bare date is
// midnight UTC. A window's dates are instants: given alone, they follow the
// one deadline rule in the venue's zone (StageSpec.AtVenue).
type Date struct{ time.Time }

func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	if d.Equal(d.Truncate(24 * time.Hour)) {
		return json.Marshal(d.UTC().Format(time.DateOnly))
	}
	return json.Marshal(d.UTC().Format(time.RFC3339Nano))
}

func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("date must be a string: %w", err)
	}
	for _, layout := range []string{time.DateOnly, time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			t = t.UTC()
			if t.Year() < 0 || t.Year() > 9999 { // could not be written back
				return fmt.Errorf("date %q is outside the years 0000 to 9999 in UTC", s)
			}
			*d = Date{t}
			return nil
		}
	}
	return fmt.Errorf("date %q is neither YYYY-MM-DD nor RFC 3339", s)
}

// Template describes a whole process: its phases, their stages and its rules.
type Template struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Code        string   `json:"code"`              // tracking-number prefix, e.g. "GCM"
	Mandate     string   `json:"mandate,omitempty"` // document symbol that launched it
	Description string   `json:"description,omitempty"`
	Rules       Rules    `json:"rules"`
	Phases      []Phase  `json:"phases"`
	Sources     []string `json:"sources,omitempty"`
	// Sisters are the templates of processes launched with this one, by ID.
	Sisters []string `json:"sisters,omitempty"`
	// Appointments are the co-facilitators and chairs as the sources name
	// them; the office appoints others as the process runs.
	Appointments []Appointment `json:"appointments,omitempty"`
	// Presiding are who chaired its meetings by office, as the sources
	// name them, and the meetings whose chair no source names.
	Presiding []Presiding `json:"presiding,omitempty"`
	// Groups are the groups of States that negotiate the text with one
	// voice, with their members as a public source lists them.
	Groups []Group `json:"groups,omitempty"`
	// Modalities are the rules the process runs under, as its sources
	// give them (modality.go).
	Modalities []Modality `json:"modalities,omitempty"`
	// Translations are the template's words in the other UN languages, by
	// language code; the workflow does not carry them.
	Translations map[string]Translation `json:"translations,omitempty"`
}

// Group is a group of Member States that sponsors amendments and takes
// positions on the text as one delegation.
type Group struct {
	ID      string   `json:"id"` // e.g. "EU"; not a Member State's code
	Name    string   `json:"name"`
	Members []string `json:"members"` // ISO 3166-1 alpha-3
	Source  string   `json:"source"`  // where the membership is public
	AsOf    Date     `json:"asOf"`    // when the source's membership held
}

// Validate checks a group on its own.
func (g Group) Validate() error {
	bad := func(format string, args ...any) error {
		return Errorf("process.Group.Validate", Invalid, "group %q: "+format, append([]any{g.ID}, args...)...)
	}
	switch {
	case g.ID == "" || IsMemberState(g.ID):
		return bad("its ID must be set and not a Member State's code")
	case strings.TrimSpace(g.Name) == "":
		return bad("no name")
	case len(g.Members) == 0:
		return bad("no members")
	case strings.TrimSpace(g.Source) == "" || g.AsOf.IsZero():
		return bad("a group's membership needs its source and the date it held (asOf)")
	}
	seen := make(map[string]bool, len(g.Members))
	for _, m := range g.Members {
		if !IsMemberState(m) || seen[m] {
			return bad("member %q is not a Member State's ISO 3166-1 alpha-3 code or is listed twice", m)
		}
		seen[m] = true
	}
	return nil
}

// Appointment is a person the PGA appoints to lead a process: a
// co-facilitator or a chair, a State's representative.
type Appointment struct {
	Person string `json:"person,omitempty"` // empty: the State's Permanent Representative
	State  string `json:"state"`            // ISO 3166 alpha-3
	Role   string `json:"role"`             // co-facilitator or chair
	Stage  string `json:"stage,omitempty"`  // the stage a chair chairs; empty: the process
	Date   Date   `json:"date"`
	Source string `json:"source,omitempty"` // where the appointment is public
}

// AppointmentRoles are the roles the office appoints to.
var AppointmentRoles = []string{"co-facilitator", "chair"}

// Validate checks an appointment on its own.
func (a Appointment) Validate() error {
	const op = "process.Appointment.Validate"
	switch {
	case !IsMemberState(a.State):
		return Errorf(op, Invalid, "%q is not a Member State's ISO 3166 alpha-3 code", a.State)
	case !slices.Contains(AppointmentRoles, a.Role):
		return Errorf(op, Invalid, "role %q: want co-facilitator or chair", a.Role)
	case a.Date.IsZero():
		return Errorf(op, Invalid, "date is empty: give the date of the appointment, YYYY-MM-DD")
	}
	return nil
}

// Rules are the process's procedural rules.
type Rules struct {
	NonObjectionDays int `json:"nonObjectionDays"` // length of an accreditation list's circulation
	// Adoption is "consensus" or "recorded-vote".
	Adoption string `json:"adoption"`
	// Voters are who may vote or object: "member-states".
	Voters string `json:"voters"`
	// ReminderDays before a window closes when subscribers are reminded.
	ReminderDays []int `json:"reminderDays,omitempty"`
}

// Phase groups stages.
type Phase struct {
	ID     string      `json:"id"`
	Title  string      `json:"title"`
	Stages []StageSpec `json:"stages"`
}

// StageSpec is one scheduled stage of a template.
type StageSpec struct {
	ID    string    `json:"id"`
	Kind  StageKind `json:"kind"`
	Code  string    `json:"code,omitempty"` // tracking-number middle for windows, e.g. "TS1"
	Title string    `json:"title"`
	Theme string    `json:"theme,omitempty"`
	Place string    `json:"place,omitempty"`
	// TimeZone is the venue's IANA zone, e.g. Europe/Zurich for Geneva: a deadline
	// given as a date alone ends with that day there. Empty: UTC.
	TimeZone  string     `json:"timeZone,omitempty"`
	Start     Date       `json:"start"`
	End       Date       `json:"end,omitzero"` // last day; zero means the same day as Start
	Documents []Document `json:"documents,omitempty"`
	Window    *Window    `json:"window,omitempty"` // contributions accepted, for consultative stages
	// List is the list an accreditation stage keeps; empty: the preparatory one.
	List AccreditationList `json:"list,omitempty"`
	// Input names who contributes a milestone's input to the process, apart
	// from States and stakeholders: one of InputCategories.
	Input       string   `json:"input,omitempty"`
	Outcome     *Outcome `json:"outcome,omitempty"`
	Unconfirmed bool     `json:"unconfirmed,omitempty"` // a fact the sources could not confirm
	// Source is where the stage's date comes from: a document symbol or a
	// public page (process/templates/SOURCES.md has the notes).
	Source string `json:"source,omitempty"`
	Note   string `json:"note,omitempty"` // true of any process made from the template
	// History is what happened in the process the template follows; a
	// process on other dates (Shifted) does not carry it.
	History string `json:"history,omitempty"`
}

// InputCategories are the contributors annex II of A/RES/71/1 names apart
// from States and stakeholders: the United Nations system (its entities
// with mandates on migration, and the Secretary-General's report) and the
// Global Forum on Migration and Development, a State-led forum outside it.
var InputCategories = []string{"un-system", "gfmd"}

// Window is a contribution window: open from the instant Opens until the
// instant Closes. A template or a request may give either as a date alone,
// which AtVenue reads by the one deadline rule.
type Window struct {
	Opens  Date `json:"opens"`
	Closes Date `json:"closes"`
	// Which of the two were decoded from a date alone, until AtVenue
	// places them in the venue's zone.
	opensDay, closesDay bool
}

// MarshalJSON writes the instants, never a date alone: read again, a date
// alone would be a day in the venue's zone, not the instant written.
func (w Window) MarshalJSON() ([]byte, error) {
	at := func(d Date) *string {
		if d.IsZero() {
			return nil
		}
		s := d.UTC().Format(time.RFC3339Nano)
		return &s
	}
	return json.Marshal(struct {
		Opens  *string `json:"opens"`
		Closes *string `json:"closes"`
	}{at(w.Opens), at(w.Closes)})
}

// UnmarshalJSON decodes the dates as Date does, noting which came alone.
// Only AtVenue reads those by the venue's zone: a workflow's input keeps
// the instants it was started with, as Date reads them.
func (w *Window) UnmarshalJSON(b []byte) error {
	type plain Window // without the methods
	var v plain
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields() // as ParseTemplate's decoder would
	if err := dec.Decode(&v); err != nil {
		return err
	}
	var raw struct{ Opens, Closes any }
	_ = json.Unmarshal(b, &raw) // decoded above
	alone := func(x any) bool {
		s, ok := x.(string)
		_, err := time.Parse(time.DateOnly, s)
		return ok && err == nil
	}
	*w = Window(v)
	w.opensDay, w.closesDay = alone(raw.Opens), alone(raw.Closes)
	return nil
}

// AtVenue reads the window's dates given alone by the one deadline rule,
// as the API and the CLI read a window's: an opening is the start of its
// day in the stage's venue zone, a deadline the end of its day there.
// Templates and requests call it once, as they are read.
func (s *StageSpec) AtVenue() {
	if s.Window == nil || !s.Window.opensDay && !s.Window.closesDay {
		return
	}
	w, loc := *s.Window, s.Location()
	day := func(d Date) string { return d.UTC().Format(time.DateOnly) }
	if w.opensDay {
		t, _ := ParseOpening(day(w.Opens), loc) // a date, as decoded
		w.Opens = Date{t}
	}
	if w.closesDay {
		t, _ := ParseDeadline(day(w.Closes), loc)
		w.Closes = Date{t}
	}
	w.opensDay, w.closesDay = false, false
	s.Window = &w
}

// AtVenue reads every stage's window dates given alone in its venue's zone
// (StageSpec.AtVenue).
func (t *Template) AtVenue() {
	for i := range t.Phases {
		for j := range t.Phases[i].Stages {
			t.Phases[i].Stages[j].AtVenue()
		}
	}
}

// Document is a document a stage issues.
type Document struct {
	Symbol      string `json:"symbol,omitempty"`
	Title       string `json:"title"`
	Kind        string `json:"kind"` // resolution, draft, summary, report, outcome, agenda, rules
	Date        Date   `json:"date,omitzero"`
	Source      string `json:"source,omitempty"` // for a dated document without a symbol
	Unconfirmed bool   `json:"unconfirmed,omitempty"`
}

// VoteCounts are a recorded vote's totals; Absent is nil where the sources
// do not give the number not voting.
type VoteCounts struct {
	Yes     int  `json:"yes"`
	No      int  `json:"no"`
	Abstain int  `json:"abstain"`
	Absent  *int `json:"absent,omitempty"`
}

// Outcome is the historical result a conference or endorsement reached;
// simulations replay it. A recorded vote names the States the sources name
// and counts the rest: Yes, No, Abstain and Absent are the totals.
type Outcome struct {
	Method       string   `json:"method"` // consensus, acclamation, recorded-vote
	Yes          int      `json:"yes,omitempty"`
	No           int      `json:"no,omitempty"`
	Abstain      int      `json:"abstain,omitempty"`
	Absent       int      `json:"absent,omitempty"`
	YesVotes     []string `json:"yesVotes,omitempty"`     // ISO 3166 codes of those who voted yes
	NoVotes      []string `json:"noVotes,omitempty"`      // and of those who voted no
	AbstainVotes []string `json:"abstainVotes,omitempty"` // and of those who abstained
	AbsentVotes  []string `json:"absentVotes,omitempty"`  // and of those who did not vote
	// VotesSource cites where the lists of those in favour and of those not
	// voting come from, and how, when a source names them; the stage's
	// source names the others.
	VotesSource string `json:"votesSource,omitempty"`
	Adopted     int    `json:"adoptedBy,omitempty"` // States adopting without a vote, where counted
	Document    string `json:"document,omitempty"`
}

// validate checks a recorded vote's lists: Member States, each in one list
// at most, no list longer than its count, and a full list for those in
// favour or not voting only with the source that names them.
func (o Outcome) validate() []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if o.Method != "recorded-vote" {
		if len(o.YesVotes)+len(o.NoVotes)+len(o.AbstainVotes)+len(o.AbsentVotes) > 0 {
			bad("a %s names no votes", o.Method)
		}
		return errs
	}
	in := map[string]string{}
	for _, l := range []struct {
		name  string
		codes []string
		count int
		whole bool // named, the list must be the whole count
	}{{"yesVotes", o.YesVotes, o.Yes, true}, {"noVotes", o.NoVotes, o.No, false},
		{"abstainVotes", o.AbstainVotes, o.Abstain, false}, {"absentVotes", o.AbsentVotes, o.Absent, true}} {
		if len(l.codes) > l.count || l.whole && len(l.codes) > 0 && len(l.codes) != l.count {
			bad("%s names %d States for a count of %d", l.name, len(l.codes), l.count)
		}
		for _, c := range l.codes {
			switch other, twice := in[c]; {
			case !IsMemberState(c):
				bad("%s: %q is not a Member State's ISO 3166 alpha-3 code", l.name, c)
			case twice:
				bad("%s is in both %s and %s", c, other, l.name)
			}
			in[c] = l.name
		}
	}
	if (len(o.YesVotes) > 0 || len(o.AbsentVotes) > 0) && strings.TrimSpace(o.VotesSource) == "" {
		bad("yesVotes or absentVotes without the votesSource that names them")
	}
	return errs
}

// Finish is the end of the stage: the end of its last day; a silence's
// deadline, by the one deadline rule (SilenceEnds).
func (s StageSpec) Finish() time.Time {
	if s.Kind == Silence {
		return s.SilenceEnds()
	}
	end := s.End
	if end.IsZero() {
		end = s.Start
	}
	if end.Equal(end.Truncate(24 * time.Hour)) {
		return end.Add(24 * time.Hour)
	}
	return end.Time
}

// Begins is when a stage's workflow must start: its start, or its window's
// opening when that comes first.
func (s StageSpec) Begins() time.Time {
	if s.Window != nil && s.Window.Opens.Before(s.Start.Time) {
		return s.Window.Opens.Time
	}
	return s.Start.Time
}

// Validate checks one stage on its own.
func (s StageSpec) Validate() error {
	if !validID(s.ID) {
		return Errorf("process.StageSpec.Validate", Invalid, "stage id %q: want lower-case letters, digits and dashes", s.ID)
	}
	if errs := s.validate(); len(errs) > 0 {
		return E("process.StageSpec.Validate", Invalid, errors.Join(errs...))
	}
	return nil
}

// Stages lists every stage of every phase, in template order.
func (t *Template) Stages() []StageSpec {
	var all []StageSpec
	for _, p := range t.Phases {
		all = append(all, p.Stages...)
	}
	return all
}

// Stage finds a stage by ID.
func (t *Template) Stage(id string) (StageSpec, bool) {
	for _, p := range t.Phases {
		for _, s := range p.Stages {
			if s.ID == id {
				return s, true
			}
		}
	}
	return StageSpec{}, false
}

// Validate checks the template and reports every problem it finds at once.
func (t *Template) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if !validID(t.ID) {
		bad("id %q: want lower-case letters, digits and dashes", t.ID)
	}
	if strings.TrimSpace(t.Title) == "" {
		bad("title is empty")
	}
	if !validCode(t.Code) {
		bad("code %q: want 2 to 8 upper-case letters or digits", t.Code)
	}
	if t.Rules.NonObjectionDays < 1 {
		bad("rules.nonObjectionDays must be at least 1")
	}
	if t.Rules.Adoption != "consensus" && t.Rules.Adoption != "recorded-vote" {
		bad("rules.adoption %q: want consensus or recorded-vote", t.Rules.Adoption)
	}
	for _, d := range t.Rules.ReminderDays {
		if d < 1 {
			bad("rules.reminderDays: %d is not a positive number of days", d)
		}
	}
	if len(t.Phases) == 0 {
		bad("no phases")
	}
	for _, a := range t.Appointments {
		if err := a.Validate(); err != nil {
			errs = append(errs, errors.Unwrap(err))
		}
	}
	groups := map[string]bool{}
	for _, g := range t.Groups {
		if err := g.Validate(); err != nil {
			errs = append(errs, errors.Unwrap(err))
		} else if groups[g.ID] {
			bad("group %s is declared twice", g.ID)
		}
		groups[g.ID] = true
	}
	rules := map[string]bool{}
	for _, m := range t.Modalities {
		if err := m.Validate(); err != nil {
			errs = append(errs, errors.Unwrap(err))
		} else if rules[m.ID] {
			bad("rule %s is declared twice", m.ID)
		}
		rules[m.ID] = true
	}
	seen := map[string]bool{}
	for i, p := range t.Phases {
		if !validID(p.ID) || seen[p.ID] {
			bad("phase %d: id %q is invalid or repeated", i, p.ID)
		}
		seen[p.ID] = true
		if len(p.Stages) == 0 {
			bad("phase %s: no stages", p.ID)
		}
		for _, s := range p.Stages {
			if !validID(s.ID) || seen[s.ID] {
				bad("stage %q: id is invalid or repeated", s.ID)
			}
			seen[s.ID] = true
			errs = append(errs, s.validate()...)
		}
	}
	for _, msg := range t.validatePresiding() {
		bad("%s", msg)
	}
	errs = append(errs, t.validateTranslations()...)
	if len(errs) > 0 {
		return E("process.Template.Validate", Invalid, fmt.Errorf("template %q: %w", t.ID, errors.Join(errs...)))
	}
	return nil
}

// Unsourced lists the template's dated facts that carry neither a source
// nor an "unconfirmed" flag: a stage without one, a dated document without
// a symbol in a stage without one, an appointment without a source, or a
// chair named without one.
func (t *Template) Unsourced() []string {
	var missing []string
	for _, a := range t.Appointments {
		if a.Source == "" {
			missing = append(missing, "appointment of "+a.State+" as "+a.Role)
		}
	}
	for _, p := range t.Presiding {
		if p.Named() && p.Source == "" {
			missing = append(missing, "chair of "+p.Stage)
		}
	}
	for _, s := range t.Stages() {
		if s.Source == "" && !s.Unconfirmed {
			missing = append(missing, "stage "+s.ID)
			continue
		}
		for _, d := range s.Documents {
			if !d.Date.IsZero() && d.Symbol == "" && d.Source == "" && !d.Unconfirmed && s.Source == "" && !s.Unconfirmed {
				missing = append(missing, "stage "+s.ID+": document "+d.Title)
			}
		}
	}
	return missing
}

func (s StageSpec) validate() []error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("stage %s: "+format, append([]any{s.ID}, args...)...))
	}
	if !s.Kind.Valid() {
		bad("unknown kind %q", s.Kind)
	}
	if strings.TrimSpace(s.Title) == "" {
		bad("title is empty")
	}
	if s.Start.IsZero() {
		bad("no start date")
	}
	if !s.End.IsZero() && s.End.Before(s.Start.Time) {
		bad("ends %s before it starts %s", s.End.Format(time.DateOnly), s.Start.Format(time.DateOnly))
	}
	if _, err := Zone(s.TimeZone); err != nil {
		bad("%v", errors.Unwrap(err))
	}
	if s.Window != nil {
		if !s.Kind.Consultative() && s.Kind != AccreditationWindow {
			bad("a %s takes no contribution window", s.Kind)
		}
		if !validCode(s.Code) {
			bad("a stage with a window needs a code of 2 to 8 upper-case letters or digits, not %q", s.Code)
		}
		if s.Window.Opens.IsZero() || s.Window.Closes.IsZero() || !s.Window.Closes.After(s.Window.Opens.Time) {
			bad("window must open before it closes")
		}
	}
	if s.List != "" && (s.Kind != AccreditationWindow || !s.List.Valid()) {
		bad("list %q: only an accreditation stage keeps a list, preparatory or conference", s.List)
	}
	if s.Input != "" && (s.Kind != Milestone || !slices.Contains(InputCategories, s.Input)) {
		bad("input %q: only a milestone carries an input, from un-system or gfmd", s.Input)
	}
	if (s.Kind == Conference || s.Kind == Endorsement) && s.Outcome == nil {
		bad("a %s needs an outcome", s.Kind)
	}
	if s.Outcome != nil {
		for _, err := range s.Outcome.validate() {
			bad("outcome: %v", err)
		}
	}
	for _, d := range s.Documents {
		if strings.TrimSpace(d.Title) == "" {
			bad("a document has no title")
		}
	}
	return errs
}

func validID(id string) bool {
	if id == "" || len(id) > 64 || id[0] == '-' {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

func validCode(c string) bool {
	if len(c) < 2 || len(c) > 8 {
		return false
	}
	for _, r := range c {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// ParseTemplate decodes and validates one template; unknown fields are errors
// so that a typo in a template fails at load.
func ParseTemplate(data []byte) (*Template, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var t Template
	if err := dec.Decode(&t); err != nil {
		return nil, E("process.ParseTemplate", Invalid, err)
	}
	if _, err := dec.Token(); err != io.EOF { // More misses a stray ] or }
		return nil, Errorf("process.ParseTemplate", Invalid, "trailing data after the template")
	}
	t.AtVenue()
	if err := t.Validate(); err != nil {
		return nil, err
	}
	return &t, nil
}

//go:embed templates/*.json
var builtin embed.FS

// DefaultTemplate is the template a process uses when none is named.
const DefaultTemplate = "gcm-2018"

// Templates loads the built-in templates, sorted by ID.
func Templates() ([]*Template, error) {
	names, err := fs.Glob(builtin, "templates/*.json")
	if err != nil {
		return nil, err
	}
	var all []*Template
	for _, name := range names {
		data, err := builtin.ReadFile(name)
		if err != nil {
			return nil, err
		}
		t, err := ParseTemplate(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		all = append(all, t)
	}
	slices.SortFunc(all, func(a, b *Template) int { return strings.Compare(a.ID, b.ID) })
	return all, nil
}

// LookupTemplate finds a built-in template by ID.
func LookupTemplate(id string) (*Template, error) {
	all, err := Templates()
	if err != nil {
		return nil, err
	}
	for _, t := range all {
		if t.ID == id {
			return t, nil
		}
	}
	return nil, Errorf("process.LookupTemplate", NotFound, "no template %q", id)
}

// Begins is when the template's first stage begins.
func (t *Template) Begins() time.Time {
	var first time.Time
	for _, s := range t.Stages() {
		if b := s.Begins(); first.IsZero() || b.Before(first) {
			first = b
		}
	}
	return first
}

// Shifted is a copy of the template with every date moved by d, for a new
// process that follows a past one's calendar.
func (t *Template) Shifted(d time.Duration) *Template {
	c := *t
	shift := func(x Date) Date {
		if x.IsZero() {
			return x
		}
		return Date{x.Add(d)}
	}
	c.Phases = make([]Phase, len(t.Phases))
	for i, p := range t.Phases {
		p.Stages = slices.Clone(p.Stages)
		for j := range p.Stages {
			s := &p.Stages[j]
			s.Start, s.End = shift(s.Start), shift(s.End)
			if d != 0 {
				s.History = "" // it happened on the template's dates, not these
			}
			if s.Window != nil {
				w := Window{Opens: shift(s.Window.Opens), Closes: shift(s.Window.Closes)}
				s.Window = &w
			}
			s.Documents = slices.Clone(s.Documents)
			for k := range s.Documents {
				s.Documents[k].Date = shift(s.Documents[k].Date)
			}
		}
		c.Phases[i] = p
	}
	// The people were the past process's: a new one's office appoints its own.
	c.Appointments = nil
	if d != 0 {
		c.Presiding = nil // they chaired the meetings on the template's dates
	}
	return &c
}
