package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/compact-un/compact/store"
)

// LogDelivery inserts the attempt and updates its endpoint's health in one
// transaction. An error on our side leaves the health as it was.
func (db *DB) LogDelivery(ctx context.Context, d store.DeliveryAttempt) (store.Endpoint, error) {
	const op = "store.LogDelivery"
	if err := required(op, "key", d.Key, "channel", d.Channel, "recipient", d.Recipient); err != nil {
		return store.Endpoint{}, err
	}
	// A new endpoint starts with these; an existing one takes health.
	var failures, rejections int
	var since any
	var health string
	switch d.Status {
	case store.DeliverySent:
		health = `failures = 0, rejections = 0, failing_since = NULL`
	case store.DeliveryFailed, store.DeliveryRejected:
		failures, since = 1, stamp(d.At)
		if d.Status == store.DeliveryRejected {
			rejections = 1
		}
		health = `failures = endpoints.failures + 1, rejections = endpoints.rejections + excluded.rejections,
			failing_since = COALESCE(endpoints.failing_since, excluded.failing_since)`
	case store.DeliveryError, store.DeliverySkipped:
		health = `failures = endpoints.failures` // a no-op update, so that RETURNING has the row
	default:
		return store.Endpoint{}, invalid(op, "unknown delivery status %q", d.Status)
	}
	var e store.Endpoint
	err := db.inTx(ctx, op, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO deliveries (notification_key, channel, recipient, attempted_at, status, error)
			VALUES ($1, $2, $3, $4, $5, $6)`,
			d.Key, d.Channel, d.Recipient, stamp(d.At), d.Status, d.Error); err != nil {
			return err
		}
		var err error
		e, err = scanEndpoint(tx.QueryRowContext(ctx, `
			INSERT INTO endpoints (channel, recipient, failures, rejections, failing_since) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (channel, recipient) DO UPDATE SET `+health+`
			RETURNING `+endpointColumns,
			d.Channel, d.Recipient, failures, rejections, since))
		return err
	})
	return e, err
}

func (db *DB) Deliveries(ctx context.Context, key string) ([]store.DeliveryAttempt, error) {
	ds, err := queryAll(ctx, db.read, func(s scanner) (store.DeliveryAttempt, error) {
		var d store.DeliveryAttempt
		err := s.Scan(&d.Key, &d.Channel, &d.Recipient, scanStamp{&d.At}, &d.Status, &d.Error)
		return d, err
	}, `SELECT notification_key, channel, recipient, attempted_at, status, error FROM deliveries
		WHERE notification_key = $1 ORDER BY id`, key)
	return ds, db.fail("store.Deliveries", err)
}

const endpointColumns = `channel, recipient, language, secret, owner, failures, rejections, failing_since, disabled_at, disabled_reason`

func scanEndpoint(s scanner) (store.Endpoint, error) {
	var e store.Endpoint
	err := s.Scan(&e.Channel, &e.Recipient, &e.Language, &e.Secret, &e.Owner, &e.Failures, &e.Rejections,
		scanStamp{&e.FailingSince}, scanStamp{&e.DisabledAt}, &e.DisabledReason)
	return e, err
}

// PutEndpoint upserts an endpoint's settings with a clean health: an owner
// registering it again has mended it.
func (db *DB) PutEndpoint(ctx context.Context, e store.Endpoint) error {
	const op = "store.PutEndpoint"
	if err := required(op, "channel", e.Channel, "recipient", e.Recipient); err != nil {
		return err
	}
	_, err := db.write.ExecContext(ctx, `
		INSERT INTO endpoints (channel, recipient, language, secret, owner) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (channel, recipient) DO UPDATE SET
			language = excluded.language, secret = excluded.secret, owner = excluded.owner,
			failures = 0, rejections = 0, failing_since = NULL, disabled_at = NULL, disabled_reason = ''`,
		e.Channel, e.Recipient, e.Language, e.Secret, e.Owner)
	return db.fail(op, err)
}

func (db *DB) GetEndpoint(ctx context.Context, channel, recipient string) (store.Endpoint, error) {
	const op = "store.GetEndpoint"
	e, err := scanEndpoint(db.read.QueryRowContext(ctx,
		`SELECT `+endpointColumns+` FROM endpoints WHERE channel = $1 AND recipient = $2`, channel, recipient))
	if errors.Is(err, sql.ErrNoRows) {
		return e, notFound(op, "no %s endpoint %q", channel, recipient)
	}
	return e, db.fail(op, err)
}

// DisableEndpoint disables an endpoint once: the first time and reason
// stay, so that what follows from disabling (the owner's notice) can be
// keyed by them and repeated safely.
func (db *DB) DisableEndpoint(ctx context.Context, channel, recipient, reason string, at time.Time) (store.Endpoint, error) {
	const op = "store.DisableEndpoint"
	if err := required(op, "channel", channel, "recipient", recipient, "reason", reason); err != nil {
		return store.Endpoint{}, err
	}
	if at.IsZero() {
		return store.Endpoint{}, invalid(op, "time is required")
	}
	e, err := scanEndpoint(db.write.QueryRowContext(ctx, `
		INSERT INTO endpoints (channel, recipient, disabled_at, disabled_reason) VALUES ($1, $2, $3, $4)
		ON CONFLICT (channel, recipient) DO UPDATE SET
			disabled_at = COALESCE(endpoints.disabled_at, excluded.disabled_at),
			disabled_reason = CASE WHEN endpoints.disabled_at IS NULL THEN excluded.disabled_reason ELSE endpoints.disabled_reason END
		RETURNING `+endpointColumns,
		channel, recipient, stamp(at), reason))
	return e, db.fail(op, err)
}

// ProcessEndpoints lists the endpoints of a process's notifications.
func (db *DB) ProcessEndpoints(ctx context.Context, processID string) ([]store.Endpoint, error) {
	es, err := queryAll(ctx, db.read, scanEndpoint, `SELECT `+endpointColumns+` FROM endpoints
		WHERE (channel, recipient) IN (SELECT DISTINCT channel, recipient FROM outbox WHERE process_id = $1)
		ORDER BY channel, recipient`, processID)
	return es, db.fail("store.ProcessEndpoints", err)
}
