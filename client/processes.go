package client

import (
	"context"
	"net/url"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
)

// CreateProcess starts a process (the PGA office).
func (c *Client) CreateProcess(ctx context.Context, in wire.CreateProcessRequest) (process.Process, error) {
	return post[process.Process](ctx, c, "/v1/processes", in)
}

// Processes lists every process with its status.
func (c *Client) Processes(ctx context.Context) ([]wire.ProcessStatus, error) {
	return get[[]wire.ProcessStatus](ctx, c, "/v1/processes", nil)
}

// Process is a process's status, with its clock.
func (c *Client) Process(ctx context.Context, id string) (wire.ProcessStatus, error) {
	return get[wire.ProcessStatus](ctx, c, ProcessPath(id), nil)
}

// Stages are a process's stages by date.
func (c *Client) Stages(ctx context.Context, id string) ([]process.Stage, error) {
	return get[[]process.Stage](ctx, c, ProcessPath(id, "stages"), nil)
}

// Stage is one stage with its contribution window.
func (c *Client) Stage(ctx context.Context, id, stage string) (wire.StageDetail, error) {
	return get[wire.StageDetail](ctx, c, ProcessPath(id, "stages", stage), nil)
}

// Changes are the changes to a process's schedule, as recorded.
func (c *Client) Changes(ctx context.Context, id string) ([]wire.ScheduleChange, error) {
	return get[[]wire.ScheduleChange](ctx, c, ProcessPath(id, "changes"), nil)
}

// Modalities are a process's rules, each with its state and the office's
// overrides of it.
func (c *Client) Modalities(ctx context.Context, id string) (wire.Modalities, error) {
	return get[wire.Modalities](ctx, c, ProcessPath(id, "modalities"), nil)
}

// AddStage adds a stage to a phase.
func (c *Client) AddStage(ctx context.Context, id string, in wire.AddStageRequest) (wire.ScheduledStage, error) {
	return post[wire.ScheduledStage](ctx, c, ProcessPath(id, "stages"), in)
}

// Reschedule moves a stage that has not started.
func (c *Client) Reschedule(ctx context.Context, id, stage string, in wire.RescheduleRequest) (wire.ScheduledStage, error) {
	return post[wire.ScheduledStage](ctx, c, ProcessPath(id, "stages", stage, "reschedule"), in)
}

// CancelStage cancels a stage that has not started.
func (c *Client) CancelStage(ctx context.Context, id, stage string, in wire.ReasonRequest) (process.Stage, error) {
	return post[process.Stage](ctx, c, ProcessPath(id, "stages", stage, "cancel"), in)
}

// MoveStage postpones or advances a stage that has not ended.
func (c *Client) MoveStage(ctx context.Context, id, stage string, in wire.MoveStageRequest) (wire.ScheduledStage, error) {
	return post[wire.ScheduledStage](ctx, c, ProcessPath(id, "stages", stage, "move"), in)
}

// ExtendStage lengthens or shortens a stage that has not ended, or ends a
// running one now.
func (c *Client) ExtendStage(ctx context.Context, id, stage string, in wire.ExtendStageRequest) (wire.ScheduledStage, error) {
	return post[wire.ScheduledStage](ctx, c, ProcessPath(id, "stages", stage, "extend"), in)
}

// SetVenue moves a stage to another place and time zone.
func (c *Client) SetVenue(ctx context.Context, id, stage string, in wire.VenueRequest) (wire.ScheduledStage, error) {
	return post[wire.ScheduledStage](ctx, c, ProcessPath(id, "stages", stage, "venue"), in)
}

// MoveWindow moves a window's opening or deadline, or opens or closes it now.
func (c *Client) MoveWindow(ctx context.Context, id, stage string, in wire.WindowRequest) (wire.WindowMove, error) {
	return post[wire.WindowMove](ctx, c, ProcessPath(id, "stages", stage, "window"), in)
}

// RecordOutcome records a conference's adoption or the Assembly's vote.
func (c *Client) RecordOutcome(ctx context.Context, id, stage string, in wire.RecordOutcomeRequest) (process.Outcome, error) {
	return post[process.Outcome](ctx, c, ProcessPath(id, "stages", stage, "outcome"), in)
}

// Appoint appoints a State's representative co-facilitator.
func (c *Client) Appoint(ctx context.Context, id string, in wire.AppointRequest) (wire.CoFacilitators, error) {
	return post[wire.CoFacilitators](ctx, c, ProcessPath(id, "co-facilitators"), in)
}

// Apply applies for accreditation, as the token's organisation.
func (c *Client) Apply(ctx context.Context, id string, in wire.ApplyRequest) (process.Application, error) {
	return post[process.Application](ctx, c, ProcessPath(id, "applications"), in)
}

// Applications lists a process's applications to one list; list "" is
// both lists, state "" every state.
func (c *Client) Applications(ctx context.Context, id string, list process.AccreditationList, state process.ApplicationState) ([]process.Application, error) {
	q := url.Values{}
	if state != "" {
		q.Set("state", string(state))
	}
	if list != "" {
		q.Set("list", string(list))
	}
	return get[[]process.Application](ctx, c, ProcessPath(id, "applications"), q)
}

// Application is one organisation's application.
func (c *Client) Application(ctx context.Context, id, party string) (process.Application, error) {
	return get[process.Application](ctx, c, ProcessPath(id, "applications", party), nil)
}

// Circulate circulates the pending applications to the Member States now.
func (c *Client) Circulate(ctx context.Context, id, stage string, in wire.CirculateRequest) (wire.CirculateResult, error) {
	return post[wire.CirculateResult](ctx, c, ProcessPath(id, "stages", stage, "circulate"), in)
}

// Object objects to an applicant, as the token's Member State.
func (c *Client) Object(ctx context.Context, id, stage string, in wire.ObjectionRequest) (wire.Objection, error) {
	return post[wire.Objection](ctx, c, ProcessPath(id, "stages", stage, "objections"), in)
}

// OfficeCalendar lists every process's meetings from one date to another
// (YYYY-MM-DD; empty for the API's default span), each with the meetings of
// other processes it clashes with at its venue.
func (c *Client) OfficeCalendar(ctx context.Context, from, to string) (wire.OfficeCalendar, error) {
	q := url.Values{}
	for k, v := range map[string]string{"from": from, "to": to} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return get[wire.OfficeCalendar](ctx, c, "/v1/calendar", q)
}

// Lists reads a process's accreditation lists with their circulated batches.
func (c *Client) Lists(ctx context.Context, id string) (wire.AccreditationLists, error) {
	return get[wire.AccreditationLists](ctx, c, ProcessPath(id, "lists"), nil)
}
