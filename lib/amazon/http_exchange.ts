// One HTTP exchange with an Amazon API, shared by the SP-API and Ads API
// clients: a timeout per attempt (and the run's abort signal), network
// failures and cut-off bodies told apart from answers, and the body read
// and parsed once. What an answer means (errors, retries) stays with each
// client. `callPolicy` resolves the options both clients share: clock,
// abortable sleep, attempts, timeout, jittered backoff, token buckets.
import { sleep as abortableSleep } from "../sleep.ts";
import { createRateLimiter, type RateLimiter } from "./rate_limiter.ts";
import type { UsagePlan } from "./usage_plans.ts";

/** What came back, or why nothing usable did. */
export type Exchange =
  | {
    kind: "answer";
    res: Response;
    /** The parsed JSON body (null for an empty body). */
    parsed: unknown;
    /** False when the body is not valid JSON (parsed is then null). */
    parsedOk: boolean;
    text: string;
  }
  | {
    /** No answer at all: a timeout, a refused connection, a cut-off body. */
    kind: "failed";
    /** "Timeout", "NetworkError" (the answer was cut off or never came). */
    code: "Timeout" | "NetworkError";
    message: string;
    /** The status line, when one arrived before the body broke. */
    status: number | null;
    res: Response | null;
  };

/**
 * Sends one request and reads its body as JSON with `parse`.
 *
 * @example
 * const x = await exchange(fetch, url, { method: "GET", headers }, {
 *   timeoutMs: 30_000, parse: JSON.parse,
 * });
 */
export async function exchange(
  doFetch: typeof fetch,
  url: URL | string,
  init: RequestInit,
  opts: {
    timeoutMs: number;
    signal?: AbortSignal;
    parse: (text: string) => unknown;
  },
): Promise<Exchange> {
  let res: Response;
  try {
    res = await doFetch(url, {
      ...init,
      signal: opts.signal
        ? AbortSignal.any([AbortSignal.timeout(opts.timeoutMs), opts.signal])
        : AbortSignal.timeout(opts.timeoutMs),
    });
  } catch (err) {
    opts.signal?.throwIfAborted();
    // fetch fails with TypeError (network) or DOMException (its timeout).
    if (!(err instanceof TypeError || err instanceof DOMException)) throw err;
    const timeout = err instanceof DOMException &&
      (err.name === "TimeoutError" || err.name === "AbortError");
    return {
      kind: "failed",
      code: timeout ? "Timeout" : "NetworkError",
      message: timeout
        ? `no answer within ${opts.timeoutMs} ms`
        : String((err as Error)?.name ?? "network error").slice(0, 100),
      status: null,
      res: null,
    };
  }
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    opts.signal?.throwIfAborted();
    // A body cut off, or its timeout: TypeError or DOMException.
    if (!(err instanceof TypeError || err instanceof DOMException)) throw err;
    return {
      kind: "failed",
      code: "NetworkError",
      message: "the answer was cut off",
      status: res.status,
      res,
    };
  }
  try {
    return {
      kind: "answer",
      res,
      parsed: text ? opts.parse(text) : null,
      parsedOk: true,
      text,
    };
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    return { kind: "answer", res, parsed: null, parsedOk: false, text };
  }
}

/** The retry, timeout and rate-limit options both clients take. */
export interface CallPolicyDeps {
  kv: Deno.Kv;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  signal?: AbortSignal;
  /** Attempts per call, the first included (default 6). */
  maxAttempts?: number;
  /** Per attempt (default 30000). */
  timeoutMs?: number;
  /** First backoff ceiling in ms (default 1000), doubled per retry. */
  backoffBaseMs?: number;
  /** Largest backoff ceiling in ms (default 60000). */
  backoffCapMs?: number;
  /** Random source for the jitter (default Math.random). */
  random?: () => number;
  usagePlans?: Readonly<Record<string, UsagePlan>>;
}

/** The options resolved: clock, abortable sleep, backoff and token buckets. */
export interface CallPolicy {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  maxAttempts: number;
  timeoutMs: number;
  /** Retry-After when Amazon gave one, else exponential backoff with full jitter. */
  backoff(retry: number, retryAfterMs: number | null): number;
  limiter: RateLimiter;
}

/** Resolves a client's retry, timeout and rate-limit options. */
export function callPolicy(deps: CallPolicyDeps): CallPolicy {
  const now = deps.now ?? Date.now;
  const sleep = async (ms: number) => {
    deps.signal?.throwIfAborted();
    await (deps.sleep ?? ((t: number) => abortableSleep(t, deps.signal)))(ms);
    deps.signal?.throwIfAborted();
  };
  const baseMs = deps.backoffBaseMs ?? 1_000;
  const capMs = deps.backoffCapMs ?? 60_000;
  const random = deps.random ?? Math.random;
  return {
    now,
    sleep,
    maxAttempts: Math.max(1, deps.maxAttempts ?? 6),
    timeoutMs: deps.timeoutMs ?? 30_000,
    backoff: (retry, retryAfterMs) =>
      retryAfterMs ??
        Math.floor(random() * Math.min(capMs, baseMs * 2 ** (retry - 1))),
    limiter: createRateLimiter({
      kv: deps.kv,
      now,
      sleep,
      usagePlans: deps.usagePlans,
    }),
  };
}
