package event

import "github.com/compact-un/compact/text"

// The negotiated text's events, each with its data below. The store
// records them with each write (package store's Texts), not the workflows:
// their data were structs from the start, so their fields' order is their
// JSON's. They carry IDs, kinds and parties, and the SHA-256 of long
// wording rather than the wording, which the text store keeps.
const (
	AmendmentProposed Name = "amendment.proposed"           // AmendmentProposedData
	CosponsorJoined   Name = "amendment.cosponsor-joined"   // CosponsorData
	CosponsorWithdrew Name = "amendment.cosponsor-withdrew" // CosponsorData
	AmendmentDecided  Name = "amendment.decided"            // AmendmentDecidedData
	PositionTaken     Name = "position.taken"               // PositionTakenData
	ParagraphMarked   Name = "paragraph.marked"             // ParagraphMarkedData
)

// TextEvents are the negotiated text's events. The store records them with
// each write, by the thousand in a round: observers follow them in the
// record, its feed and its event stream; they are not sent to subscribers
// as messages, as the workflows' events are.
var TextEvents = []Name{AmendmentProposed, CosponsorJoined, CosponsorWithdrew,
	AmendmentDecided, PositionTaken, ParagraphMarked}

// Actor is who made a change to the text, as each payload says it; a
// replay's simulated delegations are marked so.
type Actor struct {
	By        string `json:"by"`
	Role      string `json:"role"`
	Simulated bool   `json:"simulated,omitempty"`
}

// AmendmentProposedData is the payload of amendment.proposed.
type AmendmentProposedData struct {
	Actor
	Amendment   string             `json:"amendment"`
	Revision    int                `json:"revision"`
	Kind        text.AmendmentKind `json:"kind"`
	Paragraph   string             `json:"paragraph,omitempty"`
	Part        text.Part          `json:"part,omitempty"`
	Sponsor     string             `json:"sponsor"`
	CoSponsors  []string           `json:"coSponsors,omitempty"`
	Cites       []string           `json:"cites,omitempty"`
	TextSHA256  string             `json:"textSha256,omitempty"`  // of the text it proposes
	EditsSHA256 string             `json:"editsSha256,omitempty"` // of its edits' JSON
}

// CosponsorData is the payload of amendment.cosponsor-joined and
// amendment.cosponsor-withdrew.
type CosponsorData struct {
	Actor
	Amendment string `json:"amendment"`
	Party     string `json:"party"`
}

// AmendmentDecidedData is the payload of amendment.decided.
type AmendmentDecidedData struct {
	Actor
	Amendment  string       `json:"amendment"`
	Outcome    text.Outcome `json:"outcome"`
	Note       string       `json:"note,omitempty"`
	TextSHA256 string       `json:"textSha256,omitempty"` // of the wording it is merged into
}

// PositionTakenData is the payload of position.taken.
type PositionTakenData struct {
	Actor
	Amendment       string      `json:"amendment"`
	Party           string      `json:"party"`
	Stance          text.Stance `json:"stance"`
	StatementSHA256 string      `json:"statementSha256,omitempty"`
	// Replaces: the party's earlier position on the amendment no longer stands.
	Replaces bool `json:"replaces,omitempty"`
}

// ParagraphMarkedData is the payload of paragraph.marked.
type ParagraphMarkedData struct {
	Actor
	Revision  int         `json:"revision"`
	Paragraph string      `json:"paragraph"`
	Status    text.Status `json:"status"`
	Note      string      `json:"note,omitempty"`
}
