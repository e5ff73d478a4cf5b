// The Advertising API request core (facts §5.2, §5.3, §5.7), the Ads
// counterpart of sp_client.ts: regional host, `Authorization: Bearer`, the
// Ads app's `Amazon-Advertising-API-ClientId` (opened here from the vault,
// never handed out), the `Amazon-Advertising-API-Scope` profile, vendor media
// types, a timeout per attempt, retries with exponential backoff and full
// jitter on 429/5xx/network errors honouring `Retry-After`, a client-side
// token bucket per profile shared through KV, one re-fetch of an expired
// token, and one api_request_log row per call. Ids in answers (profile ids
// exceed 2^53) are kept as strings. Nothing here logs a token or a body.
import { auditingVaultFailure } from "./vault_failures.ts";
import { and, eq } from "drizzle-orm";
import type { Database } from "../../db/client.ts";
import { storeCredentials } from "../../db/schema.ts";
import { appendApiRequestLog } from "../ingest/ops.ts";
import type { Vault } from "../security/vault.ts";
import { type AccessTokens, StoreNotConnectedError } from "./access_tokens.ts";
import { type AdsProfile, parseKeepingIds } from "./ads_profiles.ts";
import { openApp } from "./credentials.ts";
import type { AmazonEndpoints, Region } from "./endpoints.ts";
import { callPolicy, exchange } from "./http_exchange.ts";
import { retryAfterMs, safeText, USER_AGENT } from "./sp_client.ts";
import type { UsagePlan } from "./usage_plans.ts";

/** The usage-plan key of the Ads bucket (one bucket per store and profile). */
export const ADS_PLAN = "ads-api";

export interface AdsCall {
  storeId: string;
  region: Region;
  /** e.g. "listCampaigns": logs and counters. */
  operation: string;
  method?: "GET" | "POST" | "DELETE";
  /** e.g. "/sp/campaigns/list". */
  path: string;
  query?: Record<string, string | undefined>;
  /** The Amazon-Advertising-API-Scope; every call but /v2/profiles has one. */
  profileId?: string;
  /** Vendor media type, sent as Content-Type and Accept (v3 endpoints). */
  mediaType?: string;
  /** JSON. */
  body?: unknown;
}

export interface AdsResult<T> {
  body: T;
  status: number;
  requestId: string | null;
  attempts: number;
  throttles: number;
}

