// Data Policy §2: data only through Amazon's official authorization flows,
// and only for the company's own, registered seller accounts. The website
// authorization workflow (consent URL → callback → code exchange) and
// self-authorization (a pasted refresh token, accepted only after Amazon
// confirms it belongs to the registered account). Every outcome is audited.
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { Database, Principal } from "../../db/client.ts";
import { sellerRegistered } from "../../db/maintenance.ts";
import {
  amazonApps,
  storeCredentials,
  storeMarketplaces,
  stores,
} from "../../db/schema.ts";
import { appClient, saveStoreRefreshToken } from "../amazon/credentials.ts";
import {
  type AmazonEndpoints,
  amazonEndpoints,
  type Region,
} from "../amazon/endpoints.ts";
import { createLwaClient, type LwaClient, LwaError } from "../amazon/lwa.ts";
import { AdsApiError } from "../amazon/ads_client.ts";
import { SpApiError, spRequestOnce } from "../amazon/sp_client.ts";
import { encodeHex, sha256Hex } from "../security/_hex.ts";
import { recordAudit, recordAuditInTx } from "../security/audit.ts";
import { type ApiRequestLogRow, appendApiRequestLog } from "../ingest/ops.ts";
import type { Vault } from "../security/vault.ts";

/** Why the portal needs an SP-API role: codes, which the views put into words. */
export type SpApiRoleUse =
  | "account"
  | "listings"
  | "fulfillment"
  | "orders"
  | "finance"
  | "brand_analytics";

/** The SP-API roles this portal asks for (Amazon's names), and why (least privilege, §5). */
export const SP_API_ROLES: readonly { role: string; why: SpApiRoleUse }[] = [
  { role: "Selling Partner Insights", why: "account" },
  { role: "Product Listing", why: "listings" },
  { role: "Amazon Fulfillment", why: "fulfillment" },
  { role: "Inventory and Order Tracking", why: "orders" },
  { role: "Finance and Accounting", why: "finance" },
  { role: "Brand Analytics", why: "brand_analytics" },
];

const STATE_TTL_MS = 10 * 60_000;
const stateKey = (hash: string) => ["oauth_state", hash] as const;

export interface PendingState {
  storeId: string;
  appId: string;
  userId: string;
  session: string;
  redirectUri: string;
  api?: "sp-api" | "ads";
}

/** A random, single-use state for 10 minutes; only its hash is a key. */
export async function issueState(
  kv: Deno.Kv,
  pending: PendingState,
): Promise<string> {
  const state = encodeHex(crypto.getRandomValues(new Uint8Array(32)));
  await kv.set(stateKey(await sha256Hex(state)), pending, {
    expireIn: STATE_TTL_MS,
  });
  return state;
}

/**
 * Spends a state: it must exist, be this session's and this user's, and be
 * of the expected API. The binding is checked before the state is spent: a
 * callback presented from another session (or user, or for the other API)
 * is refused and leaves the state to its rightful owner. Of the rightful
 * callbacks whoever comes first consumes it (an atomic check and delete);
 * replays get null.
 */
export async function takeState(
  kv: Deno.Kv,
  state: string,
  expect: { userId: string; session: string; api: "sp-api" | "ads" },
): Promise<PendingState | null> {
  if (!/^[0-9a-f]{64}$/.test(state)) return null;
  const key = stateKey(await sha256Hex(state));
  const entry = await kv.get<PendingState>(key);
  const p = entry.value;
  if (
    !p || p.session !== expect.session || p.userId !== expect.userId ||
    (p.api ?? "sp-api") !== expect.api
  ) {
    return null;
  }
  const taken = (await kv.atomic().check(entry).delete(key).commit()).ok;
  return taken ? p : null;
}

export interface ConnectDeps {
  db: Database;
  kv: Deno.Kv;
  vault: Vault;
  lwa: LwaClient;
  endpoints: AmazonEndpoints;
  fetch?: typeof fetch;
}

