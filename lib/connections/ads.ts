// Data Policy §2 and §5: the Advertising API through Login with Amazon's
// official grant for `advertising::campaign_management` only; the profiles
// that come back must be the store's own seller account, mapped to its
// registered marketplaces.
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { Principal } from "../../db/client.ts";
import { amazonApps, storeMarketplaces, stores } from "../../db/schema.ts";
import { AdsApiError, listAdsProfiles } from "../amazon/ads_client.ts";
import {
  type AppClient,
  appClient,
  saveStoreRefreshToken,
} from "../amazon/credentials.ts";
import type { Region } from "../amazon/endpoints.ts";
import { LwaError } from "../amazon/lwa.ts";
import { upsertAdProfiles } from "../ingest/ads.ts";
import { recordAudit, recordAuditInTx } from "../security/audit.ts";
import {
  type ConnectDeps,
  ConnectError,
  connectionCallLog,
  type ConnectOutcome,
  issueState,
  type Logged,
  takeState,
} from "./authorize.ts";

export const ADS_SCOPE = "advertising::campaign_management";

/** The consent URL for the Ads API, with a state bound to this session. */
export async function beginAdsAuthorization(
  deps: ConnectDeps,
  actor: Principal,
  session: string,
  input: { storeId: string; appId: string; redirectUri: string },
): Promise<string> {
  const found = await deps.db.asUser(actor, async (tx) => {
    const [store] = await tx.select().from(stores).where(
      eq(stores.id, input.storeId),
    );
    const [app] = await tx.select({ id: amazonApps.id }).from(amazonApps).where(
      and(eq(amazonApps.id, input.appId), eq(amazonApps.api, "ads")),
    );
    return {
      store,
      app: app ? await appClient(tx, deps.vault, deps.lwa, app.id) : null,
    };
  });
  if (!found.store) throw new ConnectError("no_store");
  // The Ads API client must be registered first.
  if (!found.app) throw new ConnectError("no_app");
  const state = await issueState(deps.kv, {
    storeId: input.storeId,
    appId: input.appId,
    userId: actor.userId,
    session,
    redirectUri: input.redirectUri,
    api: "ads",
  });
  const url = new URL(deps.endpoints.adsConsent(found.store.region as Region));
  url.searchParams.set("client_id", found.app.clientId);
  url.searchParams.set("scope", ADS_SCOPE);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("redirect_uri", input.redirectUri);
  url.searchParams.set("state", state);
  return url.toString();
}

const callback = z.object({
  state: z.string(),
  code: z.string().min(1).max(2048),
  scope: z.string().optional(),
});

/**
 * Exchanges the code, lists the profiles, keeps only the store's own seller
 * profiles in its marketplaces, and stores the sealed refresh token.
 */
export async function completeAdsAuthorization(
  deps: ConnectDeps,
  actor: Principal,
  session: string,
  query: Record<string, string>,
  meta: { ip?: string | null; requestId?: string | null } = {},
): Promise<ConnectOutcome & { profiles?: number }> {
  const audit = (
    outcome: "success" | "failure" | "denied",
    details: Record<string, unknown>,
    storeId?: string,
  ) =>
    recordAudit(deps.db, { ...actor, storeIds: storeId ? [storeId] : [] }, {
      actorType: "staff",
      actorId: actor.userId,
      action: "store.connect.ads",
      storeId: storeId ?? null,
      outcome,
      ip: meta.ip ?? null,
      requestId: meta.requestId ?? null,
      details,
    });
  const q = callback.safeParse(query);
  const pending = q.success
    ? await takeState(deps.kv, q.data.state, {
      userId: actor.userId,
      session,
      api: "ads",
    })
    : null;
  if (!q.success || !pending) {
    await audit("denied", { reason: "bad_state" });
    return { ok: false, reason: "bad_state" };
  }
  const storeId = pending.storeId;
  const found = await deps.db.asUser(actor, async (tx) => {
    const [store] = await tx.select().from(stores).where(
      eq(stores.id, storeId),
    );
    const markets = await tx.select().from(storeMarketplaces).where(
      eq(storeMarketplaces.storeId, storeId),
    );
    return {
      store,
      markets,
      app: await appClient(tx, deps.vault, deps.lwa, pending.appId),
    };
  });
  // The code exchange and the profiles call are calls to Amazon: one
  // API-log row each (never the code, a token or the secret).
  const log = connectionCallLog(storeId);
  try {
    return await completeAdsLogged(deps, actor, meta, {
      code: q.data.code,
      pending,
      found,
      audit,
      logged: log.logged,
    });
  } finally {
    await log.write(deps.db, actor);
  }
}

