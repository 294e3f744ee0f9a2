// Every function the app serves at /api/inngest.
import { heartbeat } from "./heartbeat";
import { syncFunctions } from "./sync";

export const functions = [heartbeat, ...syncFunctions];
