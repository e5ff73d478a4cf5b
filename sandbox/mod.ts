// The sandbox marketplace's public surface: a real HTTP server that answers
// LWA, the SP-API and the Advertising API on Amazon's paths with generated
// data, Amazon's limits and errors, injectable faults and ground truth.
export { createSandbox, type Sandbox } from "./sandbox.ts";
export {
  type RunningSandbox,
  type StartOptions,
  startSandbox,
} from "./server.ts";
export type { SandboxOptions } from "./options.ts";
export { type Clock, ManualClock, systemClock } from "./clock.ts";
export {
  FAULT_KINDS,
  FaultController,
  type FaultKind,
  type FaultRule,
  type FiredFault,
} from "./faults.ts";
export type { SandboxCredentials } from "./credentials.ts";
export { SandboxSeller } from "./seller.ts";
export type { SellerTruth, SellerWorld } from "./served_world.ts";
export { SETTLEMENT_COLUMNS } from "./served_world.ts";
export {
  ALL_ORDERS_COLUMNS,
  MYI_COLUMNS,
  RETURNS_COLUMNS,
} from "./documents.ts";
export { SP_OPERATIONS, type SpOperationId } from "./spec.ts";
