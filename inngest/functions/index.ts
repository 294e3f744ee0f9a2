// Every function the app serves at /api/inngest, one file each. Function and step ids are part of the
// durable state of runs in flight: never rename them.
import { backfill } from "./backfill";
import { dealsImport } from "./deals-import";
import { crmImport } from "./crm-import";
import { crmSync, crmSyncScheduler } from "./crm-sync";
import { heartbeat } from "./heartbeat";
import { poll } from "./poll";
import { pollScheduler } from "./poll-scheduler";
import { purge } from "./purge";
import { relinkDeals } from "./relink-deals";
import { rescan, rescanScheduler } from "./rescan";
import { userBackfill } from "./user-backfill";
import { userNeedsSyncBackfill } from "./user-needs-sync";
import { userRetry } from "./user-retry";

export const syncFunctions = [
  backfill,
  userBackfill,
  userRetry,
  userNeedsSyncBackfill,
  pollScheduler,
  poll,
  rescanScheduler,
  rescan,
  purge,
  relinkDeals,
  crmImport,
  crmSync,
  crmSyncScheduler,
  dealsImport,
];

export const functions = [heartbeat, ...syncFunctions];
