package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/compact-un/compact/process"
)

// PutProcess creates or replaces a process. Its code must be unique among
// processes: tracking numbers start with it and name a contribution alone.
func (db *DB) PutProcess(ctx context.Context, p process.Process) error {
	return db.writeProcess(ctx, "store.PutProcess", p, "")
}

// ReserveProcess writes a starting process's row unless one past starting
// holds its ID.
func (db *DB) ReserveProcess(ctx context.Context, p process.Process) error {
	p.Status = process.ProcessStarting
	return db.writeProcess(ctx, "store.ReserveProcess", p, process.ProcessStarting)
}

// writeProcess inserts p or replaces its row; with onlyIf set, only a row
// whose status is onlyIf is replaced, and another is a Conflict.
func (db *DB) writeProcess(ctx context.Context, op string, p process.Process, onlyIf string) error {
	if err := required(op, "id", p.ID, "code", p.Code); err != nil {
		return err
	}
	return db.inTx(ctx, op, func(tx *sql.Tx) error {
		var other string
		err := tx.QueryRowContext(ctx, `SELECT id FROM processes WHERE code = $1 AND id <> $2`, p.Code, p.ID).Scan(&other)
		if err == nil {
			return process.Errorf(op, process.Conflict, "code %q is process %q's", p.Code, other)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		res, err := tx.ExecContext(ctx, `
			INSERT INTO processes (id, template_id, title, code, phase, status, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (id) DO UPDATE SET
				template_id = excluded.template_id, title = excluded.title, code = excluded.code,
				phase = excluded.phase, status = excluded.status, created_at = excluded.created_at
			WHERE $8 = '' OR processes.status = $8`,
			p.ID, p.TemplateID, p.Title, p.Code, p.Phase, p.Status, stamp(p.CreatedAt), onlyIf)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return cmp.Or(err, process.Errorf(op, process.Conflict, "process %q exists already", p.ID))
		}
		return nil
	})
}

const processColumns = `id, template_id, title, code, phase, status, created_at`

func scanProcess(s scanner) (process.Process, error) {
	var p process.Process
	err := s.Scan(&p.ID, &p.TemplateID, &p.Title, &p.Code, &p.Phase, &p.Status, scanStamp{&p.CreatedAt})
	return p, err
}

func (db *DB) GetProcess(ctx context.Context, id string) (process.Process, error) {
	const op = "store.GetProcess"
	p, err := scanProcess(db.read.QueryRowContext(ctx, `SELECT `+processColumns+` FROM processes WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, notFound(op, "process %q not found", id)
	}
	return p, db.fail(op, err)
}

func (db *DB) ListProcesses(ctx context.Context) ([]process.Process, error) {
	ps, err := queryAll(ctx, db.read, scanProcess, `SELECT `+processColumns+` FROM processes ORDER BY created_at, id`)
	return ps, db.fail("store.ListProcesses", err)
}

// PutStages upserts the stages in one transaction; their processes must
// exist.
func (db *DB) PutStages(ctx context.Context, stages []process.Stage) error {
	const op = "store.PutStages"
	for _, s := range stages {
		if err := required(op, "process id", s.ProcessID, "stage id", s.Spec.ID); err != nil {
			return err
		}
	}
	return db.inTx(ctx, op, func(tx *sql.Tx) error {
		for _, s := range stages {
			if err := processExists(ctx, tx, op, s.ProcessID); err != nil {
				return err
			}
			spec, err := json.Marshal(s.Spec)
			if err != nil {
				return invalid(op, "stage %q: %v", s.Spec.ID, err)
			}
			if _, err := tx.ExecContext(ctx, `
				INSERT INTO stages (process_id, stage_id, phase, seq, spec, status, moved)
				VALUES ($1, $2, $3, $4, $5, $6, $7)
				ON CONFLICT (process_id, stage_id) DO UPDATE SET
					phase = excluded.phase, seq = excluded.seq, spec = excluded.spec,
					status = excluded.status, moved = excluded.moved`,
				s.ProcessID, s.Spec.ID, s.Phase, s.Seq, string(spec), string(s.Status), s.Moved); err != nil {
				return err
			}
		}
		return nil
	})
}

func (db *DB) ListStages(ctx context.Context, processID string) ([]process.Stage, error) {
	stages, err := queryAll(ctx, db.read, scanStage, `SELECT `+stageColumns+` FROM stages
		WHERE process_id = $1 ORDER BY seq, stage_id`, processID)
	return stages, db.fail("store.ListStages", err)
}

func (db *DB) AllStages(ctx context.Context) ([]process.Stage, error) {
	stages, err := queryAll(ctx, db.read, scanStage, `SELECT `+stageColumns+` FROM stages
		ORDER BY process_id, seq, stage_id`)
	return stages, db.fail("store.AllStages", err)
}

const stageColumns = `process_id, phase, seq, spec, status, moved`

func scanStage(s scanner) (process.Stage, error) {
	var st process.Stage
	var spec string
	if err := s.Scan(&st.ProcessID, &st.Phase, &st.Seq, &spec, &st.Status, &st.Moved); err != nil {
		return st, err
	}
	return st, json.Unmarshal([]byte(spec), &st.Spec)
}

// processExists returns NotFound unless the process is stored.
func processExists(ctx context.Context, q querier, op, id string) error {
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM processes WHERE id = $1`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound(op, "process %q not found", id)
	}
	return err
}
