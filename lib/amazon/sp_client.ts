// The SP-API request core (facts §3): regional host, `x-amz-access-token`,
// typed errors from `{errors:[{code,message,details}]}`, `x-amzn-RequestId`
// and `x-amzn-RateLimit-Limit` captured, a timeout per attempt, retries with
// exponential backoff and full jitter on 429/5xx/network errors, client-side
// token buckets shared through KV, and one api_request_log row per call.
// Nothing here logs or echoes a token or a response body. Every SP-API
// request goes out through `spExchange`: the client's calls, and the single
// checks of authorization (`spRequestOnce`) before a store is connected.
import type { Database } from "../../db/client.ts";
import { type ApiRequestLogRow, appendApiRequestLog } from "../ingest/ops.ts";
import type { AccessTokens } from "./access_tokens.ts";
import type { AmazonEndpoints } from "./endpoints.ts";
import { callPolicy, exchange } from "./http_exchange.ts";

import type { UsagePlan } from "./usage_plans.ts";

/** An SP-API request that did not succeed (after any retries). */
export class SpApiError extends Error {
  override name = "SpApiError";
  constructor(
    /** HTTP status, 0 when no answer came. */
    readonly status: number,
    /** Amazon's error code, or Timeout, NetworkError, MalformedResponse. */
    readonly code: string,
    readonly requestId: string | null,
    message: string,
  ) {
    super(message);
  }
}

export interface SpCall {
  storeId: string;
  region: "NA" | "EU" | "FE";
  /** e.g. "searchOrders": the key of the usage plan. */
  operation: string;
  method?: "GET" | "POST" | "DELETE";
  /** e.g. "/orders/2026-01-01/orders". */
  path: string;
  query?: Record<string, string | string[] | undefined>;
  /** JSON. */
  body?: unknown;
}

export interface SpResult<T> {
  body: T;
  status: number;
  requestId: string | null;
  rateLimit: number | null;
  attempts: number;
  throttles: number;
}

