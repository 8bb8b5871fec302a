package workflows

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/compact-un/compact/activities"
	"github.com/compact-un/compact/event"
	"github.com/compact-un/compact/process"
)

// DraftName is the document name every revision of a process's outcome
// text is stored under; revisions number from 0, the zero draft.
const DraftName = "draft"

// simulatedParagraphs is the length of a simulated draft.
const simulatedParagraphs = 24

// negotiatedText is the version under which a draft is also a negotiated
// text (package text): publishing issues its text revision and records
// what its changes came from, the amendments counted at the window's close
// include those on the text, and a simulation drafts, amends and decides
// on the text.
const negotiatedText = "negotiated-text"

// DraftingRound publishes one revision of the draft on its date, recorded
// with a diff against the previous revision, then takes Member States'
// amendments to it until the next revision is due. The co-facilitators
// publish through UpdatePublishRevision; a simulation publishes for them.
func DraftingRound(ctx workflow.Context, in StageInput) (StageResult, error) {
	if in.Drafting == nil {
		return StageResult{}, process.Errorf("workflows.DraftingRound", process.Invalid, "stage %s: no drafting context", in.Stage.ID)
	}
	d := &drafting{stage: newStage(in), dc: *in.Drafting}
	d.negotiated = workflow.GetVersion(ctx, negotiatedText, workflow.DefaultVersion, 1) == 1
	if !d.dc.Final {
		d.opens, d.closes, d.purpose = in.Stage.Start.Time, d.dc.AmendUntil, process.ForAmendments
	}
	// A query adds no command to the history: runs recorded before it
	// replay as they were, and answer it once replayed.
	if err := workflow.SetQueryHandler(ctx, QueryDraft, d.status); err != nil {
		return StageResult{}, err
	}
	if err := setUpdate(ctx, UpdatePublishRevision, d.publishRevision, d.validatePublish); err != nil {
		return StageResult{}, err
	}
	if err := setUpdate(ctx, UpdateSetDeadline, d.setDeadline, d.validateSetDeadline); err != nil {
		return StageResult{}, err
	}
	if workflow.GetVersion(ctx, steering, workflow.DefaultVersion, 1) == 1 {
		// Its amendments close when the next revision is due, which the
		// office can move.
		followMoves(ctx, d.stage, &d.window, d.code())
	}
	return d.run(ctx)
}

type drafting struct {
	*stage
	window
	dc         DraftingContext
	published  bool
	publishing bool
	negotiated bool // under negotiatedText
	result     StageResult
}

func (d *drafting) code() string { return fmt.Sprintf("R%d", d.dc.Revision) }

func (d *drafting) run(ctx workflow.Context) (StageResult, error) {
	spec := d.in.Stage
	d.result = StageResult{Stage: spec.ID, Revision: d.dc.Revision}
	if _, err := d.clk.wait(ctx, spec.Start.Time, nil); err != nil {
		return d.result, err
	}
	if d.in.Simulation != nil {
		ref, err := d.simulateDraft(ctx)
		if err != nil {
			return d.result, err
		}
		if err := d.publish(ctx, ref, nil); err != nil {
			return d.result, err
		}
	} else if err := workflow.Await(ctx, func() bool { return d.published }); err != nil {
		return d.result, err
	}
	d.result.EndedAt = spec.Start.Time
	if now := d.clk.now(ctx); d.in.Simulation == nil && now.After(d.result.EndedAt) {
		d.result.EndedAt = now // published late
	}
	if d.dc.Final {
		return d.result, nil
	}
	if err := openWindow(ctx, d.stage, d.code(), &d.window); err != nil {
		return d.result, err
	}
	if sim := d.in.Simulation; sim != nil && sim.AmendmentsPerRound > 0 {
		err := workflow.ExecuteActivity(withSimulationOptions(ctx), a.SimulateAmendments, activities.SimulateAmendmentsInput{
			ProcessID: d.in.ProcessID, StageID: spec.ID, Revision: d.dc.Revision,
			Paragraphs: simulatedParagraphs, Count: sim.AmendmentsPerRound,
			Text: d.negotiated, At: spec.Start.Time,
		}).Get(ctx, nil)
		if err != nil {
			return d.result, err
		}
	}
	err := runSteps(ctx, d.clk, &d.window, []step{{at: func() time.Time { return d.closes }, run: d.closeAmendments, isClose: true}})
	d.result.EndedAt = d.closes
	return d.result, err
}

func (d *drafting) document() process.DocumentVersion {
	spec := d.in.Stage
	doc := process.DocumentVersion{
		ProcessID: d.in.ProcessID, StageID: spec.ID, Name: DraftName, Revision: d.dc.Revision,
		Title: spec.Title, Kind: "draft", IssuedAt: spec.Start.Time,
	}
	if len(spec.Documents) > 0 {
		doc.Symbol = spec.Documents[0].Symbol
	}
	return doc
}

func (d *drafting) simulateDraft(ctx workflow.Context) (process.DocumentVersion, error) {
	var ref process.DocumentVersion
	err := d.storeActivity(ctx, a.SimulateDraft, activities.SimulateDraftInput{
		Document: d.document(), AmendedFrom: d.dc.Previous, Paragraphs: simulatedParagraphs, Text: d.negotiated,
	}).Get(ctx, &ref)
	return ref, err
}

