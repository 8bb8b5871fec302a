package wire

import (
	"time"

	"github.com/compact-un/compact/process"
)

// ECOSOCListLoaded says what list of organisations in ECOSOC consultative
// status the office loaded: it replaced the one before, whole.
type ECOSOCListLoaded struct {
	Entries  int       `json:"entries"`
	LoadedAt time.Time `json:"loadedAt"`
	LoadedBy string    `json:"loadedBy"`
}

// ECOSOCReviewRequest is the office's review of a near match between an
// applicant's name and the list: is it the organisation on the list?
type ECOSOCReviewRequest struct {
	Match *bool `json:"match"`
}

// ApplicationStanding is where an application stands: its state, the list
// it was circulated on and when that list's non-objection period ends, and
// the check of its claim of ECOSOC status.
type ApplicationStanding struct {
	process.Application
	PeriodEnds time.Time `json:"periodEnds,omitzero"`
}
