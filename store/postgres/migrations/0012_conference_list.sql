-- Two lists of accredited stakeholders, one for the preparatory process
-- and one for the conference (A/RES/71/280): an application and its
-- objections are keyed by the list too. The rows before are the
-- preparatory list's.
ALTER TABLE objections DROP CONSTRAINT objections_process_id_party_fkey;
ALTER TABLE objections DROP CONSTRAINT objections_pkey;
ALTER TABLE applications DROP CONSTRAINT applications_pkey;

ALTER TABLE applications ADD COLUMN for_list TEXT NOT NULL DEFAULT 'preparatory';
ALTER TABLE applications ALTER COLUMN for_list DROP DEFAULT;
ALTER TABLE applications ADD PRIMARY KEY (process_id, for_list, party);

ALTER TABLE objections ADD COLUMN for_list TEXT NOT NULL DEFAULT 'preparatory';
ALTER TABLE objections ALTER COLUMN for_list DROP DEFAULT;
ALTER TABLE objections ADD PRIMARY KEY (process_id, for_list, party, objecting_state);
ALTER TABLE objections ADD FOREIGN KEY (process_id, for_list, party) REFERENCES applications (process_id, for_list, party);
