// The least wall time the documented usage plans allow for a multiset of
// SP-API calls (facts §3.6): each operation has a token bucket of `burst`
// tokens, full at the start, refilled at `rate` a second, one token a call.
// So `calls` calls of one operation need at least (calls − burst) / rate
// seconds, however they are spread.
//
// A strategy that runs in phases, one strictly after the other (orders.ts:
// all report windows, then the searchOrders pass planned from their
// counts), needs at least the SUM of its phases' bounds: a bucket holds at
// most `burst` tokens however long it idled, so time spent in an earlier
// phase never buys a later phase more than the full bucket already counted.
// Within one phase the calls of different operations interleave (createReport
// of window k+1 waits while getReportDocument's bucket refills), so a phase
// needs only its SLOWEST operation's bound, not the sum of them: adding them
// up would ask more than a perfect client could achieve.
import { SP_USAGE_PLANS, type UsagePlan } from "../lib/amazon/usage_plans.ts";

/** Calls per operation. */
export type CallCounts = Readonly<Record<string, number>>;

/** Seconds `calls` calls of one operation need under its documented plan. */
export function operationMinSeconds(
  operation: string,
  calls: number,
  plans: Readonly<Record<string, UsagePlan>> = SP_USAGE_PLANS,
): number {
  const plan = plans[operation];
  if (!plan) throw new RangeError(`no documented usage plan for ${operation}`);
  return Math.max(0, (calls - plan.burst) / plan.rate);
}

export interface PhaseBound {
  name: string;
  calls: CallCounts;
  /** The phase's bound: its slowest operation's. */
  seconds: number;
  /** That slowest operation (null when every call fits in the bursts). */
  binding: string | null;
}

/** The bound of one phase whose calls may interleave: the slowest operation. */
export function phaseBound(name: string, calls: CallCounts): PhaseBound {
  let seconds = 0;
  let binding: string | null = null;
  for (const [op, n] of Object.entries(calls)) {
    const s = operationMinSeconds(op, n);
    if (s > seconds) [seconds, binding] = [s, op];
  }
  return { name, calls, seconds, binding };
}

/** Phases run one after another: their bounds add up. */
export function sequentialBound(phases: readonly PhaseBound[]): number {
  return phases.reduce((sum, p) => sum + p.seconds, 0);
}

/** A strategy to compare: its calls, as phases. */
export interface Strategy {
  name: string;
  phases: PhaseBound[];
  calls: number;
  seconds: number;
}

function strategy(name: string, phases: PhaseBound[]): Strategy {
  const calls = phases.reduce(
    (sum, p) => sum + Object.values(p.calls).reduce((a, b) => a + b, 0),
    0,
  );
  return { name, phases, calls, seconds: sequentialBound(phases) };
}

/** The strategy a run actually followed, from its calls per phase. */
export function observedStrategy(
  name: string,
  phases: readonly { name: string; calls: CallCounts }[],
): Strategy {
  return strategy(name, phases.map((p) => phaseBound(p.name, p.calls)));
}

/**
 * Orders API v0 per order: getOrders pages of 100, and one getOrderItems per
 * order, interleaved page by page (one phase: the kindest bound for it).
 */
export function perOrderV0(orders: number): Strategy {
  return strategy("v0 getOrders + getOrderItems per order", [
    phaseBound("pages and items", {
      getOrders: Math.ceil(orders / 100),
      getOrderItems: orders,
    }),
  ]);
}

/** Orders API v2026-01-01 searchOrders only: pages of 100, items included. */
export function searchOrdersOnly(orders: number): Strategy {
  return strategy("v2026 searchOrders only (100 a page)", [
    phaseBound("pages", { searchOrders: Math.ceil(orders / 100) }),
  ]);
}
