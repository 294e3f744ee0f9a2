// Every function the app serves at /api/inngest.
import { heartbeat } from "./heartbeat";

export const functions = [heartbeat];
