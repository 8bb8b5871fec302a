package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
)

const subscriptionColumns = `id, process_id, recipient, channel, topics, language, mode, owner, created_at`

func scanSubscription(s scanner) (store.Subscription, error) {
	var sub store.Subscription
	var topics string
	if err := s.Scan(&sub.ID, &sub.ProcessID, &sub.Recipient, &sub.Channel, &topics, &sub.Language, &sub.Mode,
		&sub.Owner, scanStamp{&sub.CreatedAt}); err != nil {
		return sub, err
	}
	return sub, json.Unmarshal([]byte(topics), &sub.Topics)
}

// Subscribe creates or updates a subscription; its ID and creation time
// stay those of the first.
func (db *DB) Subscribe(ctx context.Context, s store.Subscription) (store.Subscription, error) {
	const op = "store.Subscribe"
	if err := required(op, "process id", s.ProcessID, "recipient", s.Recipient, "channel", s.Channel); err != nil {
		return s, err
	}
	switch s.Mode {
	case "":
		s.Mode = store.ModeImmediate
	case store.ModeImmediate, store.ModeDaily, store.ModeWeekly:
	default:
		return s, invalid(op, "mode %q: want immediate, daily or weekly", s.Mode)
	}
	topics, err := json.Marshal(s.Topics)
	if err != nil {
		return s, invalid(op, "topics: %v", err)
	}
	var id [8]byte
	rand.Read(id[:]) // never fails
	if s.CreatedAt.IsZero() {
		s.CreatedAt = time.Now()
	}
	row := db.write.QueryRowContext(ctx, `
		INSERT INTO subscriptions (id, process_id, recipient, channel, topics, language, mode, owner, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (process_id, recipient, channel) DO UPDATE SET
			topics = excluded.topics, language = excluded.language, mode = excluded.mode,
			owner = CASE WHEN excluded.owner = '' THEN subscriptions.owner ELSE excluded.owner END
		WHERE subscriptions.owner = '' OR excluded.owner = '' OR subscriptions.owner = excluded.owner
		RETURNING `+subscriptionColumns,
		"sub_"+hex.EncodeToString(id[:]), s.ProcessID, s.Recipient, s.Channel, string(topics), s.Language, s.Mode, s.Owner, stamp(s.CreatedAt))
	stored, err := scanSubscription(row)
	if errors.Is(err, sql.ErrNoRows) {
		return s, process.Errorf(op, process.Conflict,
			"%s is subscribed to %s by another party; the unsubscribe link in its messages removes that subscription", s.Recipient, s.ProcessID)
	}
	return stored, db.fail(op, err)
}

// Subscribers returns the subscriptions to a process that take event.
func (db *DB) Subscribers(ctx context.Context, processID, event string) ([]store.Subscription, error) {
	subs, err := queryAll(ctx, db.read, scanSubscription, `SELECT `+subscriptionColumns+` FROM subscriptions
		WHERE process_id = $1 ORDER BY recipient, channel`, processID)
	return takes(subs, event), db.fail("store.Subscribers", err)
}

// receiptSubscribers returns, for each submission, its submitter's own
// subscriptions ("role:party") to the process that take
// store.ReceiptEvent: one query for a whole batch, not one per
// contribution.
// selectReceiptSubscribers reads the subscriptions of n owners.
func selectReceiptSubscribers(n int) string {
	return `SELECT ` + subscriptionColumns + ` FROM subscriptions WHERE owner IN (` + placeholders(n, 1) + `) ORDER BY recipient, channel`
}

