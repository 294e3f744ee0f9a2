-- No query reads sentences by start time: the transcript is ordered by idx, which has its own unique
-- index. This index only slowed every backfill's sentence inserts.
DROP INDEX IF EXISTS "TranscriptSentence_callId_startMs_idx";
