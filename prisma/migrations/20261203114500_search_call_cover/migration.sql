-- Search's AND/phrase/exclusion path (issue 15, item 7): with many matched sentences it hashes the
-- tenant's visible calls, read from this index alone (id, startedAt and isPrivate are all it needs), so
-- the cost is the tenant's ~90 index pages per 10,000 calls instead of its call rows (~1,700 heap pages,
-- each row carrying its transcript's word set). See lib/calls/search.ts, SENTENCE_PROBE_LIMIT.
CREATE INDEX "Call_workspaceId_id_startedAt_isPrivate_idx" ON "Call"("workspaceId", "id", "startedAt", "isPrivate");
