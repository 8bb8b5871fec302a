-- Subscriptions as participants make them: an ID to delete one by, the
-- party that owns it, a language and a mode (at once, or a daily or weekly
-- digest). The outbox gains the event a notification belongs to (one
-- Delivery workflow sends an event's notifications), its language, the
-- digest it waits for or went out in.

ALTER TABLE subscriptions ADD COLUMN id TEXT NOT NULL DEFAULT '';
ALTER TABLE subscriptions ADD COLUMN owner TEXT NOT NULL DEFAULT ''; -- role:party of a token holder; '' for an observer
ALTER TABLE subscriptions ADD COLUMN language TEXT NOT NULL DEFAULT '';
ALTER TABLE subscriptions ADD COLUMN mode TEXT NOT NULL DEFAULT 'immediate'; -- immediate, daily, weekly
ALTER TABLE subscriptions ADD COLUMN created_at TEXT;
UPDATE subscriptions SET id = 'sub_' || lower(hex(randomblob(8)));
CREATE UNIQUE INDEX subscriptions_by_id ON subscriptions (id);
CREATE INDEX subscriptions_by_owner ON subscriptions (owner, process_id);

ALTER TABLE outbox ADD COLUMN event_key TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN language TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN mode TEXT NOT NULL DEFAULT ''; -- daily or weekly: held for that digest
ALTER TABLE outbox ADD COLUMN digest_key TEXT NOT NULL DEFAULT ''; -- the digest that carried it
UPDATE outbox SET event_key = CASE WHEN instr(notification_key, '|') > 0
	THEN substr(notification_key, 1, instr(notification_key, '|') - 1) ELSE notification_key END;
CREATE INDEX outbox_by_event ON outbox (event_key, state, notification_key);
CREATE INDEX outbox_by_process ON outbox (process_id, notification_key);
CREATE INDEX outbox_held ON outbox (state, mode, process_id, recipient, channel, created_at);
