-- Keeps Call.transcriptLexemes in step with the call's sentences, whatever writes them: after each
-- statement that inserts or deletes sentences, the calls it touched get their word set again.
CREATE FUNCTION "call_transcript_lexemes_refresh"() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  UPDATE "Call" AS c SET "transcriptLexemes" = (
    SELECT array_to_tsvector(array_agg(DISTINCT u.lexeme))
    FROM "TranscriptSentence" s, unnest(s.tsv) AS u
    WHERE s."callId" = c.id
  )
  WHERE c.id IN (SELECT DISTINCT "callId" FROM changed);
  RETURN NULL;
END
$fn$;

CREATE TRIGGER "TranscriptSentence_lexemes_insert" AFTER INSERT ON "TranscriptSentence"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "call_transcript_lexemes_refresh"();

CREATE TRIGGER "TranscriptSentence_lexemes_delete" AFTER DELETE ON "TranscriptSentence"
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "call_transcript_lexemes_refresh"();
