-- Search finds candidate calls by the words their transcripts use, then reads only those calls'
-- matching sentences, newest call first. A common word no longer means reading every matching sentence.
ALTER TABLE "Call" ADD COLUMN "transcriptLexemes" tsvector;

UPDATE "Call" AS c SET "transcriptLexemes" = x.lexemes
FROM (
  SELECT s."callId", array_to_tsvector(array_agg(DISTINCT u.lexeme)) AS lexemes
  FROM "TranscriptSentence" s, unnest(s.tsv) AS u
  GROUP BY s."callId"
) AS x
WHERE x."callId" = c.id;

CREATE INDEX "Call_transcriptLexemes_idx" ON "Call" USING GIN ("transcriptLexemes");
