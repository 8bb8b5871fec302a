package wire

import "github.com/compact-un/compact/process"

// Request bodies of the office's steering routes; each answers with the
// stage as it now stands.
type (
	// MoveStageRequest postpones or advances a stage that has not ended; its
	// window's deadline follows, and an open window keeps what it got.
	MoveStageRequest struct {
		Start  process.Date `json:"start"`
		End    process.Date `json:"end,omitzero"` // default: as long as before
		Reason string       `json:"reason"`
	}
	// ExtendStageRequest lengthens a stage by days (shortens it when
	// negative), or ends a running one now.
	ExtendStageRequest struct {
		Days   int    `json:"days,omitempty"`
		EndNow bool   `json:"endNow,omitempty"`
		Reason string `json:"reason"`
	}
	// VenueRequest moves a stage to another place and IANA time zone.
	VenueRequest struct {
		Place    string `json:"place"`
		TimeZone string `json:"timeZone"`
		Reason   string `json:"reason"`
	}
)
