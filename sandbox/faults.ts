// Fault injection: the failures the clients must survive (facts §7.2, §7.3)
// on demand, so the sync engine's retry, backoff, re-auth and resume paths
// are tested against a server rather than a mock. A rule says "the next N
// requests of this operation (of this seller) fail this way"; rules are
// consumed in the order they were added; a rule may first let a number of
// matching requests through ("the network drops at the 4th page"). Tests
// inject failures here rather than by wrapping the client's fetch, so the
// failure happens where it would: on the server's side of the wire.
// Besides the programmatic API, a
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
  /**
   * The connection drops before the body arrives: the client sees a network
   * error (the status line may have come through, the answer never does).
   */
  "connectionReset",
  /** 200 with a body cut off in the middle of the JSON. */
  "malformedJson",
  /**
   * 200 whose JSON carries a NUL (`\u0000`) inside every string value of
   * the field named `column` (every string value when none is named), as
   * Amazon sometimes sends in titles and names.
   */
  "nulInText",
  /** A report document whose gzip stream ends early. */
  "truncatedGzip",
  /**
   * A flat-file report document with one cell replaced (`column` of file
   * line `line`, by `value`): a malformed line the client must skip.
   */
  "corruptCell",
  /**
   * A requested report that cannot be built: an SP-API report (createReport)
   * ends FATAL with an error document, an Ads report (createAsyncReport)
   * ends FAILED with a failureReason.
   */
  "reportFatal",
  /** The access token presented is expired from now on: 403 Unauthorized. */
  "expiredToken",
  /**
   * 403 Unauthorized "Access to requested resource is denied." with a valid
   * token (Ads: 403 UNAUTHORIZED), as Amazon refuses an operation the
   * application's roles do not cover (getOrder without the restricted role).
   */
  "accessDenied",
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
  /** Matching requests let through before it starts to hit (default 0). */
  after?: number;
  /** Only requests that carry this query parameter (e.g. a page token). */
  withParam?: string;
  /** For `delay`: milliseconds to wait (default 1000). */
  delayMs?: number;
  /** For `throttle` on the Ads API: the Retry-After seconds, or null for none. */
  retryAfter?: number | null;
  /** For `unavailable`: answer with an HTML page instead of JSON. */
  html?: boolean;
  /**
   * For `corruptCell`: the column (by header name) whose cell is replaced
   * (a `value` with a raw NUL makes a flat file with a NUL byte); for
   * `nulInText`: the JSON field whose string values get a NUL.
   */
  column?: string;
  /** For `corruptCell`: the file line, the header being line 1 (default 2). */
  line?: number;
  /** For `corruptCell`: what the cell becomes (default "corrupt"). */
  value?: string;
}

/** A fault that fired, for tests to assert on. */
export interface FiredFault {
  kind: FaultKind;
  operation: string;
  sellerId?: string;
  at: number;
  /** What it did, where a kind says (corruptCell: `document`, `line`). */
  detail?: Record<string, string>;
}

/** A rule that is due for a request, with its record in `fired`. */
export type DueFault = FaultRule & { fired?: FiredFault };

/** Which kinds make sense for which kind of endpoint. */
export const KINDS_FOR = {
  api: [
    "throttle",
    "serverError",
    "unavailable",
    "delay",
    "hang",
    "connectionReset",
    "malformedJson",
    "nulInText",
    "expiredToken",
    "accessDenied",
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
  document: [
    "serverError",
    "unavailable",
    "delay",
    "hang",
    "connectionReset",
    "truncatedGzip",
    "corruptCell",
  ],
  report: ["reportFatal"],
} as const satisfies Record<string, readonly FaultKind[]>;

interface Pending extends FaultRule {
  remaining: number;
  /** Matching requests still to let through. */
  waiting: number;
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
      this.#rules.push({
        ...checkRule(rule),
        remaining: rule.count ?? 1,
        waiting: rule.after ?? 0,
      });
    }
  }

  /** Removes every pending rule. */
  clear(): void {
    this.#rules.length = 0;
  }

  /** Rules not yet used up, with what is left of their counts. */
  pending(): (FaultRule & { remaining: number })[] {
    return this.#rules.map(({ waiting: _, ...r }) => ({ ...r }));
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
    params?: URLSearchParams,
  ): DueFault | undefined {
    for (const [i, rule] of this.#rules.entries()) {
      const matches = (rule.operation === undefined ||
        rule.operation === "*" || rule.operation === operation) &&
        (rule.sellerId === undefined || rule.sellerId === sellerId) &&
        (rule.withParam === undefined ||
          (params?.has(rule.withParam) ?? false)) &&
        kinds.includes(rule.kind);
      if (!matches) continue;
      if (rule.waiting > 0) {
        rule.waiting--; // let this one through
        continue;
      }
      rule.remaining--;
      if (rule.remaining <= 0) this.#rules.splice(i, 1);
      const fired: FiredFault = {
        kind: rule.kind,
        operation,
        sellerId,
        at: now,
      };
      this.fired.push(fired);
      const { remaining: _, waiting: __, ...out } = rule;
      return { ...out, fired };
    }
    return undefined;
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
  if (rule.after !== undefined && !(rule.after >= 0)) {
    throw new RangeError("after must be >= 0");
  }
  if (rule.kind === "corruptCell" && !rule.column) {
    throw new RangeError("a corruptCell fault needs a column");
  }
  if (
    rule.line !== undefined && !(Number.isInteger(rule.line) && rule.line >= 1)
  ) {
    throw new RangeError("line must be a whole number from 1");
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
