package process

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// A process's modalities, as its template declares them: rules with an
// identifier, their text and their source, each of a kind Compact can
// check. The API checks an office act against them before it runs it;
// the office may set a rule aside with a recorded reason, as the Assembly
// amends its own modalities.

// ModalityKind says how a rule is checked.
type ModalityKind string

const (
	// OrderRule: a stage of one of Stages may not begin before every
	// stage of kind After has ended (no zero draft before the stocktaking).
	OrderRule ModalityKind = "order"
	// NoticeRule: an accreditation list is circulated to Member States at
	// least Days days before the next meeting of one of Stages.
	NoticeRule ModalityKind = "notice"
	// ActorRule: who may act: Role of the stages of Stages is held by
	// Holder (the President of the General Assembly chairs the hearings).
	ActorRule ModalityKind = "actor"
	// ListsRule: one accreditation list for the preparatory process and
	// one for the conference; declared, not checked here.
	ListsRule ModalityKind = "lists"
)

var modalityKinds = []ModalityKind{OrderRule, NoticeRule, ActorRule, ListsRule}

// PGA is the holder of an actor rule's role that no State's
// representative may hold: the President of the General Assembly.
const PGA = "pga"

// Modality is one rule of a process's modalities.
type Modality struct {
	ID string `json:"id"` // e.g. "A/RES/71/280:zero-draft-after-stocktaking"
	// Text is the rule's wording: quoted from the source, or closely
	// paraphrased from it, as Wording says.
	Text    string         `json:"text"`
	Wording string         `json:"wording"` // "quoted" or "paraphrased"
	Source  ModalitySource `json:"source"`
	Kind    ModalityKind   `json:"kind"`
	// Stages are the kinds of stage the rule is about.
	Stages []StageKind `json:"stages,omitempty"`
	After  StageKind   `json:"after,omitempty"` // order: what must have ended
	// Days is a notice period; nil where the source gives no number,
	// and then the rule is declared but not enforced.
	Days   *int   `json:"days,omitempty"`
	Role   string `json:"role,omitempty"`   // actor: the role, e.g. "chair"
	Holder string `json:"holder,omitempty"` // actor: who holds it, "pga"
	// Note says what the source does not give, e.g. a number of days.
	Note string `json:"note,omitempty"`
}

// ModalitySource is where a rule comes from.
type ModalitySource struct {
	Symbol string `json:"symbol"` // e.g. "A/RES/71/280"
	// Paragraph is the paragraph as the source numbers it; empty where the
	// sources at hand do not give it.
	Paragraph string `json:"paragraph,omitempty"`
	Page      string `json:"page,omitempty"` // a public page that gives the rule, when not the document
}

// String cites the source: "A/RES/71/280, paragraph 13", or the symbol alone.
func (s ModalitySource) String() string {
	if s.Paragraph == "" {
		return s.Symbol
	}
	return s.Symbol + ", paragraph " + s.Paragraph
}

// Enforced reports whether Compact checks the rule: a declared list rule,
// or a notice period without a sourced number of days, is shown only.
func (m Modality) Enforced() bool {
	switch m.Kind {
	case ListsRule:
		return false
	case NoticeRule:
		return m.Days != nil
	}
	return true
}

// Validate checks a rule on its own.
func (m Modality) Validate() error {
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	if strings.TrimSpace(m.ID) == "" {
		bad("id is empty")
	}
	if strings.TrimSpace(m.Text) == "" {
		bad("text is empty")
	}
	if m.Wording != "quoted" && m.Wording != "paraphrased" {
		bad("wording %q: want quoted or paraphrased", m.Wording)
	}
	if strings.TrimSpace(m.Source.Symbol) == "" {
		bad("source.symbol is empty: a rule names the document it comes from")
	}
	for _, k := range m.Stages {
		if !k.Valid() {
			bad("unknown stage kind %q", k)
		}
	}
	switch m.Kind {
	case OrderRule:
		if len(m.Stages) == 0 || !m.After.Valid() {
			bad("an order rule needs stages and a valid after")
		}
	case NoticeRule:
		if len(m.Stages) == 0 {
			bad("a notice rule needs the stages a list is circulated before")
		}
		if m.Days != nil && *m.Days < 1 {
			bad("days: %d is not a positive number of days", *m.Days)
		}
		if m.Days == nil && strings.TrimSpace(m.Note) == "" {
			bad("a notice rule without days needs a note saying the source gives no number")
		}
	case ActorRule:
		if len(m.Stages) == 0 || !slices.Contains(AppointmentRoles, m.Role) || m.Holder != PGA {
			bad("an actor rule needs stages, a role (co-facilitator or chair) and holder %q", PGA)
		}
	case ListsRule:
	default:
		bad("unknown kind %q: want one of %v", m.Kind, modalityKinds)
	}
	if len(errs) > 0 {
		return Errorf("process.Modality.Validate", Invalid, "rule %q: %s", m.ID, strings.Join(errs, "; "))
	}
	return nil
}

