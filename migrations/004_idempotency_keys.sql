-- Double submission is harmless (issue 14): a record made with an idempotency key (a form's hidden
-- field, or the API's Idempotency-Key header) is found again by that key, and the same key returns
-- the first record instead of adding another. The key is scoped to its case and to what it records
-- (advice or a decision). What identifies the request is the SHA-256 of its canonical JSON, never
-- the request itself, so no free text is kept twice; a different request under a used key is
-- refused. Rows are written in the same transaction as the record they name, under the case's
-- advisory lock (src/cases/store.ts), and are never changed: the runtime role needs only INSERT and
-- SELECT, and triggers refuse UPDATE, DELETE and TRUNCATE as on the other record tables.

CREATE TABLE idempotency_keys (
  reference    text NOT NULL REFERENCES cases (reference),
  operation    text NOT NULL CHECK (operation IN ('assessment', 'decision')),
  key          text NOT NULL,
  request_hash text NOT NULL,
  record_id    text NOT NULL REFERENCES records (id),
  created_at   timestamptz NOT NULL,
  PRIMARY KEY (reference, operation, key)
);

CREATE TRIGGER idempotency_keys_append_only
  BEFORE UPDATE OR DELETE ON idempotency_keys
  FOR EACH ROW EXECUTE FUNCTION records_are_append_only();
CREATE TRIGGER idempotency_keys_no_truncate
  BEFORE TRUNCATE ON idempotency_keys
  FOR EACH STATEMENT EXECUTE FUNCTION records_are_append_only();
