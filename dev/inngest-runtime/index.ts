export { startLocalInngest, DEFAULT_PORT, DEFAULT_SCHEMA, type LocalInngest, type LocalInngestOptions } from "./server";
export type { Clock, Logger } from "./context";
