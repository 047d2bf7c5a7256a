-- Decision records: cases, and an append-only, hash-chained list of records per case.
-- Each record's hash covers its content and the previous record's hash, so any edit to stored
-- history is detectable (GET /v1/cases/{reference}/verify). Records are never updated or deleted:
-- a trigger refuses it, and a correction is a new record pointing at the one it corrects.

CREATE TABLE cases (
  reference    text PRIMARY KEY,
  created_at   timestamptz NOT NULL,
  head_hash    text NOT NULL,
  record_count integer NOT NULL
);

CREATE TABLE records (
  id            text PRIMARY KEY,
  reference     text NOT NULL REFERENCES cases (reference),
  seq           integer NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('case-opened', 'assessment', 'decision')),
  recorded_at   timestamptz NOT NULL,
  -- The record's content as canonical JSON text, exactly as hashed.
  content       text NOT NULL,
  previous_hash text NOT NULL,
  hash          text NOT NULL,
  UNIQUE (reference, seq)
);

CREATE FUNCTION records_are_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'decision records are append-only: % is not allowed', TG_OP;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER records_append_only
  BEFORE UPDATE OR DELETE ON records
  FOR EACH ROW EXECUTE FUNCTION records_are_append_only();
