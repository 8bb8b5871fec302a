package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"

	"github.com/compact-un/compact/process"
)

// PutDocument stores a document version addressed by the hex SHA-256 of its
// paragraphs joined by newlines, which it fills in when d.SHA256 is empty.
// The same name and revision with the same hash returns the stored version.
func (db *DB) PutDocument(ctx context.Context, d process.DocumentVersion) (process.DocumentVersion, error) {
	const op = "store.PutDocument"
	if err := required(op, "process id", d.ProcessID, "name", d.Name); err != nil {
		return d, err
	}
	if d.Revision < 0 {
		return d, invalid(op, "revision %d is negative", d.Revision)
	}
	sum := sha256.Sum256([]byte(strings.Join(d.Paragraphs, "\n")))
	if d.SHA256 == "" {
		d.SHA256 = hex.EncodeToString(sum[:])
	} else if d.SHA256 != hex.EncodeToString(sum[:]) {
		return d, invalid(op, "sha256 %s is not the paragraphs' hash", d.SHA256)
	}
	paragraphs, err := json.Marshal(d.Paragraphs)
	if err != nil {
		return d, invalid(op, "paragraphs: %v", err)
	}
	var stored process.DocumentVersion
	err = db.inTx(ctx, op, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO documents (process_id, name, revision, stage_id, symbol, title, kind, paragraphs, sha256, issued_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			ON CONFLICT (process_id, name, revision) DO NOTHING`,
			d.ProcessID, d.Name, d.Revision, d.StageID, d.Symbol, d.Title, d.Kind, string(paragraphs), d.SHA256,
			stamp(d.IssuedAt)); err != nil {
			return err
		}
		stored, err = scanDocument(tx.QueryRowContext(ctx, `SELECT `+documentColumns+`
			FROM documents WHERE process_id = $1 AND name = $2 AND revision = $3`, d.ProcessID, d.Name, d.Revision))
		if err == nil && stored.SHA256 != d.SHA256 {
			return process.Errorf(op, process.Conflict, "%s revision %d is stored with other content", d.Name, d.Revision)
		}
		return err
	})
	return stored, err
}

const documentColumns = `process_id, stage_id, name, revision, symbol, title, kind, paragraphs, sha256, issued_at`

func scanDocument(s scanner) (process.DocumentVersion, error) {
	var d process.DocumentVersion
	var paragraphs string
	if err := s.Scan(&d.ProcessID, &d.StageID, &d.Name, &d.Revision, &d.Symbol, &d.Title, &d.Kind, &paragraphs,
		&d.SHA256, scanStamp{&d.IssuedAt}); err != nil {
		return d, err
	}
	return d, json.Unmarshal([]byte(paragraphs), &d.Paragraphs)
}

func (db *DB) GetDocument(ctx context.Context, processID, name string, revision int) (process.DocumentVersion, error) {
	const op = "store.GetDocument"
	d, err := scanDocument(db.read.QueryRowContext(ctx, `SELECT `+documentColumns+`
		FROM documents WHERE process_id = $1 AND name = $2 AND revision = $3`, processID, name, revision))
	if errors.Is(err, sql.ErrNoRows) {
		return d, notFound(op, "document %s revision %d of %s not found", name, revision, processID)
	}
	return d, db.fail(op, err)
}

// ListDocuments lists a process's documents by name and revision.
func (db *DB) ListDocuments(ctx context.Context, processID string) ([]process.DocumentVersion, error) {
	ds, err := queryAll(ctx, db.read, scanDocument, `SELECT `+documentColumns+`
		FROM documents WHERE process_id = $1 ORDER BY name, revision`, processID)
	return ds, db.fail("store.ListDocuments", err)
}

// AddAmendment stores an amendment; the same amendment again is a no-op, so
// that a retried activity proposes it once.
func (db *DB) AddAmendment(ctx context.Context, a process.Amendment) error {
	const op = "store.AddAmendment"
	if err := required(op, "process id", a.ProcessID, "stage id", a.StageID, "State", a.State); err != nil {
		return err
	}
	textSum := sha256.Sum256([]byte(a.Text))
	_, err := db.write.ExecContext(ctx, `
		INSERT INTO amendments (process_id, stage_id, state, revision, paragraph, text, text_sha256)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (process_id, stage_id, state, revision, paragraph, text_sha256) DO NOTHING`,
		a.ProcessID, a.StageID, a.State, a.Revision, a.Paragraph, a.Text, hex.EncodeToString(textSum[:]))
	return db.fail(op, err)
}

// ListAmendments lists a stage's amendments in the order they were added.
func (db *DB) ListAmendments(ctx context.Context, processID, stageID string) ([]process.Amendment, error) {
	as, err := queryAll(ctx, db.read, func(s scanner) (process.Amendment, error) {
		a := process.Amendment{ProcessID: processID, StageID: stageID}
		err := s.Scan(&a.State, &a.Revision, &a.Paragraph, &a.Text)
		return a, err
	}, `SELECT state, revision, paragraph, text FROM amendments WHERE process_id = $1 AND stage_id = $2 ORDER BY id`,
		processID, stageID)
	return as, db.fail("store.ListAmendments", err)
}
