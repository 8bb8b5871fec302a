package wire

import (
	"errors"
	"strings"

	"github.com/compact-un/compact/process"
)

// Request bodies of the office's steering routes; each answers with the
// stage as it now stands.
type (
	// MoveStageRequest postpones or advances a stage that has not ended; its
	// window's deadline follows, and an open window keeps what it got.
	MoveStageRequest struct {
		Start  process.Date `json:"start"`
		End    process.Date `json:"end,omitzero"` // default: as long as before
		Reason string       `json:"reason"`
		// Override sets a rule of the modalities aside for this act, with a
		// reason the record keeps.
		Override *process.Override `json:"override,omitempty"`
		// DryRun checks the act and names its notes and clashes without
		// doing it: the schedule stays as it is.
		DryRun bool `json:"dryRun,omitempty"`
	}
	// ExtendStageRequest lengthens a stage by days (shortens it when
	// negative), or ends a running one now.
	ExtendStageRequest struct {
		Days   int    `json:"days,omitempty"`
		EndNow bool   `json:"endNow,omitempty"`
		Reason string `json:"reason"`
		// Override sets a rule of the modalities aside for this act, with a
		// reason the record keeps.
		Override *process.Override `json:"override,omitempty"`
		// DryRun checks the act and names its notes and clashes without
		// doing it: the schedule stays as it is.
		DryRun bool `json:"dryRun,omitempty"`
	}
	// VenueRequest moves a stage to another place and IANA time zone.
	VenueRequest struct {
		Place    string `json:"place"`
		TimeZone string `json:"timeZone"`
		Reason   string `json:"reason"`
	}
)

// Check refuses a move without its new start or its reason.
func (r MoveStageRequest) Check() error {
	const op = "wire.MoveStageRequest.Check"
	return errors.Join(
		required(op, "/start", "start", !r.Start.IsZero()),
		required(op, "/reason", "reason", strings.TrimSpace(r.Reason) != ""))
}

// Check refuses an extension that neither adds days nor ends the stage
// now, or that has no reason.
func (r ExtendStageRequest) Check() error {
	const op = "wire.ExtendStageRequest.Check"
	var days error
	if (r.Days == 0) == !r.EndNow {
		days = process.AtField("/days", process.Errorf(op, process.Invalid, "give days (not 0) or endNow, not both"))
	}
	return errors.Join(days, required(op, "/reason", "reason", strings.TrimSpace(r.Reason) != ""))
}

// Check refuses a venue without a place, with an unknown time zone, or
// without a reason.
func (r VenueRequest) Check() error {
	const op = "wire.VenueRequest.Check"
	var zone error
	if _, err := process.Zone(r.TimeZone); err != nil || r.TimeZone == "" {
		zone = process.AtField("/timeZone", process.Errorf(op, process.Invalid,
			"timeZone %q: want an IANA time zone name such as Europe/Vienna", r.TimeZone))
	}
	return errors.Join(
		required(op, "/place", "place", strings.TrimSpace(r.Place) != ""),
		zone,
		required(op, "/reason", "reason", strings.TrimSpace(r.Reason) != ""))
}

// required is the error for a required field that is missing, or nil.
func required(op, pointer, name string, given bool) error {
	if given {
		return nil
	}
	return process.AtField(pointer, process.Errorf(op, process.Invalid, "%s is required", name))
}

// Dry says the body asks for a check, not the act.
func (r MoveStageRequest) Dry() bool { return r.DryRun }

// Dry says the body asks for a check, not the act.
func (r ExtendStageRequest) Dry() bool { return r.DryRun }
