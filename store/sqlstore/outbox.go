package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/compact-un/compact/store"
)

// Subscribe creates or replaces a recipient's subscription to a process on
// a channel.
func (db *DB) Subscribe(ctx context.Context, s store.Subscription) error {
	const op = "store.Subscribe"
	if err := required(op, "process id", s.ProcessID, "recipient", s.Recipient, "channel", s.Channel); err != nil {
		return err
	}
	topics, err := json.Marshal(s.Topics)
	if err != nil {
		return invalid(op, "topics: %v", err)
	}
	_, err = db.write.ExecContext(ctx, `
		INSERT INTO subscriptions (process_id, recipient, channel, topics) VALUES ($1, $2, $3, $4)
		ON CONFLICT (process_id, recipient, channel) DO UPDATE SET topics = excluded.topics`,
		s.ProcessID, s.Recipient, s.Channel, string(topics))
	return db.fail(op, err)
}

// Subscribers returns the subscriptions to a process that take event: those
// with no topics or with a topic that prefixes it.
func (db *DB) Subscribers(ctx context.Context, processID, event string) ([]store.Subscription, error) {
	subs, err := queryAll(ctx, db.read, func(s scanner) (store.Subscription, error) {
		sub := store.Subscription{ProcessID: processID}
		var topics string
		if err := s.Scan(&sub.Recipient, &sub.Channel, &topics); err != nil {
			return sub, err
		}
		return sub, json.Unmarshal([]byte(topics), &sub.Topics)
	}, `SELECT recipient, channel, topics FROM subscriptions WHERE process_id = $1 ORDER BY recipient, channel`, processID)
	if err != nil {
		return nil, db.fail("store.Subscribers", err)
	}
	return slices.DeleteFunc(subs, func(s store.Subscription) bool {
		return len(s.Topics) > 0 && !slices.ContainsFunc(s.Topics, func(t string) bool { return strings.HasPrefix(event, t) })
	}), nil
}

// Enqueue adds notifications in one transaction, skipping keys already
// queued. An empty state is pending and a zero CreatedAt is now.
func (db *DB) Enqueue(ctx context.Context, ns []store.Notification) error {
	const op = "store.Enqueue"
	for _, n := range ns {
		if err := required(op, "key", n.Key, "process id", n.ProcessID, "recipient", n.Recipient, "channel", n.Channel); err != nil {
			return err
		}
	}
	now := time.Now()
	return db.inTx(ctx, op, func(tx *sql.Tx) error {
		for _, n := range ns {
			if n.State == "" {
				n.State = "pending"
			}
			if n.CreatedAt.IsZero() {
				n.CreatedAt = now
			}
			if _, err := tx.ExecContext(ctx, `
				INSERT INTO outbox (notification_key, process_id, event, recipient, channel, payload, state, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
				ON CONFLICT (notification_key) DO NOTHING`,
				n.Key, n.ProcessID, n.Event, n.Recipient, n.Channel, n.Payload, n.State, stamp(n.CreatedAt)); err != nil {
				return err
			}
		}
		return nil
	})
}

// ListOutbox lists notifications oldest first; an empty process ID or state
// matches all.
func (db *DB) ListOutbox(ctx context.Context, processID string, state string) ([]store.Notification, error) {
	ns, err := queryAll(ctx, db.read, func(s scanner) (store.Notification, error) {
		var n store.Notification
		err := s.Scan(&n.Key, &n.ProcessID, &n.Event, &n.Recipient, &n.Channel, &n.Payload, &n.State, scanStamp{&n.CreatedAt})
		return n, err
	}, `SELECT notification_key, process_id, event, recipient, channel, payload, state, created_at FROM outbox
		WHERE ($1 = '' OR process_id = $1) AND ($2 = '' OR state = $2)
		ORDER BY created_at, notification_key`, processID, state)
	return ns, db.fail("store.ListOutbox", err)
}

func (db *DB) MarkSent(ctx context.Context, key string) error {
	const op = "store.MarkSent"
	return db.updateOne(ctx, op, notFound(op, "notification %q not found", key),
		`UPDATE outbox SET state = 'sent' WHERE notification_key = $1`, key)
}