/** Why a connection failed: codes, which the views put into words. */
export const CONNECT_FAILURES = [
  "bad_state",
  "not_own_account",
  "wrong_account",
  /** Amazon refused the authorization code. */
  "exchange_failed",
  /** Amazon refused the refresh token. */
  "token_refused",
  /** Not a refresh token at all (Amazon was not asked). */
  "token_invalid",
  /** Amazon could not be reached, or failed. */
  "amazon_error",
  "no_app",
] as const;

export type ConnectOutcome =
  | { ok: true; storeId: string }
  | {
    ok: false;
    reason: typeof CONNECT_FAILURES[number];
    storeId?: string;
  };

/** Why a connection cannot even begin: a code for the page to translate. */
export class ConnectError extends Error {
  override name = "ConnectError";
  constructor(readonly code: "no_store" | "no_app") {
    super(code);
  }
}

/**
 * Starts the website authorization workflow: a random, single-use state
 * bound to this admin's session for 10 minutes, and the consent URL of the
 * store's Seller Central.
 */
export async function beginWebsiteAuthorization(
  deps: ConnectDeps,
  actor: Principal,
  session: string,
  input: { storeId: string; appId: string; redirectUri: string },
): Promise<string> {
  const found = await deps.db.asUser(actor, async (tx) => {
    const [store] = await tx.select().from(stores).where(
      eq(stores.id, input.storeId),
    );
    const [app] = await tx.select().from(amazonApps).where(
      and(eq(amazonApps.id, input.appId), eq(amazonApps.api, "sp-api")),
    );
    const [market] = await tx.select().from(storeMarketplaces).where(
      eq(storeMarketplaces.storeId, input.storeId),
    ).limit(1);
    return { store, app, market };
  });
  if (!found.store) throw new ConnectError("no_store");
  // The SP-API application must be registered with its application id.
  if (!found.app?.applicationId) throw new ConnectError("no_app");
  const state = await issueState(deps.kv, {
    storeId: input.storeId,
    appId: input.appId,
    userId: actor.userId,
    session,
    redirectUri: input.redirectUri,
    api: "sp-api",
  });
  const url = new URL(
    "/apps/authorize/consent",
    deps.endpoints.sellerCentral(found.market?.countryCode ?? "US"),
  );
  url.searchParams.set("application_id", found.app.applicationId);
  url.searchParams.set("state", state);
  if (found.app.draft) url.searchParams.set("version", "beta");
  url.searchParams.set("redirect_uri", input.redirectUri);
  return url.toString();
}

const callbackQuery = z.object({
  state: z.string().regex(/^[0-9a-f]{64}$/),
  selling_partner_id: z.string().regex(/^A[0-9A-Z]{8,20}$/),
  spapi_oauth_code: z.string().min(1).max(2048),
});

/**
 * Completes the workflow: the state must be live, unused and this session's;
 * the selling partner must be the registered account the admin started
 * with; only then is the code exchanged and the refresh token sealed.
 */
