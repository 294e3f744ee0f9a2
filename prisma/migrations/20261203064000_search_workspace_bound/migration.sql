-- Search bounded by the caller's workspace inside the index (issue 15, item 7): each sentence carries its
-- call's workspace, and both search indexes lead with the workspace, so a tenant's AND/phrase/exclusion
-- search and its word search read index entries of other tenants' rows at most, never those rows.
-- btree_gin lets one GIN index hold a scalar column (workspaceId) next to a tsvector; it ships with
-- PostgreSQL and with PGlite (loaded in scripts/lib/embedded-postgres.ts).
CREATE EXTENSION IF NOT EXISTS btree_gin;

-- The old sentence index goes first so the backfill below does not maintain it row by row; the
-- lexemes trigger on UPDATE is paused since no text changes (it would rebuild every call's word set).
DROP INDEX IF EXISTS "TranscriptSentence_tsv_idx";
ALTER TABLE "TranscriptSentence" ADD COLUMN "workspaceId" TEXT;
ALTER TABLE "TranscriptSentence" DISABLE TRIGGER "TranscriptSentence_lexemes_update";
UPDATE "TranscriptSentence" AS s SET "workspaceId" = c."workspaceId" FROM "Call" AS c WHERE c.id = s."callId";
ALTER TABLE "TranscriptSentence" ENABLE TRIGGER "TranscriptSentence_lexemes_update";
ALTER TABLE "TranscriptSentence" ALTER COLUMN "workspaceId" SET NOT NULL;

-- The sentence's workspace is its call's, by constraint: the foreign key covers both columns (and a
-- call moved to another workspace takes its sentences along).
CREATE UNIQUE INDEX "Call_id_workspaceId_key" ON "Call"("id", "workspaceId");
ALTER TABLE "TranscriptSentence" DROP CONSTRAINT "TranscriptSentence_callId_fkey";
ALTER TABLE "TranscriptSentence" ADD CONSTRAINT "TranscriptSentence_callId_workspaceId_fkey"
  FOREIGN KEY ("callId", "workspaceId") REFERENCES "Call"("id", "workspaceId") ON DELETE CASCADE ON UPDATE CASCADE;

-- Writers that know the workspace pass it (lib/sync/ingest.ts: one value for the whole unnest insert,
-- and this trigger's WHEN keeps it from running). Any other insert gets it from the call.
CREATE FUNCTION "transcript_sentence_workspace"() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  SELECT c."workspaceId" INTO NEW."workspaceId" FROM "Call" AS c WHERE c.id = NEW."callId";
  RETURN NEW;
END
$fn$;
CREATE TRIGGER "TranscriptSentence_workspace" BEFORE INSERT ON "TranscriptSentence"
  FOR EACH ROW WHEN (NEW."workspaceId" IS NULL) EXECUTE FUNCTION "transcript_sentence_workspace"();

CREATE INDEX "TranscriptSentence_workspaceId_tsv_idx" ON "TranscriptSentence" USING GIN ("workspaceId", "tsv");

DROP INDEX IF EXISTS "Call_transcriptLexemes_idx";
CREATE INDEX "Call_workspaceId_transcriptLexemes_idx" ON "Call" USING GIN ("workspaceId", "transcriptLexemes");
