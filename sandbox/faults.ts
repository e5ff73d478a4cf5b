// Fault injection: the failures the clients must survive (facts §7.2, §7.3)
// on demand, so the sync engine's retry, backoff, re-auth and resume paths
// are tested against a server rather than a mock. A rule says "the next N
// requests of this operation (of this seller) fail this way"; rules are
// consumed in the order they were added. Besides the programmatic API, a
// request may carry its own fault in the `x-sandbox-fault` header, and
// `POST /_sandbox/faults` adds rules over HTTP, both only when enabled.

/** The kinds of failure the sandbox can produce. */
export const FAULT_KINDS = [
  /** 429 QuotaExceeded (Ads: with `Retry-After` when `retryAfter` is set). */
  "throttle",
  /** 500 InternalFailure. */
  "serverError",
  /** 503, as JSON or (`html: true`) as Amazon's HTML error page. */
  "unavailable",
  /** Answers normally after `delayMs`. */
  "delay",
  /** Never answers; the request stays open until the client gives up. */
  "hang",
  /** 200 with a body cut off in the middle of the JSON. */
  "malformedJson",
  /** A report document whose gzip stream ends early. */
  "truncatedGzip",
  /** A requested report (createReport) that ends FATAL with an error document. */
  "reportFatal",
  /** The access token presented is expired from now on: 403 Unauthorized. */
  "expiredToken",
  /** The next refresh-token grant answers invalid_grant (not revoked). */
  "invalidGrant",
] as const;
export type FaultKind = typeof FAULT_KINDS[number];

/** One injected failure, applied to the next `count` matching requests. */
export interface FaultRule {
  kind: FaultKind;
  /**
   * The operation it hits: an SP-API operationId (`searchOrders`), an Ads
   * operation (`listCampaigns`, `createAsyncReport`, `getAsyncReport`,
   * `listProfiles`, …), `lwaToken` or `downloadDocument`. Omitted or "*":
   * any operation the kind applies to.
   */
  operation?: string;
  /** Only requests of this selling partner. */
  sellerId?: string;
  /** How many requests it hits (default 1; Infinity until cleared). */
  count?: number;
  /** For `delay`: milliseconds to wait (default 1000). */
  delayMs?: number;
  /** For `throttle` on the Ads API: the Retry-After seconds, or null for none. */
  retryAfter?: number | null;
  /** For `unavailable`: answer with an HTML page instead of JSON. */
  html?: boolean;
}

/** A fault that fired, for tests to assert on. */
export interface FiredFault {
  kind: FaultKind;
  operation: string;
  sellerId?: string;
  at: number;
}

/** Which kinds make sense for which kind of endpoint. */
export const KINDS_FOR = {
  api: [
    "throttle",
    "serverError",
    "unavailable",
    "delay",
    "hang",
    "malformedJson",
    "expiredToken",
  ],
  lwa: ["serverError", "unavailable", "delay", "hang", "invalidGrant"],
  lwaRefresh: [
    "serverError",
    "unavailable",
    "delay",
    "hang",
    "malformedJson",
    "invalidGrant",
  ],
  document: ["serverError", "unavailable", "delay", "hang", "truncatedGzip"],
  report: ["reportFatal"],
} as const satisfies Record<string, readonly FaultKind[]>;

interface Pending extends FaultRule {
  remaining: number;
}

/**
 * The fault queue of one sandbox.
 *
 * @example
 * sandbox.faults.inject({ kind: "throttle", operation: "searchOrders", count: 3 });
 * sandbox.faults.inject({ kind: "delay", delayMs: 200 }); // any operation
 */
export class FaultController {
  readonly #rules: Pending[] = [];
  readonly fired: FiredFault[] = [];

  /** Adds one or more rules. */
  inject(rules: FaultRule | readonly FaultRule[]): void {
    for (const rule of Array.isArray(rules) ? rules : [rules]) {
      this.#rules.push({ ...checkRule(rule), remaining: rule.count ?? 1 });
    }
  }

  /** Removes every pending rule. */
  clear(): void {
    this.#rules.length = 0;
  }

  /** Rules not yet used up, with what is left of their counts. */
  pending(): (FaultRule & { remaining: number })[] {
    return this.#rules.map((r) => ({ ...r }));
  }

  /**
   * Takes the first rule that matches this request and may apply here
   * (`kinds`), counting it down. Undefined when no fault is due.
   */
  take(
    operation: string,
    sellerId: string | undefined,
    kinds: readonly FaultKind[],
    now = Date.now(),
  ): FaultRule | undefined {
    const i = this.#rules.findIndex((r) =>
      (r.operation === undefined || r.operation === "*" ||
        r.operation === operation) &&
      (r.sellerId === undefined || r.sellerId === sellerId) &&
      kinds.includes(r.kind)
    );
    if (i < 0) return undefined;
    const rule = this.#rules[i];
    rule.remaining--;
    if (rule.remaining <= 0) this.#rules.splice(i, 1);
    this.fired.push({ kind: rule.kind, operation, sellerId, at: now });
    const { remaining: _, ...out } = rule;
    return out;
  }
}

function checkRule(rule: FaultRule): FaultRule {
  if (!FAULT_KINDS.includes(rule.kind)) {
    throw new RangeError(`unknown fault kind: ${String(rule.kind)}`);
  }
  const count = rule.count ?? 1;
  if (!(count >= 1)) throw new RangeError("fault count must be at least 1");
  if (rule.delayMs !== undefined && !(rule.delayMs >= 0)) {
    throw new RangeError("delayMs must be >= 0");
  }
  return { ...rule };
}

/**
 * Parses an `x-sandbox-fault` header: a kind, then `;key=value` options.
 *
 * @example
 * parseFaultHeader("delay;ms=250");     // { kind: "delay", delayMs: 250 }
 * parseFaultHeader("throttle;retry-after=2");
 * parseFaultHeader("unavailable;html");
 */
export function parseFaultHeader(value: string): FaultRule | undefined {
  const [head, ...options] = value.split(";").map((s) => s.trim());
  if (!FAULT_KINDS.includes(head as FaultKind)) return undefined;
  const rule: FaultRule = { kind: head as FaultKind };
  for (const option of options) {
    const [key, raw] = option.split("=").map((s) => s.trim());
    if (key === "ms") rule.delayMs = Number(raw);
    else if (key === "retry-after") {
      rule.retryAfter = raw === "none" ? null : Number(raw);
    } else if (key === "html") rule.html = true;
  }
  return rule;
}
