package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/compact-un/compact/event"
	"github.com/compact-un/compact/internal/lang"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/text"
)

// Every write to a process's negotiated text holds the process's text lock,
// so that "the latest revision" cannot change under a write that checked it.
func textLock(processID string) string { return "text/" + processID }

// PutRevision stores a revision after the latest, or issues a stored draft.
func (db *DB) PutRevision(ctx context.Context, r store.Revision) (store.Revision, error) {
	const op = "store.PutRevision"
	if err := validateRevision(op, r); err != nil {
		return r, err
	}
	r.SHA256 = contentHash(struct {
		Paragraphs       []text.Paragraph
		Symbol, Language string
		Sources          []text.Source
	}{r.Paragraphs, r.Symbol, r.Language, r.Sources})
	err := db.inTx(ctx, op, func(tx *sql.Tx) error {
		if err := db.lock(ctx, tx, textLock(r.ProcessID)); err != nil {
			return err
		}
		var sum string
		var issued time.Time
		err := tx.QueryRowContext(ctx, `SELECT sha256, issued_at FROM text_revisions WHERE process_id = $1 AND number = $2`,
			r.ProcessID, r.Number).Scan(&sum, scanStamp{&issued})
		switch {
		case err == nil && sum != r.SHA256:
			return process.Errorf(op, process.Conflict, "revision %d of %s is stored with other content", r.Number, r.ProcessID)
		case err == nil && (!issued.IsZero() || r.IssuedAt.IsZero()):
			r.IssuedAt = issued
			return nil
		case err == nil:
			r.IssuedAt = r.IssuedAt.UTC()
			_, err = tx.ExecContext(ctx, `UPDATE text_revisions SET issued_at = $1 WHERE process_id = $2 AND number = $3`,
				stamp(r.IssuedAt), r.ProcessID, r.Number)
			return err
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if err := db.checkNewRevision(ctx, tx, op, r); err != nil {
			return err
		}
		r.IssuedAt = r.IssuedAt.UTC()
		return insertRevision(ctx, tx, r)
	})
	return r, err
}

func validateRevision(op string, r store.Revision) error {
	if err := required(op, "process id", r.ProcessID); err != nil {
		return err
	}
	switch {
	case r.Number < 0:
		return invalid(op, "revision %d is negative", r.Number)
	case !slices.Contains(lang.All, r.Language):
		return invalid(op, "language %q: want one of %v", r.Language, lang.All)
	case len(r.Paragraphs) == 0:
		return invalid(op, "revision %d has no paragraphs", r.Number)
	case len(r.Paragraphs) > text.MaxParagraphs:
		return process.Errorf(op, process.TooLarge, "revision %d has %d paragraphs: at most %d", r.Number, len(r.Paragraphs), text.MaxParagraphs)
	}
	ids := make(map[string]bool, len(r.Paragraphs))
	for i, p := range r.Paragraphs {
		switch {
		case p.ID == "" || ids[p.ID]:
			return invalid(op, "paragraph %d: its ID %q is empty or repeated", i+1, p.ID)
		case p.Part != text.Title && p.Part != text.Preamble && p.Part != text.Operative && p.Part != text.Heading:
			return invalid(op, "paragraph %s: part %q is not title, preamble, operative or heading", p.ID, p.Part)
		case p.Level != 0 && p.Level != 1:
			return invalid(op, "paragraph %s: level %d is not 0 or 1", p.ID, p.Level)
		}
		ids[p.ID] = true
	}
	seen := map[string]bool{}
	for _, s := range r.Sources {
		switch {
		case seen[s.ID]:
			return invalid(op, "paragraph %s has two sources", s.ID)
		case s.Change != text.Edited && s.Change != text.Added && s.Change != text.Removed:
			return invalid(op, "paragraph %s: change %q is not edited, added or removed", s.ID, s.Change)
		case s.Change != text.Removed && !ids[s.ID]:
			return invalid(op, "paragraph %s is %s but not in revision %d", s.ID, s.Change, r.Number)
		case s.Change == text.Removed && ids[s.ID]:
			return invalid(op, "paragraph %s is removed but still in revision %d", s.ID, r.Number)
		}
		seen[s.ID] = true
	}
	return nil
}

// checkNewRevision checks that r follows the latest revision and that what
// its sources name exists: removed paragraphs and amendments in the
// revision before, contributions to the process.
func (db *DB) checkNewRevision(ctx context.Context, tx *sql.Tx, op string, r store.Revision) error {
	var processes, latest int
	if err := tx.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM processes WHERE id = $1),
		COALESCE((SELECT MAX(number) FROM text_revisions WHERE process_id = $1), -1)`, r.ProcessID).Scan(&processes, &latest); err != nil {
		return err
	}
	switch {
	case processes == 0:
		return notFound(op, "process %s not found", r.ProcessID)
	case r.Number != latest+1:
		return process.Errorf(op, process.Conflict, "revision %d of %s: the draft is at revision %d, so the next is %d",
			r.Number, r.ProcessID, latest, latest+1)
	}
	for _, s := range r.Sources {
		if s.Change == text.Removed {
			if err := exists(ctx, tx, invalid(op, "paragraph %s is removed but was not in revision %d", s.ID, r.Number-1),
				`SELECT 1 FROM text_paragraphs WHERE process_id = $1 AND revision = $2 AND paragraph_id = $3`,
				r.ProcessID, r.Number-1, s.ID); err != nil {
				return err
			}
		}
		for _, a := range s.Amendments {
			if err := exists(ctx, tx, invalid(op, "paragraph %s: amendment %s is not on revision %d", s.ID, a, r.Number-1),
				`SELECT 1 FROM text_amendments WHERE process_id = $1 AND revision = $2 AND amendment_id = $3`,
				r.ProcessID, r.Number-1, a); err != nil {
				return err
			}
		}
		if err := contributionsExist(ctx, tx, op, r.ProcessID, s.Contributions); err != nil {
			return err
		}
	}
	return nil
}

// exists returns missing unless query finds a row.
func exists(ctx context.Context, q querier, missing error, query string, args ...any) error {
	var one int
	err := q.QueryRowContext(ctx, query, args...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return missing
	}
	return err
}

func contributionsExist(ctx context.Context, q querier, op, processID string, trackings []string) error {
	for _, t := range trackings {
		if err := exists(ctx, q, invalid(op, "%s is not a contribution to %s", t, processID),
			`SELECT 1 FROM contributions WHERE tracking = $1 AND process_id = $2`, t, processID); err != nil {
			return err
		}
	}
	return nil
}

func insertRevision(ctx context.Context, tx *sql.Tx, r store.Revision) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO text_revisions (process_id, number, symbol, language, sha256, issued_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, r.ProcessID, r.Number, r.Symbol, r.Language, r.SHA256, nullStamp(r.IssuedAt)); err != nil {
		return err
	}
	para, err := tx.PrepareContext(ctx, `INSERT INTO text_paragraphs (process_id, revision, position, paragraph_id, num, part, level, text)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`)
	if err != nil {
		return err
	}
	defer para.Close()
	for i, p := range r.Paragraphs {
		if _, err := para.ExecContext(ctx, r.ProcessID, r.Number, i, p.ID, p.Num, p.Part, p.Level, p.Text); err != nil {
			return err
		}
	}
	for i, s := range r.Sources {
		if _, err := tx.ExecContext(ctx, `INSERT INTO text_changes (process_id, revision, paragraph_id, seq, change, amendments, contributions)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, r.ProcessID, r.Number, s.ID, i, s.Change, jsonList(s.Amendments), jsonList(s.Contributions)); err != nil {
			return err
		}
		for _, c := range s.Contributions {
			if _, err := tx.ExecContext(ctx, `INSERT INTO text_change_contributions (tracking, process_id, revision, paragraph_id)
				VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, c, r.ProcessID, r.Number, s.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// contentHash is the hex SHA-256 of v's JSON, to tell a retry from other
// content under the same key.
func contentHash(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only plain structs of strings and numbers are hashed
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// jsonList is a list as a JSON array, [] when empty.
func jsonList[T any](list []T) string {
	if len(list) == 0 {
		return "[]"
	}
	b, err := json.Marshal(list)
	if err != nil {
		panic(err) // lists of strings and plain structs
	}
	return string(b)
}

// scanJSON scans a JSON column into *v; an empty list leaves it nil.
type scanJSON struct{ v any }

func (s scanJSON) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case string:
		b = []byte(v)
	case []byte:
		b = v
	default:
		return errors.New("JSON column is not text")
	}
	if string(b) == "[]" {
		return nil
	}
	return json.Unmarshal(b, s.v)
}

// LatestRevision is the number of the process's latest revision.
func (db *DB) LatestRevision(ctx context.Context, processID string) (int, error) {
	const op = "store.LatestRevision"
	var latest sql.NullInt64
	if err := db.read.QueryRowContext(ctx, `SELECT MAX(number) FROM text_revisions WHERE process_id = $1`, processID).Scan(&latest); err != nil {
		return 0, db.fail(op, err)
	}
	if !latest.Valid {
		return 0, notFound(op, "%s has no revision of its text", processID)
	}
	return int(latest.Int64), nil
}

// GetRevision returns a revision with its paragraphs and sources.
func (db *DB) RevisionHeads(ctx context.Context, processID string) ([]store.RevisionHead, error) {
	heads, err := queryAll(ctx, db.read, func(s scanner) (h store.RevisionHead, err error) {
		err = s.Scan(&h.Number, scanStamp{&h.IssuedAt})
		return h, err
	}, `SELECT number, issued_at FROM text_revisions WHERE process_id = $1 ORDER BY number`, processID)
	return heads, db.fail("store.RevisionHeads", err)
}

func (db *DB) GetRevision(ctx context.Context, processID string, number int) (store.Revision, error) {
	const op = "store.GetRevision"
	var r store.Revision
	err := db.inReadTx(ctx, op, func(tx *sql.Tx) (err error) {
		r, err = readRevision(ctx, tx, op, processID, number)
		return err
	})
	return r, err
}

func readRevision(ctx context.Context, q querier, op, processID string, number int) (store.Revision, error) {
	r := store.Revision{ProcessID: processID, Revision: text.Revision{Number: number}}
	err := q.QueryRowContext(ctx, `SELECT symbol, language, sha256, issued_at FROM text_revisions
		WHERE process_id = $1 AND number = $2`, processID, number).Scan(&r.Symbol, &r.Language, &r.SHA256, scanStamp{&r.IssuedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return r, notFound(op, "revision %d of %s not found", number, processID)
	}
	if err != nil {
		return r, err
	}
	if r.Paragraphs, err = queryAll(ctx, q, func(s scanner) (p text.Paragraph, err error) {
		err = s.Scan(&p.ID, &p.Num, &p.Part, &p.Level, &p.Text)
		return p, err
	}, `SELECT paragraph_id, num, part, level, text FROM text_paragraphs
		WHERE process_id = $1 AND revision = $2 ORDER BY position`, processID, number); err != nil {
		return r, err
	}
	r.Sources, err = queryAll(ctx, q, func(s scanner) (c text.Source, err error) {
		err = s.Scan(&c.ID, &c.Change, scanJSON{&c.Amendments}, scanJSON{&c.Contributions})
		return c, err
	}, `SELECT paragraph_id, change, amendments, contributions FROM text_changes
		WHERE process_id = $1 AND revision = $2 ORDER BY seq`, processID, number)
	if len(r.Sources) == 0 {
		r.Sources = nil
	}
	return r, err
}

// onLatest returns NotFound when the process has no revision number and
// Conflict when a later one supersedes it.
func onLatest(ctx context.Context, q querier, op, processID string, number int) error {
	var latest sql.NullInt64
	if err := q.QueryRowContext(ctx, `SELECT MAX(number) FROM text_revisions WHERE process_id = $1`, processID).Scan(&latest); err != nil {
		return err
	}
	switch {
	case !latest.Valid || int64(number) > latest.Int64 || number < 0:
		return notFound(op, "revision %d of %s not found", number, processID)
	case int64(number) < latest.Int64:
		return process.Errorf(op, process.Conflict, "revision %d of %s is superseded by revision %d", number, processID, latest.Int64)
	}
	return nil
}

// recordText appends a text event to the process's record in tx, with
// payload as its data. An event that happens once per subject is keyed by
// it; any other is keyed by its place in the chain too, since its writer
// records it only when it changes something.
func (db *DB) recordText(ctx context.Context, tx execer, processID string, act store.Act, name event.Name, subject string, once bool,
	payload any) error {
	data, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	ev := process.RecordEvent{ProcessID: processID, Key: string(name) + "/" + subject, StageID: act.StageID, Event: string(name),
		At: act.At, Data: string(data)}
	var keyAt func(int64) string
	if !once {
		keyAt = func(seq int64) string { return fmt.Sprintf("%s/%s@%d", name, subject, seq) }
	}
	_, err = db.appendTx(ctx, tx, ev, keyAt)
	return err
}

func validateAct(op string, act store.Act) error {
	if act.At.IsZero() {
		return invalid(op, "the act has no time")
	}
	return required(op, "acting party", act.By)
}

// sha256Hex is the hex SHA-256 of s, or empty for an empty s.
func sha256Hex(s string) string {
	if s == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// ProposeAmendment stores an amendment on the latest revision.
func (db *DB) ProposeAmendment(ctx context.Context, processID string, a text.Amendment, act store.Act) (store.Amendment, error) {
	const op = "store.ProposeAmendment"
	if err := required(op, "process id", processID, "amendment id", a.ID, "sponsor", a.Sponsor, "kind", string(a.Kind)); err != nil {
		return store.Amendment{}, err
	}
	if err := validateAct(op, act); err != nil {
		return store.Amendment{}, err
	}
	sum := contentHash(a)
	var stored store.Amendment
	err := db.inTextTx(ctx, op, processID, func(ctx context.Context, tx execer) error {
		if err := db.lock(ctx, tx, textLock(processID)); err != nil {
			return err
		}
		var err error
		var storedSum string
		stored, storedSum, err = readAmendment(ctx, tx, op, processID, a.ID)
		switch {
		case err == nil && storedSum != sum:
			return process.Errorf(op, process.Conflict, "amendment %s is stored with other content", a.ID)
		case err == nil:
			return nil
		case process.KindOf(err) != process.NotFound:
			return err
		}
		if err := onLatest(ctx, tx, op, processID, a.Revision); err != nil {
			return err
		}
		if a.Kind != text.NewParagraph {
			if err := exists(ctx, tx, invalid(op, "amendment %s: paragraph %q is not in revision %d", a.ID, a.Paragraph, a.Revision),
				`SELECT 1 FROM text_paragraphs WHERE process_id = $1 AND revision = $2 AND paragraph_id = $3`,
				processID, a.Revision, a.Paragraph); err != nil {
				return err
			}
		}
		if err := contributionsExist(ctx, tx, op, processID, a.Cites); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO text_amendments (process_id, amendment_id, revision, kind, paragraph_id,
				part, text, edits, sponsor, cites, sha256, proposed_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			processID, a.ID, a.Revision, a.Kind, a.Paragraph, a.Part, a.Text, jsonList(a.Edits), a.Sponsor, jsonList(a.Cites),
			sum, stamp(act.At)); err != nil {
			return err
		}
		for _, c := range a.CoSponsors {
			if err := setCosponsor(ctx, tx, processID, a.ID, c, true); err != nil {
				return err
			}
		}
		var edits string
		if len(a.Edits) > 0 {
			edits = sha256Hex(jsonList(a.Edits))
		}
		if err := db.recordText(ctx, tx, processID, act, event.AmendmentProposed, a.ID, true, event.AmendmentProposedData{
			Actor: act.Actor(), Amendment: a.ID, Revision: a.Revision, Kind: a.Kind, Paragraph: a.Paragraph, Part: a.Part,
			Sponsor: a.Sponsor, CoSponsors: a.CoSponsors, Cites: a.Cites, TextSHA256: sha256Hex(a.Text), EditsSHA256: edits,
		}); err != nil {
			return err
		}
		stored, _, err = readAmendment(ctx, tx, op, processID, a.ID)
		return err
	})
	return stored, err
}

func setCosponsor(ctx context.Context, tx execer, processID, amendmentID, party string, joins bool) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO text_cosponsors (process_id, amendment_id, party, withdrawn) VALUES ($1, $2, $3, $4)
		ON CONFLICT (process_id, amendment_id, party) DO UPDATE SET withdrawn = excluded.withdrawn`,
		processID, amendmentID, party, !joins)
	return err
}

