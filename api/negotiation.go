package api

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/text"
	"github.com/compact-un/compact/wire"
	"github.com/compact-un/compact/workflows"
)

// maxNote bounds a decision's or a mark's note, which the record keeps
// whole.
const maxNote = 2 << 10

// negotiationRoutes are the writes of the negotiated text: Member States
// amend the latest revision while its amendment window is open; those who
// serve the process decide and mark.
func (s *Server) negotiationRoutes(mux *http.ServeMux) {
	s.handle(mux, "POST /v1/processes/{id}/text/amendments", s.proposeTextAmendment, MemberState)
	s.handle(mux, "POST /v1/processes/{id}/text/amendments/{amendment}/cosponsors", s.joinAmendment, MemberState)
	s.handle(mux, "DELETE /v1/processes/{id}/text/amendments/{amendment}/cosponsors/{party}", s.leaveAmendment, MemberState)
	s.handle(mux, "PUT /v1/processes/{id}/text/amendments/{amendment}/position", s.takeTextPosition, MemberState)
	s.handle(mux, "PUT /v1/processes/{id}/text/amendments/{amendment}/decision", s.decideAmendment, PGAOffice, CoFacilitator)
	s.handle(mux, "PUT /v1/processes/{id}/text/revisions/{revision}/paragraphs/{paragraph}/mark", s.markParagraph,
		PGAOffice, CoFacilitator)
	s.handle(mux, "GET /v1/processes/{id}/groups", s.listGroups)
}