// Breach is an act that breaks a rule: the API shows the rule with its
// identifier, text and source.
type Breach struct {
	Rule   Modality
	Detail string // what in the act breaks it
}

func (b *Breach) Error() string {
	return fmt.Sprintf("%s; rule %s (%s): %s", b.Detail, b.Rule.ID, b.Rule.Source, b.Rule.Text)
}

// Act is an office act the modalities are checked against.
type Act struct {
	Kind ActKind
	// Stage is the stage acted on, as the act would leave it: with its
	// new dates when scheduled.
	Stage StageSpec
	At    time.Time // process time of the act
	Role  string    // appoint: the role appointed to
	// SetAside are the rules an earlier schedule change of the stage was
	// let through against: publishing its draft on the dates then set
	// breaks none of them again.
	SetAside []string
}

// ActKind names an act the modalities govern.
type ActKind string

const (
	ActSchedule  ActKind = "schedule"  // a stage added, moved, rescheduled or extended
	ActPublish   ActKind = "publish"   // a draft published
	ActCirculate ActKind = "circulate" // an accreditation list circulated
	ActAppoint   ActKind = "appoint"   // a State's representative appointed to a stage's role
)

// CheckModalities says which rule act breaks among rules, against the
// process's timeline (the acted-on stage as it stands there is replaced
// by act.Stage): nil, or a Rule error wrapping a *Breach. An override of
// that rule, with a reason, lets the act through: overridden is then the
// breach of the rule set aside. An override of a rule the act keeps is refused, so that
// the record holds no override that set nothing aside.
func CheckModalities(rules []Modality, timeline []Stage, act Act, override *Override) (overridden *Breach, err error) {
	const op = "process.CheckModalities"
	if override != nil {
		if err := override.Check(); err != nil {
			return nil, err
		}
		if !slices.ContainsFunc(rules, func(m Modality) bool { return m.ID == override.Rule }) {
			return nil, AtField("/override/rule", Errorf(op, Invalid, "the process has no rule %q", override.Rule))
		}
	}
	for _, m := range rules {
		if !m.Enforced() {
			continue
		}
		detail := m.breachedBy(timeline, act)
		if detail == "" {
			continue
		}
		if act.Kind == ActPublish && slices.Contains(act.SetAside, m.ID) {
			if override != nil && override.Rule == m.ID {
				return nil, AtField("/override/rule", Errorf(op, Conflict, "rule %s was set aside already when %s was scheduled: there is nothing to override", m.ID, act.Stage.ID))
			}
			continue
		}
		if override != nil && override.Rule == m.ID {
			overridden = &Breach{Rule: m, Detail: detail}
			continue
		}
		return nil, E(op, Rule, &Breach{Rule: m, Detail: detail})
	}
	if override != nil && overridden == nil {
		return nil, AtField("/override/rule", Errorf(op, Conflict, "the act keeps rule %s: there is nothing to override", override.Rule))
	}
	return overridden, nil
}

// breachedBy says how act breaks m, or "".
func (m Modality) breachedBy(timeline []Stage, act Act) string {
	switch m.Kind {
	case OrderRule:
		if (act.Kind != ActSchedule && act.Kind != ActPublish) || !slices.Contains(m.Stages, act.Stage.Kind) && act.Stage.Kind != m.After {
			return ""
		}
		return m.orderBreach(timeline, act)
	case NoticeRule:
		if act.Kind != ActCirculate {
			return ""
		}
		next, ok := nextMeeting(timeline, m.Stages, act.At)
		if ok && next.Start.Before(act.At.AddDate(0, 0, *m.Days)) {
			return fmt.Sprintf("the list would reach Member States %s, less than %d days before %s begins on %s",
				act.At.Format(time.DateOnly), *m.Days, next.ID, next.Start.Format(time.DateOnly))
		}
	case ActorRule:
		if act.Kind == ActAppoint && act.Role == m.Role && slices.Contains(m.Stages, act.Stage.Kind) {
			return fmt.Sprintf("a State's representative cannot be appointed %s of %s, a %s", act.Role, act.Stage.ID, act.Stage.Kind)
		}
	}
	return ""
}

