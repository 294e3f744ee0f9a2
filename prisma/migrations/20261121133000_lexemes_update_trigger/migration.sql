-- Sentences whose text is edited in place (or moved to another call) refresh the word sets of the
-- calls they left and joined, like inserts and deletes do.
CREATE FUNCTION "call_transcript_lexemes_refresh_update"() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  UPDATE "Call" AS c SET "transcriptLexemes" = (
    SELECT array_to_tsvector(array_agg(DISTINCT u.lexeme))
    FROM "TranscriptSentence" s, unnest(s.tsv) AS u
    WHERE s."callId" = c.id
  )
  WHERE c.id IN (SELECT "callId" FROM old_rows UNION SELECT "callId" FROM new_rows);
  RETURN NULL;
END
$fn$;

CREATE TRIGGER "TranscriptSentence_lexemes_update" AFTER UPDATE ON "TranscriptSentence"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "call_transcript_lexemes_refresh_update"();