// listGroups lists the groups of States that negotiate in a process with
// one voice, as its template declares them, with their sources.
func (s *Server) listGroups(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	_, err := s.store.GetProcess(r.Context(), id)
	var d *delegations
	if err == nil {
		d, err = s.delegations(r.Context(), id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := wire.Groups{ProcessID: id, Groups: d.groups}
	if out.Groups == nil {
		out.Groups = []process.Group{}
	}
	writeJSON(w, http.StatusOK, out)
}

// textCache keeps what every write reads and nothing changes: a stored
// revision, the stage that published it, a process's groups.
type textCache struct {
	revisions   sync.Map // "process/number" → *text.Revision
	stages      sync.Map // "process/number" → stage ID
	delegations sync.Map // process ID → *delegations
}

// delegations are who speaks in a process's negotiation, and who belongs
// to which group.
type delegations struct {
	*text.Delegations
	members map[string][]string // group ID → its Member States
	groups  []process.Group     // as the template declares them
}

// actsFor reports whether a token of state may speak as party: as itself
// or as a group it belongs to.
func (d *delegations) actsFor(state, party string) bool {
	return party == state || slices.Contains(d.members[party], state)
}

// groupsOf lists the groups state belongs to, for a refusal's message.
func (d *delegations) groupsOf(state string) string {
	var gs []string
	for id, ms := range d.members {
		if slices.Contains(ms, state) {
			gs = append(gs, id)
		}
	}
	slices.Sort(gs)
	if len(gs) == 0 {
		return "none"
	}
	return strings.Join(gs, ", ")
}

// negotiation is what a write to a process's text is checked against: the
// latest revision, the stage that published it, who speaks, and the act as
// the record will say it.
type negotiation struct {
	processID   string
	revision    int
	stageID     string
	delegations *delegations
	act         store.Act
	now         time.Time // wall time, which windows are in
}

func (s *Server) negotiation(ctx context.Context, op, processID string) (*negotiation, error) {
	p, err := s.store.GetProcess(ctx, processID)
	if err != nil {
		return nil, err
	}
	number, err := s.store.LatestRevision(ctx, processID)
	if process.KindOf(err) == process.NotFound {
		return nil, process.Errorf(op, process.Conflict, "%s has no revision of its text yet: its negotiation begins with the zero draft", processID)
	}
	if err != nil {
		return nil, err
	}
	stageID, err := s.revisionStage(ctx, op, processID, number)
	if err != nil {
		return nil, err
	}
	d, err := s.delegations(ctx, processID)
	if err != nil {
		return nil, err
	}
	n := &negotiation{processID: processID, revision: number, stageID: stageID, delegations: d, now: time.Now()}
	at, err := s.processNow(ctx, op, p, n.now)
	if err != nil {
		return nil, err
	}
	pr := principal(ctx)
	n.act = store.Act{By: pr.Party, Role: string(pr.Role), At: at, StageID: stageID}
	return n, nil
}

// revisionStage is the draft stage that published a revision.
func (s *Server) revisionStage(ctx context.Context, op, processID string, number int) (string, error) {
	key := processID + "/" + strconv.Itoa(number)
	if id, ok := s.texts.stages.Load(key); ok {
		return id.(string), nil
	}
	doc, err := s.store.GetDocument(ctx, processID, workflows.DraftName, number)
	if process.KindOf(err) == process.NotFound {
		return "", process.Errorf(op, process.Conflict, "revision %d of %s is not published as a draft yet", number, processID)
	}
	if err != nil {
		return "", err
	}
	s.texts.stages.Store(key, doc.StageID)
	return doc.StageID, nil
}

// textRevision is a stored revision's text, which never changes.
func (s *Server) textRevision(ctx context.Context, processID string, number int) (*text.Revision, error) {
	key := processID + "/" + strconv.Itoa(number)
	if r, ok := s.texts.revisions.Load(key); ok {
		return r.(*text.Revision), nil
	}
	r, err := s.store.GetRevision(ctx, processID, number)
	if err != nil {
		return nil, err
	}
	s.texts.revisions.Store(key, &r.Revision)
	return &r.Revision, nil
}

// delegations are the groups of the template the process runs.
func (s *Server) delegations(ctx context.Context, processID string) (*delegations, error) {
	const op = "api.delegations"
	if d, ok := s.texts.delegations.Load(processID); ok {
		return d.(*delegations), nil
	}
	t, err := s.processTemplate(ctx, op, processID)
	if err != nil {
		return nil, err
	}
	d := &delegations{members: make(map[string][]string, len(t.Groups)), groups: t.Groups}
	groups := make([]text.Group, len(t.Groups))
	for i, g := range t.Groups {
		groups[i] = text.Group{ID: g.ID, Name: g.Name, Members: g.Members}
		d.members[g.ID] = g.Members
	}
	if d.Delegations, err = text.NewDelegations(groups...); err != nil {
		return nil, process.E(op, process.Internal, err)
	}
	s.texts.delegations.Store(processID, d)
	return d, nil
}

// windowOpen refuses a delegation's write once the amendment window of
// the latest revision has closed, or before it opens.
func (s *Server) windowOpen(ctx context.Context, op string, n *negotiation) error {
	win, err := s.store.GetWindow(ctx, n.processID, n.stageID)
	if process.KindOf(err) == process.NotFound {
		return process.Errorf(op, process.Conflict, "revision %d (stage %s) takes no amendments", n.revision, n.stageID)
	}
	if err != nil {
		return err
	}
	if win.TakesAt(n.now) {
		return nil
	}
	sg, err := s.findStage(ctx, n.processID, n.stageID)
	if err != nil {
		return err
	}
	if n.now.Before(win.OpensAt) {
		return process.Errorf(op, process.Conflict, "the amendment window of revision %d (stage %s) opens at %s",
			n.revision, n.stageID, stageInstant(sg.Spec, win.OpensAt))
	}
	return process.Errorf(op, process.Conflict, "the amendment window of revision %d (stage %s) closed at %s: "+
		"it takes no more amendments, co-sponsors or positions", n.revision, n.stageID, stageDeadline(sg.Spec, win.ClosesAt))
}

// amendmentID is an amendment's ID: the same for a State's retries with
// the same idempotency key, and another for another State's.
func amendmentID(state, key string) string {
	sum := sha256.Sum256([]byte(state + "\x00" + key))
	return "AM-" + strings.ToUpper(hex.EncodeToString(sum[:5]))
}

// paragraphIndex finds a paragraph of rev by its ID or its label ("OP12",
// "PP3"), or -1.
func paragraphIndex(rev *text.Revision, ref string) int {
	if i := rev.Index(ref); i >= 0 {
		return i
	}
	for i := range rev.Paragraphs {
		if strings.EqualFold(rev.Label(i), ref) {
			return i
		}
	}
	return -1
}

// proposeTextAmendment takes a Member State's amendment to the latest
// revision: 201 when new, 200 with the stored one for a retry.
func (s *Server) proposeTextAmendment(w http.ResponseWriter, r *http.Request) {
	const op = "api.proposeTextAmendment"
	key, err := idempotencyKey(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in wire.TextAmendmentRequest
	if err := decodeJSON(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	n, err := s.negotiation(ctx, op, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	state := principal(ctx).Party
	a, created, err := s.propose(ctx, n, amendmentID(state, key), in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	w.Header().Set("Location", "/v1/processes/"+n.processID+"/text/amendments/"+a.ID)
	writeJSON(w, status, amendmentView(n, a))
}

// propose checks an amendment on the latest revision and stores it,
// saying whether it is new.
func (s *Server) propose(ctx context.Context, n *negotiation, id string, in wire.TextAmendmentRequest) (store.Amendment, bool, error) {
	const op = "api.proposeTextAmendment"
	if err := s.windowOpen(ctx, op, n); err != nil {
		return store.Amendment{}, false, err
	}
	rev, err := s.textRevision(ctx, n.processID, n.revision)
	if err != nil {
		return store.Amendment{}, false, err
	}
	a, err := n.amendment(op, rev, principal(ctx).Party, id, in)
	if err != nil {
		return store.Amendment{}, false, err
	}
	stored, err := s.store.ProposeAmendment(ctx, n.processID, a, n.act)
	if process.KindOf(err) == process.Invalid { // a citation the process does not have
		err = process.AtField("/cites", err)
	}
	return stored, err == nil && stored.ProposedAt.Equal(n.act.At), err
}

// amendment checks a request as a State's amendment to rev, naming the
// field at fault.
func (n *negotiation) amendment(op string, rev *text.Revision, state, id string, in wire.TextAmendmentRequest) (text.Amendment, error) {
	at := func(pointer string, kind process.Kind, format string, args ...any) (text.Amendment, error) {
		return text.Amendment{}, process.AtField(pointer, process.Errorf(op, kind, format, args...))
	}
	a := text.Amendment{ID: id, Revision: rev.Number, Kind: in.Kind, Part: in.Part, Text: in.Text, Edits: in.Edits,
		Sponsor: in.Sponsor, CoSponsors: in.CoSponsors, Cites: in.Cites}
	switch in.Kind {
	case text.Replace, text.InsertBefore, text.InsertAfter, text.Delete, text.EditWords:
		if in.Paragraph == "" {
			return at("/paragraph", process.Invalid, "a %s amendment names its paragraph, by its ID or its label (OP1, PP2)", in.Kind)
		}
		i := paragraphIndex(rev, in.Paragraph)
		if i < 0 {
			return at("/paragraph", process.Rule, "paragraph %q is not in revision %d: name it by its ID or its label (OP1, PP2)",
				in.Paragraph, rev.Number)
		}
		a.Paragraph = rev.Paragraphs[i].ID
		if rev.Paragraphs[i].Part == text.Title && (in.Kind == text.Delete || in.Kind == text.InsertBefore) {
			return at("/kind", process.Invalid, "the title can be replaced or edited, or have a paragraph inserted after it; not %s", in.Kind)
		}
	case text.NewParagraph:
		if in.Paragraph != "" {
			return at("/paragraph", process.Invalid, "a new paragraph goes at the end of its part: name the part, "+
				"or insert before or after a paragraph")
		}
		if in.Part != text.Preamble && in.Part != text.Operative {
			return at("/part", process.Invalid, "a new paragraph goes in the preamble or the operative part, not %q", in.Part)
		}
	default:
		return at("/kind", process.Invalid, "kind %q: replace, insert-before, insert-after, delete, new-paragraph or edit", in.Kind)
	}
	if in.Kind != text.EditWords && len(in.Edits) > 0 {
		return at("/edits", process.Invalid, "only an edit amendment has edits")
	}
	if !n.delegations.actsFor(state, in.Sponsor) {
		return at("/sponsor", process.Forbidden, "%s sponsors as itself or as a group it belongs to (%s), not as %q",
			state, n.delegations.groupsOf(state), in.Sponsor)
	}
	named := map[string]bool{in.Sponsor: true}
	for i, c := range in.CoSponsors {
		pointer := fmt.Sprintf("/coSponsors/%d", i)
		switch {
		case !n.delegations.Speaks(c):
			return at(pointer, process.Rule, "co-sponsor %q is neither a Member State (ISO 3166-1 alpha-3) nor a group of this process", c)
		case named[c]:
			return at(pointer, process.Invalid, "%s is named twice among the sponsors", c)
		case slices.Contains(n.delegations.members[in.Sponsor], c):
			return at(pointer, process.Invalid, "%s sponsors it already, as a member of %s", c, in.Sponsor)
		}
		named[c] = true
	}
	for i, c := range in.Cites {
		if strings.TrimSpace(c) == "" {
			return at(fmt.Sprintf("/cites/%d", i), process.Invalid, "a citation is a contribution's tracking number")
		}
	}
	// What is left to check is the wording.
	if err := n.delegations.ValidateAmendment(rev, &a); err != nil {
		pointer := "/text"
		if in.Kind == text.EditWords {
			pointer = "/edits"
		}
		return text.Amendment{}, process.AtField(pointer, err)
	}
	return a, nil
}

// joinAmendment adds the caller's State, or a group it belongs to, to an
// amendment's co-sponsors.
func (s *Server) joinAmendment(w http.ResponseWriter, r *http.Request) {
	var in wire.CosponsorRequest
	if err := decodeJSON(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	s.cosponsor(w, r, "/party", cmp.Or(in.Party, principal(r.Context()).Party), true)
}

// leaveAmendment withdraws the caller's State's, or its group's,
// co-sponsorship.
func (s *Server) leaveAmendment(w http.ResponseWriter, r *http.Request) {
	s.cosponsor(w, r, "", r.PathValue("party"), false)
}

func (s *Server) cosponsor(w http.ResponseWriter, r *http.Request, pointer, party string, joins bool) {
	const op = "api.cosponsor"
	ctx := r.Context()
	n, err := s.negotiation(ctx, op, r.PathValue("id"))
	if err == nil {
		if state := principal(ctx).Party; !n.delegations.actsFor(state, party) {
			err = process.Errorf(op, process.Forbidden, "%s co-sponsors as itself or as a group it belongs to (%s), not as %q",
				state, n.delegations.groupsOf(state), party)
			if pointer != "" {
				err = process.AtField(pointer, err)
			}
		}
	}
	if err == nil {
		err = s.windowOpen(ctx, op, n)
	}
	var a store.Amendment
	if err == nil {
		a, err = s.store.Cosponsor(ctx, n.processID, r.PathValue("amendment"), party, joins, n.act)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, amendmentView(n, a))
}

// takeTextPosition takes a State's position, or its group's, on an
// amendment; a second replaces the first.
func (s *Server) takeTextPosition(w http.ResponseWriter, r *http.Request) {
	const op = "api.takeTextPosition"
	var in wire.PositionRequest
	if err := decodeJSON(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	state := principal(ctx).Party
	p := text.Position{Party: cmp.Or(in.Party, state), Amendment: r.PathValue("amendment"), Stance: in.Stance, Statement: in.Statement}
	n, err := s.negotiation(ctx, op, r.PathValue("id"))
	switch {
	case err != nil:
	case !n.delegations.actsFor(state, p.Party):
		err = process.AtField("/party", process.Errorf(op, process.Forbidden, "%s takes positions as itself or as a group it belongs to (%s), not as %q",
			state, n.delegations.groupsOf(state), p.Party))
	case p.Stance != text.Support && p.Stance != text.Oppose && p.Stance != text.Reservation:
		err = process.AtField("/stance", process.Errorf(op, process.Invalid, "stance %q: support, oppose or reservation", p.Stance))
	default:
		if err = n.delegations.ValidatePosition(&p); err != nil {
			err = process.AtField("/statement", err)
		}
	}
	if err == nil {
		err = s.windowOpen(ctx, op, n)
	}
	var taken []store.PositionTaken
	if err == nil {
		taken, err = s.store.TakePositions(ctx, n.processID, []text.Position{p}, n.act)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, wire.PositionTaken{Position: taken[0].Position, Replaced: taken[0].Replaced})
}

// serving refuses a token that does not serve the process.
func serving(ctx context.Context, op, processID string) error {
	if p := principal(ctx); !p.serves(processID) {
		return process.Errorf(op, process.Forbidden, "this token's co-facilitators serve %s, not %s", p.ProcessID, processID)
	}
	return nil
}

// decideAmendment records the co-facilitators' decision on an amendment
// of the latest revision; a later one replaces it.
func (s *Server) decideAmendment(w http.ResponseWriter, r *http.Request) {
	const op = "api.decideAmendment"
	var in wire.DecisionRequest
	if err := decodeJSON(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	outcome, known := wire.Outcomes[in.Outcome]
	err := serving(ctx, op, r.PathValue("id"))
	switch {
	case err != nil:
	case !known:
		err = process.AtField("/outcome", process.Errorf(op, process.Invalid, "outcome %q: incorporated, merged or not-retained", in.Outcome))
	case (outcome == text.Merged) != (strings.TrimSpace(in.Text) != ""):
		err = process.AtField("/text", process.Errorf(op, process.Invalid, "a merged amendment, and only one, carries the wording it is merged into"))
	case len(in.Text) > text.MaxParagraphBytes:
		err = process.AtField("/text", process.Errorf(op, process.TooLarge, "the wording is over %d bytes", text.MaxParagraphBytes))
	case len(in.Note) > maxNote:
		err = process.AtField("/note", process.Errorf(op, process.TooLarge, "the note is over %d bytes", maxNote))
	}
	var n *negotiation
	if err == nil {
		n, err = s.negotiation(ctx, op, r.PathValue("id"))
	}
	var a store.Amendment
	if err == nil {
		a, err = s.store.DecideAmendment(ctx, n.processID, r.PathValue("amendment"),
			text.Decision{Outcome: outcome, Note: in.Note, Text: in.Text}, n.act)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, amendmentView(n, a))
}

// markParagraph marks a paragraph of the latest revision, named by its ID
// or its label.
func (s *Server) markParagraph(w http.ResponseWriter, r *http.Request) {
	const op = "api.markParagraph"
	var in wire.MarkRequest
	if err := decodeJSON(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	processID := r.PathValue("id")
	status, known := wire.Statuses[in.Status]
	number, convErr := strconv.Atoi(r.PathValue("revision"))
	err := serving(ctx, op, processID)
	switch {
	case err != nil:
	case convErr != nil || number < 0:
		err = process.Errorf(op, process.NotFound, "revision %q of %s not found", r.PathValue("revision"), processID)
	case !known:
		err = process.AtField("/status", process.Errorf(op, process.Invalid, "status %q: agreed-ad-ref, agreed or open", in.Status))
	case len(in.Note) > maxNote:
		err = process.AtField("/note", process.Errorf(op, process.TooLarge, "the note is over %d bytes", maxNote))
	}
	var n *negotiation
	var rev *text.Revision
	if err == nil {
		n, err = s.negotiation(ctx, op, processID)
	}
	if err == nil {
		rev, err = s.textRevision(ctx, processID, number)
	}
	m := store.ParagraphMark{Status: status, Note: in.Note}
	if err == nil {
		if i := paragraphIndex(rev, r.PathValue("paragraph")); i < 0 {
			err = process.Errorf(op, process.NotFound, "paragraph %q is not in revision %d", r.PathValue("paragraph"), number)
		} else {
			m.Paragraph = rev.Paragraphs[i].ID
		}
	}
	if err == nil {
		err = s.store.MarkParagraph(ctx, processID, number, m, n.act)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, wire.ParagraphMark{Revision: number, Paragraph: m.Paragraph, Status: in.Status, Note: m.Note})
}

// amendmentView is an amendment on the wire.
func amendmentView(n *negotiation, a store.Amendment) wire.TextAmendment {
	return wire.TextAmendment{ProcessID: n.processID, StageID: n.stageID, Amendment: a.Amendment, Withdrawn: a.Withdrawn,
		Decision: decisionView(a.Decision), ProposedAt: a.ProposedAt}
}

// decisionView is a decision on the wire.
func decisionView(d text.Decision) wire.Decision {
	return wire.Decision{Outcome: outcomeName(d.Outcome), Note: d.Note, Text: d.Text}
}

// outcomeName is an outcome as the wire spells it.
func outcomeName(o text.Outcome) string { return cmp.Or(string(o), "pending") }