export interface AdsClientDeps {
  db: Database;
  kv: Deno.Kv;
  tokens: AccessTokens;
  endpoints: AmazonEndpoints;
  /** Opens the Ads app's client id (lib/amazon/credentials.ts). */
  vault: Vault;
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Stops waiting and calling (the run's lease was lost, or shutdown). */
  signal?: AbortSignal;
  /** Attempts per call, the first included (default 6). */
  maxAttempts?: number;
  /** Per attempt (default 30000). */
  timeoutMs?: number;
  onCall?: (info: {
    operation: string;
    attempts: number;
    throttles: number;
    status: number | null;
  }) => void;
  /** Plans replacing the documented ones; the Ads one is `ads-api`. */
  usagePlans?: Readonly<Record<string, UsagePlan>>;
  /** First backoff ceiling in ms (default 1000), doubled per retry. */
  backoffBaseMs?: number;
  /** Largest backoff ceiling in ms (default 60000). */
  backoffCapMs?: number;
  random?: () => number;
}

export interface AdsClient {
  call<T>(c: AdsCall): Promise<AdsResult<T>>;
}

/** An Ads API answer that is not a success, after any retries. */
export class AdsApiError extends Error {
  override name = "AdsApiError";
  constructor(
    /** HTTP status, 0 when no answer came. */
    readonly status: number,
    readonly code: string,
    readonly requestId: string | null,
    message: string,
    /** On 425: the report id the request duplicates. */
    readonly duplicateOf: string | null = null,
  ) {
    super(message);
  }
}

const RETRY_STATUS = new Set([429, 500, 502, 503, 504]);
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

interface Outcome {
  status: number | null;
  requestId: string | null;
  retryAfterMs: number | null;
  body?: unknown;
  error?: { code: string; message: string; duplicateOf: string | null };
}

/** Builds the URL on the region's host. */
export function adsUrl(base: string, c: Pick<AdsCall, "path" | "query">): URL {
  const url = new URL(c.path, `${base.replace(/\/+$/, "")}/`);
  for (const [k, v] of Object.entries(c.query ?? {})) {
    if (v !== undefined) url.searchParams.set(k, v);
  }
  return url;
}

/** The error of an answer: `{code, details}`, `{code, message}`, `{errors}`. */
function errorOf(status: number, text: string, parsed: unknown) {
  const b = (parsed ?? {}) as Record<string, unknown>;
  const first = Array.isArray(b.errors)
    ? b.errors[0] as Record<string, unknown> | undefined
    : undefined;
  const pick = (...v: unknown[]) =>
    v.find((x) => typeof x === "string" && x !== "") as string | undefined;
  const code = pick(b.code, first?.code, first?.errorType) ??
    (status === 429 ? "TOO_MANY_REQUESTS" : "HttpError");
  const message = pick(b.details, b.detail, b.message, first?.message) ?? "";
  return {
    code: safeText(code).slice(0, 60),
    message: safeText(message),
    duplicateOf: status === 425 ? UUID.exec(text)?.[0] ?? null : null,
  };
}

/**
 * One Ads API request with `token` and the app's `clientId`: the headers, the
 * URL, the answer read (ids kept as strings) and its error typed. Network
 * errors and timeouts are status null; a 200 whose JSON is cut off is a
 * MalformedResponse.
 */
export async function adsExchange(
  doFetch: typeof fetch,
  baseUrl: string,
  c: Pick<
    AdsCall,
    "method" | "path" | "query" | "profileId" | "mediaType" | "body"
  >,
  token: string,
  clientId: string,
  opts: { timeoutMs: number; signal?: AbortSignal; now: () => number },
): Promise<Outcome> {
  const method = c.method ?? "GET";
  const headers: Record<string, string> = {
    authorization: `Bearer ${token}`,
    "Amazon-Advertising-API-ClientId": clientId,
    "user-agent": USER_AGENT,
    accept: c.mediaType ?? "application/json",
  };
  if (c.profileId) headers["Amazon-Advertising-API-Scope"] = c.profileId;
  let body: string | undefined;
  if (c.body !== undefined && method !== "GET") {
    headers["content-type"] = c.mediaType ?? "application/json";
    body = JSON.stringify(c.body);
  }
  const x = await exchange(doFetch, adsUrl(baseUrl, c), {
    method,
    headers,
    body,
  }, {
    timeoutMs: opts.timeoutMs,
    signal: opts.signal,
    parse: parseKeepingIds,
  });
  if (x.kind === "failed") {
    return {
      status: null,
      requestId: null,
      retryAfterMs: null,
      error: {
        code: x.code,
        message: safeText(x.message),
        duplicateOf: null,
      },
    };
  }
  const { res, parsed, parsedOk, text } = x;
  const out: Outcome = {
    status: res.status,
    requestId: res.headers.get("x-amzn-requestid") ??
      res.headers.get("x-amz-rid"),
    retryAfterMs: retryAfterMs(res.headers.get("retry-after"), opts.now()),
  };
  if (res.ok) {
    if (!parsedOk) {
      // A 200 whose JSON is cut off: a transport failure, retried.
      out.error = {
        code: "MalformedResponse",
        message: "the answer is not valid JSON",
        duplicateOf: null,
      };
      return out;
    }
    out.body = parsed;
    return out;
  }
  out.error = errorOf(res.status, text, parsed);
  return out;
}

/** The typed error of an outcome that failed. */
function adsError(operation: string, o: Outcome, attempts: number) {
  const e = o.error!;
  return new AdsApiError(
    o.status ?? 0,
    e.code,
    o.requestId,
    `Ads API ${operation} ${
      o.status === null ? "failed" : `answered ${o.status}`
    } ${e.code}${e.message ? `: ${e.message}` : ""} (attempts: ${attempts})`,
    e.duplicateOf,
  );
}

/**
 * Lists the advertising profiles an access token may use (GET /v2/profiles,
 * no Scope header), once, through the client's request path: what the Ads
 * authorization needs before a store's Ads credentials exist. Throws
 * AdsApiError for every failure, a missing answer included.
 */
export async function listAdsProfiles(opts: {
  baseUrl: string;
  clientId: string;
  accessToken: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}): Promise<AdsProfile[]> {
  const o = await adsExchange(
    opts.fetch ?? fetch,
    opts.baseUrl,
    { path: "/v2/profiles" },
    opts.accessToken,
    opts.clientId,
    { timeoutMs: opts.timeoutMs ?? 30_000, now: Date.now },
  );
  if (o.error) throw adsError("listProfiles", o, 1);
  return o.body as AdsProfile[];
}

/**
 * Creates the Advertising API client.
 *
 * @example
 * const ads = createAdsClient({ db, kv, tokens, endpoints, vault });
 * const r = await ads.call<{ campaigns: unknown[] }>({
 *   storeId, region: "NA", operation: "listCampaigns", method: "POST",
 *   path: "/sp/campaigns/list", profileId,
 *   mediaType: "application/vnd.spCampaign.v3+json", body: { maxResults: 100 },
 * });
 */
export function createAdsClient(deps: AdsClientDeps): AdsClient {
  const doFetch = deps.fetch ?? fetch;
  const { now, sleep, maxAttempts, timeoutMs, limiter, backoff: wait } =
    callPolicy(deps);
  const clientIds = new Map<string, Promise<string>>();

  /** The Ads app's LWA client id of the store's Ads authorization, cached. */
  const clientIdOf = (storeId: string): Promise<string> => {
    let p = clientIds.get(storeId);
    if (!p) {
      p = auditingVaultFailure(
        deps.db,
        storeId,
        "ads_client_id",
        () =>
          deps.db.asJob(storeId, async (tx) => {
            const [cred] = await tx.select({ appId: storeCredentials.appId })
              .from(storeCredentials).where(and(
                eq(storeCredentials.storeId, storeId),
                eq(storeCredentials.api, "ads"),
              ));
            if (!cred) {
              throw new StoreNotConnectedError(
                `store ${storeId} has no Ads API authorization`,
              );
            }
            return (await openApp(tx, deps.vault, cred.appId)).clientId;
          }),
      );
      clientIds.set(storeId, p);
      p.catch(() => clientIds.delete(storeId));
    }
    return p;
  };

  const attempt = (
    c: AdsCall,
    token: string,
    clientId: string,
  ): Promise<Outcome> =>
    adsExchange(doFetch, deps.endpoints.ads(c.region), c, token, clientId, {
      timeoutMs,
      signal: deps.signal,
      now,
    });

  const backoff = (retry: number, o: Outcome): number =>
    wait(retry, o.retryAfterMs);

  return {
    async call<T>(c: AdsCall): Promise<AdsResult<T>> {
      const startedAt = now();
      const bucket = `${c.storeId}:${c.profileId ?? ""}`;
      let latency = 0;
      let attempts = 0;
      let throttles = 0;
      let reauthorized = false;
      let last: Outcome | undefined;
      let failure: unknown = undefined;
      try {
        const clientId = await clientIdOf(c.storeId);
        for (;;) {
          await limiter.take(bucket, ADS_PLAN);
          const token = await deps.tokens.get(c.storeId, "ads");
          attempts++;
          const t0 = performance.now();
          last = await attempt(c, token, clientId);
          latency += performance.now() - t0;
          if (!last.error) break;
          if (last.status === 429) {
            throttles++;
            await limiter.drain(bucket, ADS_PLAN);
          }
          // The Ads API answers an expired token with 401 (facts §5.3).
          if (last.status === 401 && !reauthorized) {
            reauthorized = true;
            await deps.tokens.invalidate(c.storeId, "ads");
            continue;
          }
          const retryable = last.status === null ||
            RETRY_STATUS.has(last.status) ||
            last.error.code === "MalformedResponse";
          if (!retryable || attempts >= maxAttempts) break;
          await sleep(backoff(attempts, last));
        }
      } catch (err) {
        failure = err; // tokens, vault, KV: not an HTTP outcome, still logged
      }
      const status = last?.status ?? null;
      await deps.db.asJob(c.storeId, (tx) =>
        appendApiRequestLog(tx, [{
          storeId: c.storeId,
          at: new Date(startedAt),
          api: "ads-api",
          operation: c.operation,
          httpStatus: status,
          latencyMs: Math.round(latency),
          attempts,
          requestId: last?.requestId ?? null,
          rateLimit: null,
          errorCode: failure !== undefined
            ? (failure as Error)?.name ?? "Error"
            : last?.error?.code ?? null,
        }]));
      deps.onCall?.({ operation: c.operation, attempts, throttles, status });
      if (failure !== undefined) throw failure;
      if (last!.error) throw adsError(c.operation, last!, attempts);
      return {
        body: last!.body as T,
        status: status!,
        requestId: last!.requestId,
        attempts,
        throttles,
      };
    },
  };
}