export async function completeWebsiteAuthorization(
  deps: ConnectDeps,
  actor: Principal,
  session: string,
  query: Record<string, string>,
  meta: { ip?: string | null; requestId?: string | null } = {},
): Promise<ConnectOutcome> {
  const audit = (
    outcome: "success" | "failure" | "denied",
    details: Record<string, unknown>,
    storeId?: string,
  ) =>
    recordAudit(
      deps.db,
      storeId ? { ...actor, storeIds: [storeId] } : { ...actor, storeIds: [] },
      {
        actorType: "staff",
        actorId: actor.userId,
        action: "store.connect.website",
        storeId: storeId ?? null,
        outcome,
        ip: meta.ip ?? null,
        requestId: meta.requestId ?? null,
        details,
      },
    );
  const q = callbackQuery.safeParse(query);
  if (!q.success) {
    await audit("denied", { reason: "bad_callback" });
    return { ok: false, reason: "bad_state" };
  }
  // Single use, and only by the session that began it (takeState).
  const pending = await takeState(deps.kv, q.data.state, {
    userId: actor.userId,
    session,
    api: "sp-api",
  });
  if (!pending) {
    await audit("denied", { reason: "bad_state" });
    return { ok: false, reason: "bad_state" };
  }
  const storeId = pending.storeId;
  const store = await deps.db.asUser(actor, async (tx) => {
    const [s] = await tx.select().from(stores).where(eq(stores.id, storeId));
    return s;
  });
  if (!store) {
    await audit("denied", { reason: "bad_state" });
    return { ok: false, reason: "bad_state" };
  }
  if (q.data.selling_partner_id !== store.sellerId) {
    // Nothing is stored for an account that is not ours (§2).
    const own = await sellerRegistered(
      deps.db,
      q.data.selling_partner_id,
      store.region,
    );
    await audit("denied", {
      reason: own ? "wrong_account" : "not_own_account",
      sellingPartnerId: q.data.selling_partner_id,
    }, storeId);
    return {
      ok: false,
      reason: own ? "wrong_account" : "not_own_account",
      storeId,
    };
  }
  const app = await deps.db.asUser(
    actor,
    (tx) => appClient(tx, deps.vault, deps.lwa, pending.appId),
  );
  let refreshToken: string;
  // The code exchange is a call to Amazon: one API-log row (no code, no token).
  const log = connectionCallLog(storeId);
  try {
    const tokens = await log.logged(
      "lwa",
      "exchangeAuthorizationCode",
      () => app.exchangeCode(q.data.spapi_oauth_code, pending.redirectUri),
    );
    refreshToken = tokens.refreshToken;
  } catch (err) {
    await log.write(deps.db, actor);
    // Only Amazon's refusal is a refused code; anything else is no answer
    // from Amazon, or not Amazon's at all (rethrown, logged by the caller).
    if (!(err instanceof LwaError)) throw err;
    const reason = err.refused ? "exchange_failed" : "amazon_error";
    await audit("failure", { reason, error: err.code }, storeId);
    return { ok: false, reason, storeId };
  }
  await log.write(deps.db, actor);
  await connectStore(
    deps,
    actor,
    storeId,
    pending.appId,
    refreshToken,
    "website",
    meta,
  );
  return { ok: true, storeId };
}

/**
 * Self-authorization: a refresh token issued by Seller Central for our own
 * private app is accepted only after a token exchange and SP-API calls prove
 * it belongs to the registered account. The value is never shown again.
 */
export async function selfAuthorize(
  deps: ConnectDeps,
  actor: Principal,
  input: { storeId: string; appId: string; refreshToken: string },
  meta: { ip?: string | null; requestId?: string | null } = {},
): Promise<ConnectOutcome> {
  const log = connectionCallLog(input.storeId);
  try {
    return await selfAuthorizeLogged(deps, actor, input, meta, log.logged);
  } finally {
    await log.write(deps.db, actor);
  }
}

/**
 * The API log of a connection step (consent, self-authorization): every
 * outbound call to Amazon, LWA included, leaves one row (§9): operation,
 * status, latency, request id, error code; never a token, code, secret or
 * body. `write` appends the rows in the store's scope.
 */
export function connectionCallLog(storeId: string): {
  logged: Logged;
  write(db: ConnectDeps["db"], actor: Principal): Promise<void>;
} {
  const calls: ApiRequestLogRow[] = [];
  const logged: Logged = async (api, operation, call) => {
    const started = performance.now();
    const row: ApiRequestLogRow = {
      storeId,
      at: new Date(),
      api,
      operation,
      latencyMs: 0,
      attempts: 1,
    };
    try {
      const result = await call();
      const r = result as {
        status?: number;
        requestId?: string | null;
        rateLimit?: number | null;
      };
      row.httpStatus = r?.status ?? 200;
      row.requestId = r?.requestId ?? null;
      row.rateLimit = r?.rateLimit != null ? String(r.rateLimit) : null;
      return result;
    } catch (err) {
      const known = err instanceof SpApiError || err instanceof LwaError ||
        err instanceof AdsApiError;
      row.httpStatus = known ? err.status || null : null;
      row.errorCode = known ? err.code : "error";
      row.requestId = err instanceof SpApiError || err instanceof AdsApiError
        ? err.requestId
        : null;
      throw err;
    } finally {
      row.latencyMs = Math.round(performance.now() - started);
      calls.push(row);
    }
  };
  return {
    logged,
    async write(db, actor) {
      if (calls.length === 0) return;
      const rows = calls.splice(0);
      await db.asUser(
        { ...actor, storeIds: [storeId] },
        async (tx) => void await appendApiRequestLog(tx, rows),
      );
    },
  };
}