const amendmentColumns = `amendment_id, revision, kind, paragraph_id, part, text, edits, sponsor, cites, sha256,
	outcome, note, merged_text, proposed_at`

// scanAmendment scans amendmentColumns; the co-sponsors are read apart.
func scanAmendment(s scanner) (a store.Amendment, sum string, err error) {
	err = s.Scan(&a.ID, &a.Revision, &a.Kind, &a.Paragraph, &a.Part, &a.Text, scanJSON{&a.Edits}, &a.Sponsor,
		scanJSON{&a.Cites}, &sum, &a.Decision.Outcome, &a.Decision.Note, &a.Decision.Text, scanStamp{&a.ProposedAt})
	return a, sum, err
}

// readAmendment reads an amendment with its co-sponsors and the hash of its
// proposal.
func readAmendment(ctx context.Context, q querier, op, processID, id string) (store.Amendment, string, error) {
	a, sum, err := scanAmendment(q.QueryRowContext(ctx, `SELECT `+amendmentColumns+` FROM text_amendments
		WHERE process_id = $1 AND amendment_id = $2`, processID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, "", notFound(op, "amendment %s of %s not found", id, processID)
	}
	if err != nil {
		return a, "", err
	}
	as := []store.Amendment{a}
	err = readCosponsors(ctx, q, processID, as, `amendment_id = $2`, id)
	return as[0], sum, err
}

// readCosponsors fills in the co-sponsors of as, whose rows where selects
// (with $1 the process).
func readCosponsors(ctx context.Context, q querier, processID string, as []store.Amendment, where string, args ...any) error {
	at := make(map[string]*store.Amendment, len(as))
	for i := range as {
		at[as[i].ID] = &as[i]
	}
	rows, err := q.QueryContext(ctx, `SELECT amendment_id, party, withdrawn FROM text_cosponsors
		WHERE process_id = $1 AND `+where+` ORDER BY id`, append([]any{processID}, args...)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, party string
		var withdrawn bool
		if err := rows.Scan(&id, &party, &withdrawn); err != nil {
			return err
		}
		if a := at[id]; a == nil {
			continue
		} else if withdrawn {
			a.Withdrawn = append(a.Withdrawn, party)
		} else {
			a.CoSponsors = append(a.CoSponsors, party)
		}
	}
	return rows.Err()
}

// changeAmendment runs change on an amendment of the latest revision under
// the process's text lock and returns the amendment as it then stands.
func (db *DB) changeAmendment(ctx context.Context, op, processID, id string, act store.Act,
	change func(ctx context.Context, tx execer, a store.Amendment) error) (store.Amendment, error) {
	var a store.Amendment
	if err := validateAct(op, act); err != nil {
		return a, err
	}
	err := db.inTextTx(ctx, op, processID, func(ctx context.Context, tx execer) error {
		if err := db.lock(ctx, tx, textLock(processID)); err != nil {
			return err
		}
		var err error
		if a, _, err = readAmendment(ctx, tx, op, processID, id); err != nil {
			return err
		}
		if err := onLatest(ctx, tx, op, processID, a.Revision); err != nil {
			return err
		}
		if err := change(ctx, tx, a); err != nil {
			return err
		}
		a, _, err = readAmendment(ctx, tx, op, processID, id)
		return err
	})
	return a, err
}

// Cosponsor adds or withdraws a co-sponsor.
func (db *DB) Cosponsor(ctx context.Context, processID, amendmentID, party string, joins bool, act store.Act) (store.Amendment, error) {
	const op = "store.Cosponsor"
	if err := required(op, "party", party); err != nil {
		return store.Amendment{}, err
	}
	return db.changeAmendment(ctx, op, processID, amendmentID, act, func(ctx context.Context, tx execer, a store.Amendment) error {
		switch {
		case party == a.Sponsor:
			return invalid(op, "%s sponsors amendment %s", party, a.ID)
		case !joins && !slices.Contains(a.CoSponsors, party) && !slices.Contains(a.Withdrawn, party):
			return invalid(op, "%s does not co-sponsor amendment %s", party, a.ID)
		case joins && slices.Contains(a.CoSponsors, party), !joins && slices.Contains(a.Withdrawn, party):
			return nil
		}
		if err := setCosponsor(ctx, tx, processID, a.ID, party, joins); err != nil {
			return err
		}
		name := event.CosponsorJoined
		if !joins {
			name = event.CosponsorWithdrew
		}
		return db.recordText(ctx, tx, processID, act, name, a.ID+"/"+party, false,
			event.CosponsorData{Actor: act.Actor(), Amendment: a.ID, Party: party})
	})
}

// DecideAmendment records the co-facilitators' decision.
func (db *DB) DecideAmendment(ctx context.Context, processID, amendmentID string, d text.Decision, act store.Act) (store.Amendment, error) {
	const op = "store.DecideAmendment"
	switch {
	case d.Outcome != text.Pending && d.Outcome != text.Incorporated && d.Outcome != text.Merged && d.Outcome != text.NotRetained:
		return store.Amendment{}, invalid(op, "outcome %q: incorporated, merged or not-retained", d.Outcome)
	case (d.Outcome == text.Merged) != (d.Text != ""):
		return store.Amendment{}, invalid(op, "a merged amendment, and only one, carries the wording it is merged into")
	}
	return db.changeAmendment(ctx, op, processID, amendmentID, act, func(ctx context.Context, tx execer, a store.Amendment) error {
		if a.Decision == d {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE text_amendments SET outcome = $1, note = $2, merged_text = $3
			WHERE process_id = $4 AND amendment_id = $5`, d.Outcome, d.Note, d.Text, processID, a.ID); err != nil {
			return err
		}
		return db.recordText(ctx, tx, processID, act, event.AmendmentDecided, a.ID, false, event.AmendmentDecidedData{
			Actor: act.Actor(), Amendment: a.ID, Outcome: d.Outcome, Note: d.Note, TextSHA256: sha256Hex(d.Text)})
	})
}

// TakePositions stores positions in one transaction.
func (db *DB) TakePositions(ctx context.Context, processID string, ps []text.Position, act store.Act) ([]store.PositionTaken, error) {
	const op = "store.TakePositions"
	if err := validateAct(op, act); err != nil {
		return nil, err
	}
	for i, p := range ps {
		switch {
		case p.Party == "" || p.Amendment == "":
			return nil, invalid(op, "position %d names no party or no amendment", i+1)
		case p.Stance != text.Support && p.Stance != text.Oppose && p.Stance != text.Reservation:
			return nil, invalid(op, "position %d: stance %q: support, oppose or reservation", i+1, p.Stance)
		}
	}
	taken := make([]store.PositionTaken, len(ps))
	err := db.inTextTx(ctx, op, processID, func(ctx context.Context, tx execer) error {
		if err := db.lock(ctx, tx, textLock(processID)); err != nil {
			return err
		}
		open := map[string]bool{} // amendments checked open to positions
		for i, p := range ps {
			if !open[p.Amendment] {
				a, _, err := readAmendment(ctx, tx, op, processID, p.Amendment)
				if err != nil {
					return err
				}
				if err := onLatest(ctx, tx, op, processID, a.Revision); err != nil {
					return err
				}
				if a.Decision.Outcome != text.Pending {
					return process.Errorf(op, process.Conflict, "amendment %s is decided (%s): positions on it are closed", a.ID, a.Decision.Outcome)
				}
				open[p.Amendment] = true
			}
			var changed bool
			var err error
			if taken[i], changed, err = takePosition(ctx, tx, processID, p); err != nil || !changed {
				return err
			}
			if err := db.recordText(ctx, tx, processID, act, event.PositionTaken, p.Amendment+"/"+p.Party, false,
				event.PositionTakenData{Actor: act.Actor(), Amendment: p.Amendment, Party: p.Party, Stance: p.Stance,
					StatementSHA256: sha256Hex(p.Statement), Replaces: taken[i].Replaced}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return taken, nil
}

// takePosition stores p and says whether that changed anything.
func takePosition(ctx context.Context, tx execer, processID string, p text.Position) (store.PositionTaken, bool, error) {
	t := store.PositionTaken{Position: p}
	var stance text.Stance
	var statement string
	err := tx.QueryRowContext(ctx, `SELECT stance, statement, replaced FROM text_positions
		WHERE process_id = $1 AND amendment_id = $2 AND party = $3`, processID, p.Amendment, p.Party).Scan(&stance, &statement, &t.Replaced)
	switch {
	case err == nil && stance == p.Stance && statement == p.Statement:
		return t, false, nil // a retry: the outcome it had
	case err == nil:
		t.Replaced = true
		_, err = tx.ExecContext(ctx, `UPDATE text_positions SET stance = $1, statement = $2, replaced = $3
			WHERE process_id = $4 AND amendment_id = $5 AND party = $6`, p.Stance, p.Statement, true, processID, p.Amendment, p.Party)
	case errors.Is(err, sql.ErrNoRows):
		_, err = tx.ExecContext(ctx, `INSERT INTO text_positions (process_id, amendment_id, party, stance, statement, replaced)
			VALUES ($1, $2, $3, $4, $5, $6)`, processID, p.Amendment, p.Party, p.Stance, p.Statement, false)
	}
	return t, true, err
}

// MarkParagraph marks a paragraph of the latest revision.
func (db *DB) MarkParagraph(ctx context.Context, processID string, revision int, m store.ParagraphMark, act store.Act) error {
	const op = "store.MarkParagraph"
	if m.Status != text.Open && m.Status != text.AgreedAdRef && m.Status != text.Agreed {
		return invalid(op, "status %q: open, agreed-ad-ref or agreed", m.Status)
	}
	if err := validateAct(op, act); err != nil {
		return err
	}
	return db.inTextTx(ctx, op, processID, func(ctx context.Context, tx execer) error {
		if err := db.lock(ctx, tx, textLock(processID)); err != nil {
			return err
		}
		if err := onLatest(ctx, tx, op, processID, revision); err != nil {
			return err
		}
		if err := exists(ctx, tx, notFound(op, "paragraph %q is not in revision %d", m.Paragraph, revision),
			`SELECT 1 FROM text_paragraphs WHERE process_id = $1 AND revision = $2 AND paragraph_id = $3`,
			processID, revision, m.Paragraph); err != nil {
			return err
		}
		var was store.ParagraphMark
		err := tx.QueryRowContext(ctx, `SELECT paragraph_id, status, note FROM text_marks
			WHERE process_id = $1 AND revision = $2 AND paragraph_id = $3`, processID, revision, m.Paragraph).Scan(&was.Paragraph, &was.Status, &was.Note)
		switch {
		case err == nil && was == m:
			return nil
		case err != nil && !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO text_marks (process_id, revision, paragraph_id, status, note)
			VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (process_id, revision, paragraph_id) DO UPDATE SET status = excluded.status, note = excluded.note`,
			processID, revision, m.Paragraph, m.Status, m.Note); err != nil {
			return err
		}
		return db.recordText(ctx, tx, processID, act, event.ParagraphMarked, fmt.Sprintf("%d/%s", revision, m.Paragraph), false,
			event.ParagraphMarkedData{Actor: act.Actor(), Revision: revision, Paragraph: m.Paragraph, Status: m.Status, Note: m.Note})
	})
}

// Negotiation reads a revision with its amendments, positions and marks.
func (db *DB) Negotiation(ctx context.Context, processID string, revision int) (store.Negotiation, error) {
	const op = "store.Negotiation"
	var n store.Negotiation
	err := db.inReadTx(ctx, op, func(tx *sql.Tx) (err error) {
		if n.Revision, err = readRevision(ctx, tx, op, processID, revision); err != nil {
			return err
		}
		if n.Amendments, err = queryAll(ctx, tx, func(s scanner) (store.Amendment, error) {
			a, _, err := scanAmendment(s)
			return a, err
		}, `SELECT `+amendmentColumns+` FROM text_amendments WHERE process_id = $1 AND revision = $2 ORDER BY id`,
			processID, revision); err != nil {
			return err
		}
		if err := readCosponsors(ctx, tx, processID, n.Amendments, `amendment_id IN
			(SELECT amendment_id FROM text_amendments WHERE process_id = $1 AND revision = $2)`, revision); err != nil {
			return err
		}
		if n.Positions, err = queryAll(ctx, tx, func(s scanner) (p text.Position, err error) {
			err = s.Scan(&p.Party, &p.Amendment, &p.Stance, &p.Statement)
			return p, err
		}, `SELECT p.party, p.amendment_id, p.stance, p.statement FROM text_positions p
			JOIN text_amendments a ON a.process_id = p.process_id AND a.amendment_id = p.amendment_id
			WHERE p.process_id = $1 AND a.revision = $2 ORDER BY p.id`, processID, revision); err != nil {
			return err
		}
		n.Marks, err = queryAll(ctx, tx, func(s scanner) (m store.ParagraphMark, err error) {
			err = s.Scan(&m.Paragraph, &m.Status, &m.Note)
			return m, err
		}, `SELECT m.paragraph_id, m.status, m.note FROM text_marks m
			JOIN text_paragraphs p ON p.process_id = m.process_id AND p.revision = m.revision AND p.paragraph_id = m.paragraph_id
			WHERE m.process_id = $1 AND m.revision = $2 ORDER BY p.position`, processID, revision)
		return err
	})
	return n, err
}

// paragraphVersionColumns select a paragraph version from revs (its
// process, revision and paragraph ID) joined to the paragraph in that
// revision (p), in the one before (old) and to the change (c).
const paragraphVersionColumns = `revs.revision, revs.paragraph_id, COALESCE(p.num, old.num), COALESCE(p.part, old.part),
	COALESCE(p.level, old.level), COALESCE(p.text, old.text),
	COALESCE(c.change, ''), COALESCE(c.amendments, '[]'), COALESCE(c.contributions, '[]')`

const paragraphVersionJoins = `
	LEFT JOIN text_paragraphs p ON p.process_id = revs.process_id AND p.revision = revs.revision AND p.paragraph_id = revs.paragraph_id
	LEFT JOIN text_paragraphs old ON old.process_id = revs.process_id AND old.revision = revs.revision - 1
		AND old.paragraph_id = revs.paragraph_id
	LEFT JOIN text_changes c ON c.process_id = revs.process_id AND c.revision = revs.revision AND c.paragraph_id = revs.paragraph_id`

func scanParagraphVersion(s scanner) (v store.ParagraphVersion, err error) {
	p := &v.Paragraph
	err = s.Scan(&v.Revision, &p.ID, &p.Num, &p.Part, &p.Level, &p.Text, &v.Change, scanJSON{&v.Amendments}, scanJSON{&v.Contributions})
	return v, err
}

// ParagraphHistory is a paragraph through the revisions, in one query.
func (db *DB) ParagraphHistory(ctx context.Context, processID, paragraphID string) ([]store.ParagraphVersion, error) {
	const op = "store.ParagraphHistory"
	vs, err := queryAll(ctx, db.read, scanParagraphVersion, `
		WITH revs AS (
			SELECT process_id, revision, paragraph_id FROM text_paragraphs WHERE process_id = $1 AND paragraph_id = $2
			UNION
			SELECT process_id, revision, paragraph_id FROM text_changes WHERE process_id = $1 AND paragraph_id = $2)
		SELECT `+paragraphVersionColumns+` FROM revs`+paragraphVersionJoins+`
		ORDER BY revs.revision`, processID, paragraphID)
	if err == nil && len(vs) == 0 {
		return nil, notFound(op, "paragraph %s is in no revision of %s", paragraphID, processID)
	}
	return vs, db.fail(op, err)
}

// Informed lists the paragraph changes a contribution informed, in one
// query (and one more to tell an unknown contribution from one that
// informed nothing).
func (db *DB) Informed(ctx context.Context, tracking string) ([]store.ParagraphVersion, error) {
	const op = "store.Informed"
	vs, err := queryAll(ctx, db.read, scanParagraphVersion, `
		SELECT `+paragraphVersionColumns+` FROM text_change_contributions revs`+paragraphVersionJoins+`
		WHERE revs.tracking = $1 ORDER BY revs.revision, c.seq`, tracking)
	if err == nil && len(vs) == 0 {
		err = exists(ctx, db.read, notFound(op, "contribution %s not found", tracking),
			`SELECT 1 FROM contributions WHERE tracking = $1`, tracking)
	}
	return vs, db.fail(op, err)
}