func receiptSubscribers(ctx context.Context, q querier, subs []process.Submission) ([][]store.Subscription, error) {
	type owned struct{ processID, owner string }
	owner := func(s process.Submission) string { return s.Role + ":" + s.Party }
	var args []any
	seen := map[string]bool{}
	for _, s := range subs {
		if o := owner(s); !seen[o] {
			seen[o] = true
			args = append(args, o)
		}
	}
	byOwner := map[owned][]store.Subscription{}
	if len(args) > 0 {
		args, n := padIn(args, 1)
		all, err := queryAll(ctx, q, scanSubscription, selectReceiptSubscribers(n), args...)
		if err != nil {
			return nil, err
		}
		for _, sub := range takes(all, store.ReceiptEvent) {
			k := owned{sub.ProcessID, sub.Owner}
			byOwner[k] = append(byOwner[k], sub)
		}
	}
	to := make([][]store.Subscription, len(subs))
	for i, s := range subs {
		to[i] = byOwner[owned{s.ProcessID, owner(s)}]
	}
	return to, nil
}

// takes keeps the subscriptions that take event: no topics, its topic, or
// a topic that prefixes it.
func takes(subs []store.Subscription, event string) []store.Subscription {
	topic := process.TopicOf(event)
	return slices.DeleteFunc(subs, func(s store.Subscription) bool {
		return len(s.Topics) > 0 && !slices.ContainsFunc(s.Topics, func(t string) bool {
			return t == topic || strings.HasPrefix(event, t)
		})
	})
}

func (db *DB) GetSubscription(ctx context.Context, processID, recipient, channel string) (store.Subscription, error) {
	const op = "store.GetSubscription"
	s, err := scanSubscription(db.read.QueryRowContext(ctx, `SELECT `+subscriptionColumns+` FROM subscriptions
		WHERE process_id = $1 AND recipient = $2 AND channel = $3`, processID, recipient, channel))
	if errors.Is(err, sql.ErrNoRows) {
		return s, notFound(op, "%s is not subscribed to %s by %s", recipient, processID, channel)
	}
	return s, db.fail(op, err)
}

func (db *DB) EndpointOwners(ctx context.Context, channel, recipient string) ([]string, error) {
	owners, err := queryAll(ctx, db.read, func(s scanner) (string, error) {
		var o string
		return o, s.Scan(&o)
	}, `SELECT DISTINCT owner FROM subscriptions WHERE channel = $1 AND recipient = $2 ORDER BY owner`, channel, recipient)
	return owners, db.fail("store.EndpointOwners", err)
}

func (db *DB) ListSubscriptions(ctx context.Context, owner string) ([]store.Subscription, error) {
	const op = "store.ListSubscriptions"
	if err := required(op, "owner", owner); err != nil {
		return nil, err
	}
	subs, err := queryAll(ctx, db.read, scanSubscription, `SELECT `+subscriptionColumns+` FROM subscriptions
		WHERE owner = $1 ORDER BY process_id, channel, recipient`, owner)
	return subs, db.fail(op, err)
}

func (db *DB) DeleteSubscription(ctx context.Context, id, owner string) error {
	const op = "store.DeleteSubscription"
	return db.inTx(ctx, op, func(tx *sql.Tx) error {
		var processID, recipient, channel string
		err := tx.QueryRowContext(ctx, `SELECT process_id, recipient, channel FROM subscriptions WHERE id = $1 AND owner = $2 AND owner <> ''`,
			id, owner).Scan(&processID, &recipient, &channel)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound(op, "you have no subscription %q", id)
		}
		if err != nil {
			return err
		}
		return unsubscribe(ctx, tx, processID, recipient, channel)
	})
}

func (db *DB) Unsubscribe(ctx context.Context, processID, recipient, channel string) error {
	return db.inTx(ctx, "store.Unsubscribe", func(tx *sql.Tx) error {
		return unsubscribe(ctx, tx, processID, recipient, channel)
	})
}

// unsubscribe deletes a subscription and skips what waits for it: a
// participant who unsubscribed gets nothing more.
func unsubscribe(ctx context.Context, tx *sql.Tx, processID, recipient, channel string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM subscriptions WHERE process_id = $1 AND recipient = $2 AND channel = $3`,
		processID, recipient, channel); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE outbox SET state = 'skipped', failure = 'unsubscribed'
		WHERE process_id = $1 AND recipient = $2 AND channel = $3 AND state IN ('pending', 'held')`,
		processID, recipient, channel)
	return err
}