export interface SpClientDeps {
  db: Database;
  kv: Deno.Kv;
  tokens: AccessTokens;
  endpoints: AmazonEndpoints;
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Stops waiting and calling (the run's lease was lost, or shutdown). */
  signal?: AbortSignal;
  /** Attempts per call, the first included (default 6). */
  maxAttempts?: number;
  /** Per attempt (default 30000). */
  timeoutMs?: number;
  /** Called once per call with totals, for sync-run counters. */
  onCall?: (
    info: {
      operation: string;
      attempts: number;
      throttles: number;
      status: number | null;
    },
  ) => void;
  /** Usage plans replacing the documented ones (tests, benches). */
  usagePlans?: Readonly<Record<string, UsagePlan>>;
  /** First backoff ceiling in ms (default 1000), doubled per retry. */
  backoffBaseMs?: number;
  /** Largest backoff ceiling in ms (default 60000). */
  backoffCapMs?: number;
  /** Random source for the jitter (default Math.random). */
  random?: () => number;
}

export interface SpClient {
  call<T>(c: SpCall): Promise<SpResult<T>>;
}

export const USER_AGENT = "Custodian/1.0 (Language=TypeScript; Platform=Deno)";
const RETRY_STATUS = new Set([429, 500, 502, 503, 504]);

/** What one request came to: an answer, its error, or no answer. */
export interface SpOutcome {
  status: number | null;
  requestId: string | null;
  rateLimit: number | null;
  retryAfterMs: number | null;
  body?: unknown;
  error?: { code: string; message: string; details: string };
}

/** Builds the URL: arrays are comma-separated, as the SP-API models expect. */
export function spUrl(base: string, c: Pick<SpCall, "path" | "query">): URL {
  const url = new URL(c.path, `${base.replace(/\/+$/, "")}/`);
  for (const [k, v] of Object.entries(c.query ?? {})) {
    if (v === undefined) continue;
    if (Array.isArray(v)) {
      if (v.length) url.searchParams.set(k, v.join(","));
    } else url.searchParams.set(k, v);
  }
  return url;
}

/** Seconds or an HTTP date, as ms from now; null when absent or unreadable. */
export function retryAfterMs(h: string | null, now: number): number | null {
  if (!h) return null;
  const s = Number(h);
  if (Number.isFinite(s) && s >= 0) return Math.ceil(s * 1000);
  const at = Date.parse(h);
  return Number.isFinite(at) ? Math.max(0, at - now) : null;
}

/** Amazon's message, cut short, with anything token-like masked. */
export function safeText(s: unknown): string {
  if (typeof s !== "string") return "";
  return s.replace(/\b(Atz[ar]\|)\S+/g, "$1[redacted]")
    .replace(/\b[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_.-]{20,}/g, "[redacted]")
    .slice(0, 200);
}

function expiredTokenAnswer(o: SpOutcome): boolean {
  return o.status === 403 && o.error?.code === "Unauthorized" &&
    /expired|invalid|token/i.test(`${o.error.message} ${o.error.details}`);
}

/**
 * One SP-API request with `token`: the headers, the URL, the answer read and
 * its error body typed. Network errors and timeouts are status null; a 200
 * whose JSON is cut off is a MalformedResponse.
 */
export async function spExchange(
  doFetch: typeof fetch,
  baseUrl: string,
  c: Pick<SpCall, "method" | "path" | "query" | "body">,
  token: string,
  opts: { timeoutMs: number; signal?: AbortSignal; now: () => number },
): Promise<SpOutcome> {
  const method = c.method ?? "GET";
  const headers: Record<string, string> = {
    "x-amz-access-token": token,
    "user-agent": USER_AGENT,
    accept: "application/json",
  };
  let body: string | undefined;
  if (c.body !== undefined && method !== "GET") {
    headers["content-type"] = "application/json";
    body = JSON.stringify(c.body);
  }
  const x = await exchange(
    doFetch,
    spUrl(baseUrl, c),
    {
      method,
      headers,
      body,
    },
    { timeoutMs: opts.timeoutMs, signal: opts.signal, parse: JSON.parse },
  );
  if (x.kind === "failed") {
    return {
      status: null,
      requestId: x.res?.headers.get("x-amzn-requestid") ?? null,
      rateLimit: null,
      retryAfterMs: null,
      error: { code: x.code, message: safeText(x.message), details: "" },
    };
  }
  const { res, parsed, parsedOk } = x;
  const requestId = res.headers.get("x-amzn-requestid");
  const limit = Number(res.headers.get("x-amzn-ratelimit-limit") ?? NaN);
  const out: SpOutcome = {
    status: res.status,
    requestId,
    rateLimit: Number.isFinite(limit) && limit > 0 ? limit : null,
    retryAfterMs: retryAfterMs(res.headers.get("retry-after"), opts.now()),
  };
  if (res.ok) {
    if (!parsedOk) {
      // A 200 whose JSON is cut off: a transport failure, retried.
      out.error = {
        code: "MalformedResponse",
        message: "the answer is not valid JSON",
        details: "",
      };
      return out;
    }
    out.body = parsed;
    return out;
  }
  const first = (parsed as {
    errors?: { code?: unknown; message?: unknown; details?: unknown }[];
  } | null)?.errors?.[0];
  out.error = {
    code: typeof first?.code === "string" && first.code
      ? first.code
      : res.status === 429
      ? "QuotaExceeded"
      : "HttpError",
    message: safeText(first?.message),
    details: safeText(first?.details),
  };
  return out;
}

/** The typed error of an outcome that failed. */
function spError(
  operation: string,
  o: SpOutcome,
  attempts: number,
): SpApiError {
  const e = o.error!;
  return new SpApiError(
    o.status ?? 0,
    e.code,
    o.requestId,
    `SP-API ${operation} ${
      o.status === null ? "failed" : `answered ${o.status}`
    } ${e.code}${e.message ? `: ${e.message}` : ""} (attempts: ${attempts})`,
  );
}

/** One answer of `spRequestOnce`. */
export interface SpResponse<T> {
  body: T;
  status: number;
  requestId: string | null;
  rateLimit: number | null;
}

/**
 * One SP-API request with an access token in hand, through the client's own
 * request path but with no retry, token bucket or log row (the caller logs
 * it): what the authorization checks need before a store is connected.
 * Throws SpApiError for every failure, a missing answer included.
 *
 * @example
 * const r = await spRequestOnce<{ payload: unknown[] }>({
 *   baseUrl, accessToken, operation: "getMarketplaceParticipations",
 *   path: "/sellers/v1/marketplaceParticipations",
 * });
 */
export async function spRequestOnce<T>(opts: {
  baseUrl: string;
  accessToken: string;
  operation: string;
  path: string;
  query?: SpCall["query"];
  fetch?: typeof fetch;
  timeoutMs?: number;
  signal?: AbortSignal;
}): Promise<SpResponse<T>> {
  const o = await spExchange(
    opts.fetch ?? fetch,
    opts.baseUrl,
    { path: opts.path, query: opts.query },
    opts.accessToken,
    { timeoutMs: opts.timeoutMs ?? 30_000, signal: opts.signal, now: Date.now },
  );
  if (o.error) throw spError(opts.operation, o, 1);
  return {
    body: o.body as T,
    status: o.status!,
    requestId: o.requestId,
    rateLimit: o.rateLimit,
  };
}

/**
 * Creates the SP-API client.
 *
 * @example
 * const sp = createSpClient({ db, kv, tokens, endpoints });
 * const r = await sp.call<{ orders: unknown[] }>({
 *   storeId, region: "NA", operation: "searchOrders",
 *   path: "/orders/2026-01-01/orders",
 *   query: { marketplaceIds: ["ATVPDKIKX0DER"], lastUpdatedAfter: since },
 * });
 */
export function createSpClient(deps: SpClientDeps): SpClient {
  const doFetch = deps.fetch ?? fetch;
  const { now, sleep, maxAttempts, timeoutMs, limiter, backoff: wait } =
    callPolicy(deps);

  const attempt = (c: SpCall, token: string): Promise<SpOutcome> =>
    spExchange(doFetch, deps.endpoints.spApi(c.region), c, token, {
      timeoutMs,
      signal: deps.signal,
      now,
    });

  const backoff = (retry: number, o: SpOutcome): number =>
    wait(retry, o.retryAfterMs);

  const writeLog = (row: ApiRequestLogRow) =>
    deps.db.asJob(row.storeId, (tx) => appendApiRequestLog(tx, [row]));

  return {
    async call<T>(c: SpCall): Promise<SpResult<T>> {
      const startedAt = now();
      let latency = 0;
      let attempts = 0;
      let throttles = 0;
      let reauthorized = false;
      let rateLimit: number | null = null;
      let last: SpOutcome | undefined;
      let failure: unknown = undefined;
      try {
        for (;;) {
          await limiter.take(c.storeId, c.operation);
          const token = await deps.tokens.get(c.storeId, "sp-api");
          attempts++;
          const t0 = performance.now();
          last = await attempt(c, token);
          latency += performance.now() - t0;
          if (last.rateLimit !== null) {
            rateLimit = last.rateLimit;
            await limiter.observeRate(c.storeId, c.operation, last.rateLimit);
          }
          if (!last.error) break;
          if (last.status === 429) {
            throttles++;
            await limiter.drain(c.storeId, c.operation);
          }
          if (expiredTokenAnswer(last) && !reauthorized) {
            reauthorized = true;
            await deps.tokens.invalidate(c.storeId, "sp-api");
            continue;
          }
          const retryable = last.status === null ||
            RETRY_STATUS.has(last.status) ||
            last.error.code === "MalformedResponse";
          if (!retryable || attempts >= maxAttempts) break;
          await sleep(backoff(attempts, last));
        }
      } catch (err) {
        failure = err; // tokens, KV: not an HTTP outcome, still logged
      }
      const status = last?.status ?? null;
      const errorCode = failure !== undefined
        ? (failure as Error)?.name ?? "Error"
        : last?.error?.code ?? null;
      await writeLog({
        storeId: c.storeId,
        at: new Date(startedAt),
        api: "sp-api",
        operation: c.operation,
        httpStatus: status,
        latencyMs: Math.round(latency),
        attempts,
        requestId: last?.requestId ?? null,
        rateLimit: rateLimit === null ? null : String(rateLimit),
        errorCode,
      });
      deps.onCall?.({ operation: c.operation, attempts, throttles, status });
      if (failure !== undefined) throw failure;
      if (last!.error) throw spError(c.operation, last!, attempts);
      return {
        body: last!.body as T,
        status: status!,
        requestId: last!.requestId,
        rateLimit,
        attempts,
        throttles,
      };
    },
  };
}

/**
 * Walks `NextToken` / `nextToken` / `paginationToken` pages; stops when none.
 *
 * @example
 * for await (const page of paginate(sp, first, {
 *   next: (b: { pagination?: { nextToken?: string } }) => b.pagination?.nextToken,
 *   tokenParam: "paginationToken",
 * })) { … }
 */
export async function* paginate<T>(
  client: SpClient,
  first: SpCall,
  opts: {
    next: (body: T) => string | undefined | null;
    tokenParam: string;
    /** Send only the token on later pages (Reports getReports). */
    onlyToken?: boolean;
    /** Query params still sent with the token when `onlyToken` is set. */
    keep?: string[];
  },
): AsyncGenerator<SpResult<T>> {
  const seen = new Set<string>();
  let call = first;
  for (;;) {
    const page = await client.call<T>(call);
    yield page;
    const token = opts.next(page.body);
    if (!token) return;
    if (seen.has(token)) {
      throw new Error(
        `SP-API ${first.operation} returned a page token twice; stopping`,
      );
    }
    seen.add(token);
    const query: Record<string, string | string[] | undefined> = {};
    const base = first.query ?? {};
    if (opts.onlyToken) {
      for (const k of opts.keep ?? []) query[k] = base[k];
    } else {
      Object.assign(query, base);
    }
    query[opts.tokenParam] = token;
    call = { ...first, query };
  }
}
