-- Records a board can trust (issue 12).
--
-- * Each record keeps who made it (made_by: canonical JSON of what the sign-in or the API key gave;
--   NULL for records made before this migration). Records made from now on are chained with an
--   HMAC-SHA256 under a key kept outside the database (hash 'hmac-sha256:...'); older records keep
--   their plain SHA-256 hashes and verify as "unkeyed, legacy". A keyed service seals every case
--   whose last record is unkeyed with a keyed record of kind 'sealed' (src/cases/store.ts).
-- * A case's head is its last record: cases no longer keeps a head that every append updated, so
--   the service's runtime role needs only INSERT and SELECT on the record tables. Appends to one
--   case serialise on an advisory lock (which needs no privilege) and UNIQUE (reference, seq).
-- * Every read and write of a case is logged in access_log, append-only and chained like records.
-- * UPDATE, DELETE and TRUNCATE are refused by triggers on all three tables.
-- Grants to a restricted runtime role are made by the service when DATABASE_OWNER_URL is set
-- (src/cases/db.ts), since the runtime role's name is the deployment's, not this file's.

ALTER TABLE records ADD COLUMN made_by text;
ALTER TABLE records DROP CONSTRAINT records_kind_check;
ALTER TABLE records ADD CONSTRAINT records_kind_check
  CHECK (kind IN ('case-opened', 'assessment', 'decision', 'sealed'));

ALTER TABLE cases DROP COLUMN head_hash;
ALTER TABLE cases DROP COLUMN record_count;

CREATE TABLE access_log (
  id            text PRIMARY KEY,
  reference     text NOT NULL REFERENCES cases (reference),
  seq           integer NOT NULL,
  at            timestamptz NOT NULL,
  operation     text NOT NULL,
  -- Canonical JSON of who (src/service.ts madeBy); never a request body.
  made_by       text NOT NULL,
  address       text,
  previous_hash text NOT NULL,
  hash          text NOT NULL,
  UNIQUE (reference, seq)
);

CREATE OR REPLACE FUNCTION records_are_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'case records are append-only: % on % is not allowed', TG_OP, TG_TABLE_NAME;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER records_no_truncate
  BEFORE TRUNCATE ON records
  FOR EACH STATEMENT EXECUTE FUNCTION records_are_append_only();

-- cases and access_log get the same two triggers, named <table>_append_only and <table>_no_truncate.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['cases', 'access_log'] LOOP
    EXECUTE format(
      'CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION records_are_append_only()',
      t || '_append_only', t);
    EXECUTE format(
      'CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION records_are_append_only()',
      t || '_no_truncate', t);
  END LOOP;
END
$$;
