package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
)

const notificationColumns = `notification_key, event_key, process_id, event, recipient, channel, language, payload, state, mode, digest_key, failure, created_at`

func scanNotification(s scanner) (store.Notification, error) {
	var n store.Notification
	err := s.Scan(&n.Key, &n.EventKey, &n.ProcessID, &n.Event, &n.Recipient, &n.Channel, &n.Language, &n.Payload,
		&n.State, &n.Mode, &n.DigestKey, &n.Failure, scanStamp{&n.CreatedAt})
	return n, err
}

// Enqueue adds notifications in one transaction, skipping keys already
// queued. An empty state is pending, an empty event key the key up to its
// first "|", and a zero CreatedAt is now.
func (db *DB) Enqueue(ctx context.Context, ns []store.Notification) error {
	const op = "store.Enqueue"
	for _, n := range ns {
		if err := required(op, "key", n.Key, "process id", n.ProcessID, "recipient", n.Recipient, "channel", n.Channel); err != nil {
			return err
		}
	}
	db.quiet.forget(ns)
	now := time.Now()
	return db.inTx(ctx, op, func(tx *sql.Tx) error {
		for _, n := range ns {
			if err := insertNotification(ctx, tx, n, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// queueReceipt queues, in tx, a new contribution's receipt to its
// submitter's subscriptions to receipts: committed with the contribution,
// they are not lost to a crash after it.
func queueReceipt(ctx context.Context, tx *sql.Tx, s process.Submission, r process.Receipt, to []store.Subscription) error {
	if len(to) == 0 {
		return nil
	}
	// Created now, by the clock the sweep and the digests go by, whatever
	// time the submission was made at.
	ns, _, err := store.Fanout(to, store.ReceiptNotice(s, r), time.Now())
	if err != nil {
		return err
	}
	for _, n := range ns {
		if err := insertNotification(ctx, tx, n, n.CreatedAt); err != nil {
			return err
		}
	}
	return nil
}

// insertNotification inserts n unless its key is queued already.
func insertNotification(ctx context.Context, tx *sql.Tx, n store.Notification, now time.Time) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO outbox (`+notificationColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
		ON CONFLICT (notification_key) DO NOTHING`, withDefaults(n, now)...)
	return err
}

func withDefaults(n store.Notification, now time.Time) []any {
	if n.State == "" {
		n.State = store.NotificationPending
	}
	if n.EventKey == "" {
		n.EventKey, _, _ = strings.Cut(n.Key, "|")
	}
	if n.CreatedAt.IsZero() {
		n.CreatedAt = now
	}
	return []any{n.Key, n.EventKey, n.ProcessID, n.Event, n.Recipient, n.Channel, n.Language, n.Payload,
		n.State, n.Mode, n.DigestKey, n.Failure, stamp(n.CreatedAt)}
}

// ListOutbox lists notifications oldest first; an empty process ID or state
// matches all.
func (db *DB) ListOutbox(ctx context.Context, processID string, state string) ([]store.Notification, error) {
	ns, err := queryAll(ctx, db.read, scanNotification, `SELECT `+notificationColumns+` FROM outbox
		WHERE ($1 = '' OR process_id = $1) AND ($2 = '' OR state = $2)
		ORDER BY created_at, notification_key`, processID, state)
	return ns, db.fail("store.ListOutbox", err)
}

func (db *DB) GetNotification(ctx context.Context, key string) (store.Notification, error) {
	const op = "store.GetNotification"
	n, err := scanNotification(db.read.QueryRowContext(ctx,
		`SELECT `+notificationColumns+` FROM outbox WHERE notification_key = $1`, key))
	if errors.Is(err, sql.ErrNoRows) {
		return n, notFound(op, "notification %q not found", key)
	}
	return n, db.fail(op, err)
}

func (db *DB) PendingOf(ctx context.Context, eventKey, after string, limit int) ([]store.Notification, error) {
	ns, err := queryAll(ctx, db.read, scanNotification, `SELECT `+notificationColumns+` FROM outbox
		WHERE event_key = $1 AND state = 'pending' AND notification_key > $2
		ORDER BY notification_key LIMIT $3`, eventKey, after, pageSize(limit))
	return ns, db.fail("store.PendingOf", err)
}

// HasPending asks only for a yes or no: the intake asks it of every
// contribution, and for those stored with no receipt to queue the store
// knows the answer without reading (quietReceipts).
func (db *DB) HasPending(ctx context.Context, eventKey string) (bool, error) {
	if db.quiet.has(eventKey) {
		return false, nil
	}
	var pending bool
	err := db.readStmts.queryRow(ctx, db.read, `SELECT EXISTS (SELECT 1 FROM outbox WHERE event_key = $1 AND state = 'pending')`,
		eventKey).Scan(&pending)
	return pending, db.fail("store.HasPending", err)
}

func (db *DB) PendingEvents(ctx context.Context, f store.PendingFilter) ([]string, error) {
	const op = "store.PendingEvents"
	if len(f.Channels) == 0 {
		return []string{}, nil
	}
	args := []any{stamp(f.Before), f.After, pageSize(f.Limit)}
	in := make([]string, len(f.Channels))
	for i, c := range f.Channels {
		args = append(args, c)
		in[i] = "$" + strconv.Itoa(len(args))
	}
	keys, err := queryAll(ctx, db.read, func(s scanner) (string, error) {
		var k string
		return k, s.Scan(&k)
	}, `SELECT DISTINCT event_key FROM outbox
		WHERE state = 'pending' AND created_at < $1 AND event_key > $2 AND channel IN (`+strings.Join(in, ", ")+`)
		ORDER BY event_key LIMIT $3`, args...)
	return keys, db.fail(op, err)
}

func pageSize(limit int) int {
	if limit <= 0 {
		return 100
	}
	return limit
}

func (db *DB) MarkSent(ctx context.Context, key string) error {
	const op = "store.MarkSent"
	return db.updateOne(ctx, op, notFound(op, "notification %q not found", key),
		`UPDATE outbox SET state = 'sent' WHERE notification_key = $1`, key)
}

// MarkFailed marks a notification that is not sent failed, in one
// statement so that it cannot undo a concurrent MarkSent.
func (db *DB) MarkFailed(ctx context.Context, key, reason string) error {
	return db.finish(ctx, "store.MarkFailed", key, store.NotificationFailed, reason, store.NotificationSent)
}

func (db *DB) MarkSkipped(ctx context.Context, key, reason string) error {
	return db.finish(ctx, "store.MarkSkipped", key, store.NotificationSkipped, reason, store.NotificationSent, store.NotificationFailed)
}

// finish puts a notification in a final state with a reason unless it is
// in one of the states final already: Conflict then.
func (db *DB) finish(ctx context.Context, op, key, state, reason string, final ...string) error {
	args := []any{key, state, reason}
	notIn := make([]string, len(final))
	for i, f := range final {
		args = append(args, f)
		notIn[i] = "$" + strconv.Itoa(len(args))
	}
	res, err := db.write.ExecContext(ctx, `UPDATE outbox SET state = $2, failure = $3
		WHERE notification_key = $1 AND state NOT IN (`+strings.Join(notIn, ", ")+`)`, args...)
	if err != nil {
		return db.fail(op, err)
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return db.fail(op, err)
	}
	n, err := db.GetNotification(ctx, key)
	if err != nil {
		return err
	}
	return process.Errorf(op, process.Conflict, "notification %q is %s", key, n.State)
}

func (db *DB) HeldGroups(ctx context.Context, modes []string, before time.Time) ([]store.DigestGroup, error) {
	if len(modes) == 0 {
		return []store.DigestGroup{}, nil
	}
	args := []any{stamp(before)}
	in := make([]string, len(modes))
	for i, m := range modes {
		args = append(args, m)
		in[i] = "$" + strconv.Itoa(len(args))
	}
	gs, err := queryAll(ctx, db.read, func(s scanner) (store.DigestGroup, error) {
		var g store.DigestGroup
		return g, s.Scan(&g.ProcessID, &g.Recipient, &g.Channel, &g.Mode)
	}, `SELECT DISTINCT process_id, recipient, channel, mode FROM outbox
		WHERE state = 'held' AND created_at < $1 AND mode IN (`+strings.Join(in, ", ")+`)
		ORDER BY process_id, recipient, channel, mode`, args...)
	return gs, db.fail("store.HeldGroups", err)
}

func (db *DB) Held(ctx context.Context, g store.DigestGroup, before time.Time) ([]store.Notification, error) {
	ns, err := queryAll(ctx, db.read, scanNotification, `SELECT `+notificationColumns+` FROM outbox
		WHERE state = 'held' AND mode = $1 AND process_id = $2 AND recipient = $3 AND channel = $4 AND created_at < $5
		ORDER BY created_at, notification_key`, g.Mode, g.ProcessID, g.Recipient, g.Channel, stamp(before))
	return ns, db.fail("store.Held", err)
}

func (db *DB) PutDigest(ctx context.Context, digest store.Notification, items []string) (bool, error) {
	const op = "store.PutDigest"
	if err := required(op, "key", digest.Key, "process id", digest.ProcessID, "recipient", digest.Recipient, "channel", digest.Channel); err != nil {
		return false, err
	}
	var queued bool
	err := db.inTx(ctx, op, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `
			INSERT INTO outbox (`+notificationColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
			ON CONFLICT (notification_key) DO NOTHING`, withDefaults(digest, time.Now())...)
		if err != nil {
			return err
		}
		// A digest queued before carries what it carried: items held since
		// wait for the next one.
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		queued = true
		for _, key := range items {
			if _, err := tx.ExecContext(ctx, `UPDATE outbox SET state = 'digested', digest_key = $2
				WHERE notification_key = $1 AND state = 'held'`, key, digest.Key); err != nil {
				return err
			}
		}
		return nil
	})
	return queued, err
}

func (db *DB) NotificationStatuses(ctx context.Context, f store.NotificationFilter) ([]store.NotificationStatus, error) {
	ns, err := queryAll(ctx, db.read, func(s scanner) (store.NotificationStatus, error) {
		var n store.NotificationStatus
		err := s.Scan(&n.Key, &n.EventKey, &n.ProcessID, &n.Event, &n.Recipient, &n.Channel, &n.Language, &n.Payload,
			&n.State, &n.Mode, &n.DigestKey, &n.Failure, scanStamp{&n.CreatedAt},
			&n.Attempts, scanStamp{&n.LastAttemptAt}, &n.LastError)
		return n, err
	}, `SELECT `+notificationColumns+`,
			(SELECT COUNT(*) FROM deliveries d WHERE d.notification_key = o.notification_key),
			(SELECT MAX(d.attempted_at) FROM deliveries d WHERE d.notification_key = o.notification_key),
			COALESCE((SELECT d.error FROM deliveries d WHERE d.notification_key = o.notification_key AND d.error <> ''
				ORDER BY d.id DESC LIMIT 1), '')
		FROM outbox o
		WHERE o.process_id = $1 AND ($2 = '' OR o.state = $2) AND o.notification_key > $3
		ORDER BY o.notification_key LIMIT $4`, f.ProcessID, f.State, f.After, pageSize(f.Limit))
	return ns, db.fail("store.NotificationStatuses", err)
}

func (db *DB) CountNotifications(ctx context.Context, processID string) (map[string]int, error) {
	counts := map[string]int{}
	rows, err := db.read.QueryContext(ctx, `SELECT state, COUNT(*) FROM outbox WHERE process_id = $1 GROUP BY state`, processID)
	if err != nil {
		return nil, db.fail("store.CountNotifications", err)
	}
	defer rows.Close()
	for rows.Next() {
		var state string
		var n int
		if err := rows.Scan(&state, &n); err != nil {
			return nil, db.fail("store.CountNotifications", err)
		}
		counts[state] = n
	}
	return counts, db.fail("store.CountNotifications", rows.Err())
}
