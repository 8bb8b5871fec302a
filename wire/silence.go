package wire

import (
	"errors"
	"strings"

	"github.com/compact-un/compact/process"
)

// BreakSilenceRequest is a Member State's letter breaking a silence, with
// the text it proposes instead, if any: the State is the token's. The
// record keeps their SHA-256, the answer (a process.SilenceBreak) too.
type BreakSilenceRequest struct {
	Letter   string `json:"letter"`
	Proposal string `json:"proposal,omitempty"`
}

// Check refuses a break without a letter, or with a letter or a proposal
// longer than process.MaxSilenceLetter bytes.
func (r BreakSilenceRequest) Check() error {
	const op = "wire.BreakSilenceRequest.Check"
	return errors.Join(
		required(op, "/letter", "letter", strings.TrimSpace(r.Letter) != ""),
		bounded(op, "/letter", "letter", r.Letter),
		bounded(op, "/proposal", "proposal", r.Proposal))
}

func bounded(op, pointer, name, text string) error {
	if len(text) <= process.MaxSilenceLetter {
		return nil
	}
	return process.AtField(pointer, process.Errorf(op, process.TooLarge, "%s: at most %d bytes, not %d", name, process.MaxSilenceLetter, len(text)))
}
