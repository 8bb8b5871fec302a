-- Delivery: every attempt to send a notification, and each endpoint's
-- settings and health.

ALTER TABLE outbox ADD COLUMN failure TEXT NOT NULL DEFAULT ''; -- why a failed notification was given up

CREATE TABLE deliveries (
	id               INTEGER PRIMARY KEY, -- attempt order
	notification_key TEXT NOT NULL REFERENCES outbox (notification_key),
	channel          TEXT NOT NULL,
	recipient        TEXT NOT NULL,
	attempted_at     TEXT NOT NULL,
	status           TEXT NOT NULL, -- sent, failed, rejected, error
	error            TEXT NOT NULL
) STRICT;

CREATE INDEX deliveries_by_key ON deliveries (notification_key, id);

CREATE TABLE endpoints (
	channel         TEXT NOT NULL,
	recipient       TEXT NOT NULL,
	language        TEXT NOT NULL DEFAULT '',
	secret          TEXT NOT NULL DEFAULT '',
	owner           TEXT NOT NULL DEFAULT '',
	failures        INTEGER NOT NULL DEFAULT 0, -- since the last success
	rejections      INTEGER NOT NULL DEFAULT 0,
	failing_since   TEXT,
	disabled_at     TEXT,
	disabled_reason TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (channel, recipient)
) STRICT;
