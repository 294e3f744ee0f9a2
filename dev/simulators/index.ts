// Public entry for tests and scripts: start the simulators in-process and point the app at them.
export { startSimulators, createSimulatorHandler, type RunningSimulators, type StartOptions } from "./server";
export { simulatorEnv, SIM_CLARI_CREDENTIALS } from "./env";
export { SIM_DEFAULTS, defaultConfig, type SimConfig, type SimConfigInput, type SimProvider } from "./config";
export { SimState } from "./state";
export type { FaultInput, Fault } from "./faults";
export type { SimStats, ProviderStats } from "./stats";