async function completeAdsLogged(
  deps: ConnectDeps,
  actor: Principal,
  meta: { ip?: string | null; requestId?: string | null },
  c: {
    code: string;
    pending: { storeId: string; appId: string; redirectUri: string };
    found: {
      store: typeof stores.$inferSelect;
      markets: (typeof storeMarketplaces.$inferSelect)[];
      app: AppClient;
    };
    audit: (
      outcome: "success" | "failure" | "denied",
      details: Record<string, unknown>,
      storeId?: string,
    ) => Promise<unknown>;
    logged: Logged;
  },
): Promise<ConnectOutcome & { profiles?: number }> {
  const { pending, found, audit, logged } = c;
  const storeId = pending.storeId;
  let tokens;
  try {
    tokens = await logged(
      "lwa",
      "exchangeAuthorizationCode",
      () => found.app.exchangeCode(c.code, pending.redirectUri),
    );
  } catch (err) {
    // Only Amazon's refusal is a refused code; anything else that is not
    // Amazon's answer is rethrown (and logged by the caller).
    if (!(err instanceof LwaError)) throw err;
    const reason = err.refused ? "exchange_failed" : "amazon_error";
    await audit("failure", { reason, error: err.code }, storeId);
    return { ok: false, reason, storeId };
  }
  let profiles;
  try {
    const accessToken = tokens.accessToken;
    profiles = await logged("ads-api", "listProfiles", () =>
      listAdsProfiles({
        baseUrl: deps.endpoints.ads(found.store.region as Region),
        clientId: found.app.clientId,
        accessToken,
        fetch: deps.fetch,
      }));
  } catch (err) {
    if (!(err instanceof AdsApiError)) throw err;
    await audit("failure", {
      reason: "amazon_error",
      status: err.status,
      error: err.code,
    }, storeId);
    return { ok: false, reason: "amazon_error", storeId };
  }
  const ours = new Set(found.markets.map((m) => m.marketplaceId));
  const mine = profiles.filter((p) =>
    p.accountInfo.type === "seller" &&
    p.accountInfo.id === found.store.sellerId &&
    ours.has(p.accountInfo.marketplaceStringId)
  );
  if (mine.length === 0) {
    // Nothing is stored for profiles that are not the store's own (§2).
    await audit("denied", {
      reason: "not_own_account",
      profiles: profiles.length,
    }, storeId);
    return { ok: false, reason: "not_own_account", storeId };
  }
  const now = new Date();
  await deps.db.asUser({ ...actor, storeIds: [storeId] }, async (tx) => {
    await saveStoreRefreshToken(tx, deps.vault, {
      storeId,
      api: "ads",
      appId: pending.appId,
      refreshToken: tokens.refreshToken,
      method: "website",
      scopes: [ADS_SCOPE],
      issuedAt: now,
    });
    await upsertAdProfiles(
      tx,
      mine.map((p) => ({
        storeId,
        profileId: p.profileId,
        marketplaceId: p.accountInfo.marketplaceStringId,
        countryCode: p.countryCode,
        currency: p.currencyCode,
        timezone: p.timezone,
        accountType: p.accountInfo.type,
        accountName: p.accountInfo.name ?? null,
      })),
    );
    await recordAuditInTx(tx, {
      actorType: "staff",
      actorId: actor.userId,
      action: "store.connect.ads",
      storeId,
      target: storeId,
      outcome: "success",
      ip: meta.ip ?? null,
      requestId: meta.requestId ?? null,
      details: { profiles: mine.map((p) => p.profileId), scope: ADS_SCOPE },
    });
  });
  await deps.kv.delete(["lwa_access", storeId, "ads"]);
  return { ok: true, storeId, profiles: mine.length };
}
