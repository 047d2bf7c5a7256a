-- The case file (issue 14): three more kinds of record, kept in the same append-only, chained
-- records table as the rest (src/cases/case-file.ts):
--   case-dates      the case's dates as the board records them (became aware, referral, meeting,
--                   decision, completion, publication); a later record's date replaces an earlier
--                   one, and every earlier record stays;
--   milestone-done  a milestone of the edition's timeline marked done (who and when the record keeps);
--   case-closed     a chair closed the case: nothing is deleted; the case stays readable and
--                   exportable, and the record says until when it is to be kept.
--
-- The kinds the constraint allows are extended, not restated: whatever kinds earlier migrations
-- (this project's or a branch's) allowed stay allowed, so migrations adding kinds compose in any
-- number. Numbered 005 so that it runs after 003 (records integrity) and 004 (left to the other half
-- of issue 14).
DO $$
DECLARE
  kinds text[];
BEGIN
  SELECT array_agg(DISTINCT m[1]) INTO kinds
    FROM pg_constraint c, regexp_matches(pg_get_constraintdef(c.oid), '''([^'']+)''', 'g') AS m
   WHERE c.conname = 'records_kind_check' AND c.conrelid = 'records'::regclass;
  kinds := ARRAY(
    SELECT DISTINCT unnest(coalesce(kinds, '{}') || ARRAY['case-dates', 'milestone-done', 'case-closed'])
     ORDER BY 1);
  ALTER TABLE records DROP CONSTRAINT IF EXISTS records_kind_check;
  EXECUTE format(
    'ALTER TABLE records ADD CONSTRAINT records_kind_check CHECK (kind IN (%s))',
    (SELECT string_agg(quote_literal(k), ', ') FROM unnest(kinds) AS k));
END
$$;

-- The case list reads a case's few small records of these kinds, and its latest advice and decision,
-- without reading its whole history.
CREATE INDEX IF NOT EXISTS records_by_kind ON records (reference, kind, seq);