// orderBreach checks an order rule over the timeline with the act's stage
// in its new place, reporting a pair the act's stage is part of. A
// schedule change is refused only for a breach it makes or worsens: one
// that held before (set aside when it was made) does not stop the stage
// lengthening or moving the right way.
func (m Modality) orderBreach(timeline []Stage, act Act) string {
	stages := make([]StageSpec, 0, len(timeline)+1)
	var before *StageSpec
	for _, sg := range timeline {
		switch {
		case sg.Status == Cancelled:
		case sg.Spec.ID == act.Stage.ID:
			before = &sg.Spec
		default:
			stages = append(stages, sg.Spec)
		}
	}
	breaks := func(later, first StageSpec) bool {
		begins := later.Start.Time
		if act.Kind == ActPublish && later.ID == act.Stage.ID {
			begins = act.At
		}
		return begins.Before(first.Finish())
	}
	for _, other := range stages {
		later, first := act.Stage, other
		if other.Kind != m.After {
			later, first = other, act.Stage
		}
		if !slices.Contains(m.Stages, later.Kind) || first.Kind != m.After || !breaks(later, first) {
			continue
		}
		if act.Kind == ActSchedule && before != nil {
			was := *before
			if later.ID == was.ID && breaks(was, first) && !later.Start.Before(was.Start.Time) ||
				first.ID == was.ID && breaks(later, was) && !first.Finish().After(was.Finish()) {
				continue // no worse than it was
			}
		}
		begins := later.Start.Time
		if act.Kind == ActPublish && later.ID == act.Stage.ID {
			begins = act.At
		}
		return fmt.Sprintf("%s (%s) would begin %s, before %s (%s) ends %s", later.ID, later.Kind,
			begins.Format(time.DateOnly), first.ID, first.Kind, first.Finish().Format(time.RFC3339))
	}
	return ""
}

// nextMeeting is the first stage of one of kinds, not cancelled, that
// begins after at.
func nextMeeting(timeline []Stage, kinds []StageKind, at time.Time) (StageSpec, bool) {
	var next StageSpec
	found := false
	for _, sg := range timeline {
		s := sg.Spec
		if sg.Status == Cancelled || !slices.Contains(kinds, s.Kind) || !s.Start.After(at) {
			continue
		}
		if !found || s.Start.Before(next.Start.Time) {
			next, found = s, true
		}
	}
	return next, found
}

// Redated is the stage on new dates, as a reschedule gives them.
func (s StageSpec) Redated(start, end Date) StageSpec {
	s.Start, s.End = start, end
	return s
}

// Moved is the stage moved to start, as long as before unless end is given.
func (s StageSpec) Moved(start, end Date) StageSpec {
	if end.IsZero() && !s.End.IsZero() {
		end = Date{s.End.Add(start.Sub(s.Start.Time))}
	}
	return s.Redated(start, end)
}

// Extended is the stage lengthened by days (shortened when negative).
func (s StageSpec) Extended(days int) StageSpec {
	last := s.End
	if last.IsZero() {
		last = s.Start
	}
	s.End = Date{last.AddDate(0, 0, days)}
	return s
}

// Override is the office setting a rule aside for one act, with its reason.
type Override struct {
	Rule   string `json:"rule"`
	Reason string `json:"reason"`
}

// Check refuses an override without its rule or its reason.
func (o Override) Check() error {
	const op = "process.Override.Check"
	switch {
	case strings.TrimSpace(o.Rule) == "":
		return AtField("/override/rule", Errorf(op, Invalid, "override.rule is required: the identifier of the rule set aside"))
	case strings.TrimSpace(o.Reason) == "":
		return AtField("/override/reason", Errorf(op, Invalid, "override.reason is required: it is recorded with the override"))
	}
	return nil
}