// publish records a stored revision with its diff against the previous
// one, and with it a rule the office set aside to publish it.
func (d *drafting) publish(ctx workflow.Context, ref process.DocumentVersion, setAside *event.ModalityOverriddenData) error {
	var res activities.PublishResult
	err := d.storeActivity(ctx, a.PublishDocument, activities.PublishInput{
		Document: ref, DiffAgainst: d.dc.Revision - 1,
	}).Get(ctx, &res)
	if err != nil {
		return err
	}
	data := event.DraftPublishedData{Revision: d.dc.Revision, Title: res.Document.Title, SHA256: res.Document.SHA256,
		Symbol: res.Document.Symbol, Diff: res.Diff, Simulated: d.simulated()}
	if d.negotiated {
		if err := d.issueText(ctx, &data); err != nil {
			return err
		}
	}
	ev := activities.StageEvent{StageID: d.in.Stage.ID, Event: event.DraftPublished, At: d.in.Stage.Start.Time}
	if ev.Also, err = setAsideWith(ctx, setAside, ev.At, "revision-"+strconv.Itoa(d.dc.Revision)); err != nil {
		return err
	}
	if err := d.rec.record(ctx, ev, data); err != nil {
		return err
	}
	d.published, d.result.DocumentHash = true, res.Document.SHA256
	return nil
}

// issueText issues the draft's text revision, if it has one, and adds to
// the draft.published entry's data its hash and what each of its changes
// came from (IDs only, at most activities.MaxRecordedSources).
func (d *drafting) issueText(ctx workflow.Context, data *event.DraftPublishedData) error {
	var issued activities.IssuedRevision
	err := d.storeActivity(ctx, a.IssueRevision, activities.IssueRevisionInput{
		ProcessID: d.in.ProcessID, Revision: d.dc.Revision, IssuedAt: d.in.Stage.Start.Time,
	}).Get(ctx, &issued)
	if err != nil || !issued.Issued {
		return err
	}
	data.TextSHA256, data.MoreSources = issued.SHA256, issued.MoreSources
	data.Sources, err = event.Encode(issued.Sources)
	return err
}

func (d *drafting) closeAmendments(ctx workflow.Context) error {
	if _, err := sealWindow(ctx, d.stage, &d.window); err != nil {
		return err
	}
	var n int
	var err error
	if d.negotiated {
		err = d.storeActivity(ctx, a.CountDraftAmendments, activities.CountDraftAmendmentsInput{
			ProcessID: d.in.ProcessID, StageID: d.in.Stage.ID, Revision: d.dc.Revision,
		}).Get(ctx, &n)
	} else {
		err = d.storeActivity(ctx, a.CountAmendments,
			activities.SealInput{ProcessID: d.in.ProcessID, StageID: d.in.Stage.ID}).Get(ctx, &n)
	}
	if err != nil {
		return err
	}
	d.result.Amendments = n
	return d.record(ctx, event.AmendmentsClosed, d.closes, event.AmendmentsClosedData{Revision: d.dc.Revision, Amendments: n, Simulated: d.simulated()})
}

// status answers QueryDraft.
func (d *drafting) status() (DraftStatus, error) {
	return DraftStatus{Document: d.document(), Simulated: d.in.Simulation != nil, Published: d.published}, nil
}

func (d *drafting) validatePublish(ctx workflow.Context, req PublishRevisionRequest) error {
	const op = "workflows.PublishRevision"
	switch {
	case d.published:
		return process.Errorf(op, process.Conflict, "revision %d is published already", d.dc.Revision)
	case d.publishing:
		return process.Errorf(op, process.Conflict, "revision %d is being published", d.dc.Revision)
	case d.in.Simulation != nil:
		return process.Errorf(op, process.Conflict, "a simulation publishes its own drafts")
	case req.Revision != d.dc.Revision:
		return process.Errorf(op, process.Rule, "this stage publishes revision %d, not %d", d.dc.Revision, req.Revision)
	case d.clk.now(ctx).Before(d.in.Stage.Start.Time):
		return process.Errorf(op, process.Rule, "revision %d is due on %s, not before", d.dc.Revision, d.in.Stage.Start.Format(time.DateOnly))
	}
	if b, err := hex.DecodeString(req.SHA256); err != nil || len(b) != 32 {
		return process.Errorf(op, process.Invalid, "sha256 %q is not a hex SHA-256", req.SHA256)
	}
	return nil
}

func (d *drafting) publishRevision(ctx workflow.Context, req PublishRevisionRequest) (StageResult, error) {
	d.publishing = true
	defer func() { d.publishing = false }()
	ref := d.document()
	ref.SHA256 = req.SHA256
	err := d.publish(ctx, ref, req.SetAside)
	return d.result, err
}

func (d *drafting) validateSetDeadline(ctx workflow.Context, req SetDeadlineRequest) error {
	return validateSetDeadline(d.clk.now(ctx), d.in.Stage.Location(), &d.window, req)
}

func (d *drafting) setDeadline(ctx workflow.Context, req SetDeadlineRequest) (time.Time, error) {
	return setDeadline(ctx, d.stage, d.code(), &d.window, req)
}
