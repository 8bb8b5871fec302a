package wire

import (
	"time"

	"github.com/compact-un/compact/process"
)

// Modalities are a process's rules and where each stands
// (GET /v1/processes/{id}/modalities).
type Modalities struct {
	ProcessID string     `json:"processId"`
	Rules     []Modality `json:"rules"`
}

// The states of a rule.
const (
	ModalityKept       = "kept"       // checked, and no act has set it aside
	ModalityOverridden = "overridden" // the office set it aside, with its reasons below
	ModalityDeclared   = "declared"   // shown, not checked: nothing to check it by, or another's to keep
)

// Modality is a rule as its template declares it, with its state and the
// office's overrides of it, oldest first.
type Modality struct {
	process.Modality
	State     string             `json:"state"`
	Overrides []ModalityOverride `json:"overrides,omitempty"`
}

// ModalityOverride is one act the office let through against a rule, as
// the record holds it.
type ModalityOverride struct {
	Seq    int64     `json:"seq"` // its entry in the record
	At     time.Time `json:"at"`  // process time
	By     string    `json:"by"`
	Role   string    `json:"role"`
	Act    string    `json:"act"`
	Stage  string    `json:"stage,omitempty"`
	Breach string    `json:"breach"`
	Reason string    `json:"reason"`
}

// ProblemRule is the rule a refusal names: its identifier, its text and
// its source, cited.
type ProblemRule struct {
	ID     string `json:"id"`
	Text   string `json:"text"`
	Source string `json:"source"`
}
