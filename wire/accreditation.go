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

// AccreditationLists are a process's two accreditation lists, the
// preparatory process's and the conference's, each with the batches
// circulated on it: what observers may see of the non-objection procedure.
type AccreditationLists struct {
	Lists []AccreditationList `json:"lists"`
}

// AccreditationList is one list: the stages that keep it and its batches,
// in the order they were circulated.
type AccreditationList struct {
	List    process.AccreditationList `json:"list"`
	Stages  []string                  `json:"stages"`
	Batches []CirculatedBatch         `json:"batches"`
}

// CirculatedBatch is a batch of applications circulated to the Member
// States on a non-objection basis, and where its period stands.
type CirculatedBatch struct {
	Batch        string    `json:"batch"` // e.g. acc-list-1
	StageID      string    `json:"stageId"`
	Applications int       `json:"applications"`
	CirculatedAt time.Time `json:"circulatedAt"` // process time
	PeriodEnds   time.Time `json:"periodEnds"`   // process time
	Status       string    `json:"status"`       // BatchInPeriod or BatchDecided
	Approved     int       `json:"approved"`     // once decided
	Rejected     int       `json:"rejected"`
}

// A batch's status.
const (
	BatchInPeriod = "in-period" // the non-objection period runs
	BatchDecided  = "decided"   // the period ended: approved or rejected each
)
