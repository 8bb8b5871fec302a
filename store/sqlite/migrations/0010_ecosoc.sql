-- The list of organisations in consultative status with ECOSOC that the
-- PGA's office loaded last (one list, replaced whole), and each
-- application's check of its claim against it.
CREATE TABLE ecosoc_lists (
	id        INTEGER PRIMARY KEY CHECK (id = 1), -- one list at a time
	loaded_at TEXT NOT NULL,
	loaded_by TEXT NOT NULL
) STRICT;

CREATE TABLE ecosoc_entries (
	position INTEGER PRIMARY KEY, -- the list's order
	name     TEXT NOT NULL,
	name_key TEXT NOT NULL UNIQUE, -- process.NormaliseOrgName(name)
	status   TEXT NOT NULL,
	year     INTEGER NOT NULL
) STRICT;

-- process.ECOSOCMatch as JSON; '' where no status was claimed.
ALTER TABLE applications ADD COLUMN ecosoc_match TEXT NOT NULL DEFAULT '';
