-- Deal call counters for the deals list (issue 18 target 4): the list read every link of the page's deals
-- to count meetings, so it grew with the number of calls. The counters are kept by triggers on every write
-- that can change them (links inserted, moved, deleted, directly or by cascade; a call made private or public,
-- or grouped into a meeting), so every writer (sync linking, manual links, triage, CRM deletions, purges,
-- imports, fixtures) keeps them right without knowing about them.
--   callCount / lastCallAt: every linked call (what an admin sees); a meeting two recorders recorded counts once.
--   publicCallCount / publicLastCallAt: the same over non-private calls only (what everyone may see); a member's
--   own private calls are added at read time (lib/deals/queries.ts), as few as they take part in.
ALTER TABLE "Deal" ADD COLUMN "callCount" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "lastCallAt" TIMESTAMP(3),
  ADD COLUMN "publicCallCount" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "publicLastCallAt" TIMESTAMP(3);

-- Recounts the given deals from their links. Cost: the deal's links (CallDealLink(dealId, callStartedAt) index
-- plus one Call lookup each), paid on the write, not on every read of the list.
CREATE FUNCTION "deal_call_stats_refresh"(deal_ids text[]) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  IF deal_ids IS NULL OR cardinality(deal_ids) = 0 THEN
    RETURN;
  END IF;
  -- Lock first (in id order, so two writers never wait on each other in a cycle), count in the next statement:
  -- under READ COMMITTED that statement's snapshot includes every link a concurrent writer committed while we
  -- waited, so two transactions linking calls to one deal at the same time cannot each write a stale count.
  -- NO KEY UPDATE, the lock the UPDATE below takes anyway: FOR UPDATE would conflict with the KEY SHARE lock
  -- each writer's link insert already holds on the deal (its foreign key check), and two writers deadlock.
  PERFORM 1 FROM "Deal" WHERE id = ANY (deal_ids) ORDER BY id FOR NO KEY UPDATE;
  UPDATE "Deal" AS d
  SET "callCount" = s.n, "lastCallAt" = s.last, "publicCallCount" = s.pn, "publicLastCallAt" = s.plast
  FROM (
    SELECT x.id,
           count(DISTINCT COALESCE(c."meetingId", c.id))::int AS n,
           max(l."callStartedAt") AS last,
           (count(DISTINCT COALESCE(c."meetingId", c.id)) FILTER (WHERE NOT c."isPrivate"))::int AS pn,
           max(l."callStartedAt") FILTER (WHERE NOT c."isPrivate") AS plast
    FROM unnest(deal_ids) AS x(id)
    LEFT JOIN "CallDealLink" l ON l."dealId" = x.id
    LEFT JOIN "Call" c ON c.id = l."callId"
    GROUP BY x.id
  ) AS s
  WHERE d.id = s.id
    AND (d."callCount", d."lastCallAt", d."publicCallCount", d."publicLastCallAt") IS DISTINCT FROM (s.n, s.last, s.pn, s.plast);
END
$fn$;

CREATE FUNCTION "deal_call_stats_links_inserted"() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM "deal_call_stats_refresh"(ARRAY(SELECT DISTINCT "dealId" FROM new_rows WHERE "dealId" IS NOT NULL));
  RETURN NULL;
END
$fn$;

CREATE FUNCTION "deal_call_stats_links_deleted"() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM "deal_call_stats_refresh"(ARRAY(SELECT DISTINCT "dealId" FROM old_rows WHERE "dealId" IS NOT NULL));
  RETURN NULL;
END
$fn$;

-- A link moved to another deal (or to none: a deal deleted sets dealId to null), or its call's start time copied anew.
CREATE FUNCTION "deal_call_stats_links_updated"() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM "deal_call_stats_refresh"(ARRAY(
    SELECT DISTINCT u.id FROM old_rows o JOIN new_rows n ON n.id = o.id, LATERAL (VALUES (o."dealId"), (n."dealId")) AS u(id)
    WHERE u.id IS NOT NULL
      AND (o."dealId", o."callId", o."callStartedAt") IS DISTINCT FROM (n."dealId", n."callId", n."callStartedAt")));
  RETURN NULL;
END
$fn$;

CREATE TRIGGER "CallDealLink_deal_stats_insert" AFTER INSERT ON "CallDealLink"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "deal_call_stats_links_inserted"();
CREATE TRIGGER "CallDealLink_deal_stats_delete" AFTER DELETE ON "CallDealLink"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "deal_call_stats_links_deleted"();
CREATE TRIGGER "CallDealLink_deal_stats_update" AFTER UPDATE ON "CallDealLink"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "deal_call_stats_links_updated"();

-- A linked call made private or public, or grouped into (or out of) a meeting. Row-level with a WHEN clause:
-- the many other updates of Call (transcripts, word sets, summaries) pay nothing, not even a transition table.
CREATE FUNCTION "deal_call_stats_call_updated"() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM "deal_call_stats_refresh"(ARRAY(SELECT "dealId" FROM "CallDealLink" WHERE "callId" = NEW.id AND "dealId" IS NOT NULL));
  RETURN NULL;
END
$fn$;

CREATE TRIGGER "Call_deal_stats_update" AFTER UPDATE OF "isPrivate", "meetingId" ON "Call"
  FOR EACH ROW WHEN (OLD."isPrivate" IS DISTINCT FROM NEW."isPrivate" OR OLD."meetingId" IS DISTINCT FROM NEW."meetingId")
  EXECUTE FUNCTION "deal_call_stats_call_updated"();

-- Backfill of existing deals.
SELECT "deal_call_stats_refresh"(ARRAY(SELECT DISTINCT "dealId" FROM "CallDealLink" WHERE "dealId" IS NOT NULL));