export type Logged = <T>(
  api: "lwa" | "sp-api" | "ads-api",
  operation: string,
  call: () => Promise<T>,
) => Promise<T>;

async function selfAuthorizeLogged(
  deps: ConnectDeps,
  actor: Principal,
  input: { storeId: string; appId: string; refreshToken: string },
  meta: { ip?: string | null; requestId?: string | null },
  logged: Logged,
): Promise<ConnectOutcome> {
  const token = input.refreshToken.trim();
  const found = await deps.db.asUser(actor, async (tx) => {
    const [store] = await tx.select().from(stores).where(
      eq(stores.id, input.storeId),
    );
    if (!store) return null;
    const markets = await tx.select().from(storeMarketplaces).where(
      eq(storeMarketplaces.storeId, input.storeId),
    );
    const [app] = await tx.select({ id: amazonApps.id }).from(amazonApps).where(
      and(eq(amazonApps.id, input.appId), eq(amazonApps.api, "sp-api")),
    );
    return {
      store,
      markets,
      app: app ? await appClient(tx, deps.vault, deps.lwa, app.id) : null,
    };
  });
  if (!found) throw new ConnectError("no_store");
  const audit = (
    outcome: "success" | "failure" | "denied",
    details: Record<string, unknown>,
  ) =>
    recordAudit(deps.db, { ...actor, storeIds: [input.storeId] }, {
      actorType: "staff",
      actorId: actor.userId,
      action: "store.connect.self",
      storeId: input.storeId,
      outcome,
      ip: meta.ip ?? null,
      requestId: meta.requestId ?? null,
      details,
    });
  if (!found.app) return { ok: false, reason: "no_app" };
  if (!/^Atzr\|[A-Za-z0-9_\-|.+/=]{8,2048}$/.test(token)) {
    // Not a refresh token at all: refused here, Amazon was not asked.
    await audit("failure", { reason: "token_invalid" });
    return { ok: false, reason: "token_invalid", storeId: input.storeId };
  }
  let accessToken: string;
  try {
    const app = found.app;
    accessToken = (await logged("lwa", "refreshAccessToken", () =>
      app.refresh(token)))
      .accessToken;
  } catch (err) {
    // Only Amazon's refusal is "refused"; a database or programming error
    // surfaces as what it is (rethrown, logged by the caller).
    if (!(err instanceof LwaError)) throw err;
    const reason = err.refused ? "token_refused" : "amazon_error";
    await audit("failure", { reason, error: err.code });
    return { ok: false, reason, storeId: input.storeId };
  }
  const baseUrl = deps.endpoints.spApi(found.store.region as Region);
  try {
    const participations = await logged(
      "sp-api",
      "getMarketplaceParticipations",
      () =>
        spRequestOnce<{ payload?: { marketplace?: { id?: string } }[] }>({
          baseUrl,
          accessToken,
          operation: "getMarketplaceParticipations",
          path: "/sellers/v1/marketplaceParticipations",
          fetch: deps.fetch,
        }),
    );
    const ids = new Set(
      (participations.body.payload ?? []).map((p) => p.marketplace?.id),
    );
    const ours = found.markets.filter((m) => ids.has(m.marketplaceId));
    if (ours.length === 0) {
      await audit("denied", {
        reason: "not_own_account",
        check: "marketplaces",
      });
      return { ok: false, reason: "not_own_account", storeId: input.storeId };
    }
    // Listings under the registered seller id answer only for that seller.
    const sellerId = found.store.sellerId;
    await logged("sp-api", "searchListingsItems", () =>
      spRequestOnce({
        baseUrl,
        accessToken,
        operation: "searchListingsItems",
        path: `/listings/2021-08-01/items/${sellerId}`,
        query: { marketplaceIds: ours[0].marketplaceId, pageSize: "1" },
        fetch: deps.fetch,
      }));
  } catch (err) {
    if (!(err instanceof SpApiError)) throw err;
    if (err.status === 403 || err.status === 401) {
      await audit("denied", {
        reason: "not_own_account",
        check: "seller_id",
        status: err.status,
      });
      return { ok: false, reason: "not_own_account", storeId: input.storeId };
    }
    await audit("failure", { reason: "amazon_error", status: err.status });
    return { ok: false, reason: "amazon_error", storeId: input.storeId };
  }
  await connectStore(
    deps,
    actor,
    input.storeId,
    input.appId,
    token,
    "self",
    meta,
  );
  return { ok: true, storeId: input.storeId };
}

