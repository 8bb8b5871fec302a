package wire

import (
	"time"

	"github.com/compact-un/compact/process"
)

// ApplyRequest is an organisation's application for accreditation to one
// of the process's lists; without List, the preparatory process's.
type ApplyRequest struct {
	Name     string                    `json:"name"`
	Category string                    `json:"category"`
	ECOSOC   bool                      `json:"ecosoc"`
	List     process.AccreditationList `json:"list,omitempty"`
}

// CirculateResult says what list was circulated and until when.
type CirculateResult struct {
	List         string    `json:"list"`
	Applications int       `json:"applications"`
	Until        time.Time `json:"until"` // process time the non-objection period ends
}

// ObjectionRequest is a Member State's objection to an applicant.
type ObjectionRequest struct {
	Party  string `json:"party"` // the applicant
	Reason string `json:"reason,omitempty"`
}

// Objection is a Member State's objection as recorded: the State is the
// token's.
type Objection struct {
	List  string `json:"list"`
	Party string `json:"party"`
	State string `json:"state"`
}