async function connectStore(
  deps: ConnectDeps,
  actor: Principal,
  storeId: string,
  appId: string,
  refreshToken: string,
  method: "website" | "self",
  meta: { ip?: string | null; requestId?: string | null },
) {
  const now = new Date();
  await deps.db.asUser({ ...actor, storeIds: [storeId] }, async (tx) => {
    await saveStoreRefreshToken(tx, deps.vault, {
      storeId,
      api: "sp-api",
      appId,
      refreshToken,
      method,
      roles: SP_API_ROLES.map((r) => r.role),
      issuedAt: now,
    });
    await tx.update(stores).set({ status: "connected", updatedAt: now }).where(
      eq(stores.id, storeId),
    );
    await recordAuditInTx(tx, {
      actorType: "staff",
      actorId: actor.userId,
      action: `store.connect.${method}`,
      storeId,
      target: storeId,
      outcome: "success",
      ip: meta.ip ?? null,
      requestId: meta.requestId ?? null,
      details: { api: "sp-api", method },
    });
  });
  // Any access token cached for an earlier authorization is stale now.
  await deps.kv.delete(["lwa_access", storeId, "sp-api"]);
}

/** Builds the connection dependencies from configuration. */
export function connectDeps(opts: {
  db: Database;
  kv: Deno.Kv;
  vault: Vault;
  amazonBaseUrl?: string;
}): ConnectDeps {
  const endpoints = amazonEndpoints(opts.amazonBaseUrl);
  return {
    db: opts.db,
    kv: opts.kv,
    vault: opts.vault,
    endpoints,
    lwa: createLwaClient({ tokenUrl: endpoints.lwaTokenUrl }),
  };
}

export interface ConnectionStatus {
  credentials: {
    api: string;
    method: string;
    issuedAt: Date;
    lastUsedAt: Date | null;
    lastRotatedAt: Date | null;
    authorizationExpiresAt: Date | null;
    roles: string[];
    scopes: string[];
  }[];
  apps: { id: string; name: string; api: string; hasApplicationId: boolean }[];
}

/** What the store page shows about a store's authorizations: dates, never values. */
export async function connectionStatus(
  db: Database,
  principal: Principal,
  storeId: string,
): Promise<ConnectionStatus> {
  return await db.asUser(principal, async (tx) => {
    const creds = await tx.select().from(storeCredentials).where(
      eq(storeCredentials.storeId, storeId),
    );
    const apps = await tx.select().from(amazonApps);
    return {
      credentials: creds.map((c) => ({
        api: c.api,
        method: c.method,
        issuedAt: c.issuedAt,
        lastUsedAt: c.lastUsedAt,
        lastRotatedAt: c.lastRotatedAt,
        authorizationExpiresAt: c.authorizationExpiresAt,
        roles: c.roles,
        scopes: c.scopes,
      })),
      apps: apps.map((a) => ({
        id: a.id,
        name: a.name,
        api: a.api,
        hasApplicationId: Boolean(a.applicationId),
      })),
    };
  });
}
