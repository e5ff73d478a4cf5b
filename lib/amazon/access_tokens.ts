// LWA access tokens for a store (facts §1.3): fetched with the store's
// refresh token, cached sealed in KV until shortly before expiry, and shared
// by concurrent jobs — one refresh at a time per store, across processes.
// `invalid_grant` means the seller revoked us: the store is marked revoked
// and audited (Data Policy §10).
import { and, eq } from "drizzle-orm";
import type { Database } from "../../db/client.ts";
import { storeCredentials, stores } from "../../db/schema.ts";
import { recordAuditInTx } from "../security/audit.ts";
import type { Vault } from "../security/vault.ts";
import { sleep } from "../sleep.ts";
import {
  type AmazonApi,
  confirmNewSecret,
  openApp,
  openStoreRefreshToken,
} from "./credentials.ts";
import { type LwaClient, LwaError } from "./lwa.ts";
import { auditingVaultFailure } from "./vault_failures.ts";
import { appendApiRequestLog } from "../ingest/ops.ts";

const PURPOSE = "lwa_access_token";
/** Refresh this long before Amazon's expiry, so no call carries a dying token. */
const EARLY_MS = 120_000;
const LOCK_MS = 30_000;
const tokenKey = (storeId: string, api: AmazonApi) =>
  ["lwa_access", storeId, api] as const;
const lockKey = (storeId: string, api: AmazonApi) =>
  ["lwa_refresh_lock", storeId, api] as const;

export class StoreNotConnectedError extends Error {
  override name = "StoreNotConnectedError";
}
export class AuthorizationRevokedError extends Error {
  override name = "AuthorizationRevokedError";
}

export interface AccessTokens {
  /** A valid access token for the store and API. */
  get(storeId: string, api: AmazonApi): Promise<string>;
  /** Drops the cached token (after Amazon rejected it as expired). */
  invalidate(storeId: string, api: AmazonApi): Promise<void>;
}

interface Cached {
  jwe: string;
  expiresAt: number;
}

/**
 * Builds the shared access-token source.
 *
 * @example
 * const tokens = createAccessTokens({ db, kv, vault, lwa });
 * const token = await tokens.get(storeId, "sp-api");
 */
export function createAccessTokens(deps: {
  db: Database;
  kv: Deno.Kv;
  vault: Vault;
  lwa: LwaClient;
  clock?: () => number;
}): AccessTokens {
  const { db, kv, vault, lwa } = deps;
  const now = deps.clock ?? Date.now;
  const inflight = new Map<string, Promise<string>>();

  const cached = async (storeId: string, api: AmazonApi) => {
    const e = await kv.get<Cached>(tokenKey(storeId, api));
    if (e.value && e.value.expiresAt - EARLY_MS > now()) {
      const jwe = e.value.jwe;
      return await auditingVaultFailure(
        db,
        storeId,
        "access_token",
        () => vault.open(jwe, PURPOSE),
      );
    }
    return null;
  };

  const refresh = async (storeId: string, api: AmazonApi): Promise<string> => {
    // One refresher per store across processes: a short KV lease.
    for (let waited = 0;; waited += 100) {
      const hit = await cached(storeId, api);
      if (hit) return hit;
      const lease = await kv.atomic()
        .check({ key: lockKey(storeId, api), versionstamp: null })
        .set(lockKey(storeId, api), now(), { expireIn: LOCK_MS })
        .commit();
      if (lease.ok) break;
      if (waited > LOCK_MS) {
        throw new Error("timed out waiting for another token refresh");
      }
      await sleep(100);
    }
    try {
      const hit = await cached(storeId, api);
      if (hit) return hit;
      const creds = await auditingVaultFailure(
        db,
        storeId,
        "refresh_token",
        () =>
          db.asJob(storeId, async (tx) => {
            const [store] = await tx.select({ status: stores.status }).from(
              stores,
            ).where(eq(stores.id, storeId));
            if (!store || store.status !== "connected") return null;
            const token = await openStoreRefreshToken(tx, vault, storeId, api);
            if (!token) return null;
            return { token, app: await openApp(tx, vault, token.appId) };
          }),
      );
      if (!creds) {
        throw new StoreNotConnectedError(
          `store ${storeId} has no active ${api} authorization`,
        );
      }
      const { token, app } = creds;
      let tokens;
      let usedIndex = 0;
      for (;;) {
        // Every token request is one API-log row (never a token or secret).
        const t0 = performance.now();
        const logged = (status: number | null, errorCode: string | null) =>
          db.asJob(storeId, (tx) =>
            appendApiRequestLog(tx, [{
              storeId,
              at: new Date(now()),
              api: "lwa",
              operation: "refreshAccessToken",
              httpStatus: status,
              latencyMs: Math.round(performance.now() - t0),
              attempts: 1,
              requestId: null,
              rateLimit: null,
              errorCode,
            }]));
        try {
          tokens = await lwa.refresh({
            clientId: app.clientId,
            clientSecret: app.secrets[usedIndex],
            refreshToken: token.refreshToken,
          });
          await logged(200, null);
          break;
        } catch (err) {
          await logged(
            err instanceof LwaError ? err.status || null : null,
            err instanceof LwaError
              ? err.code
              : (err as Error)?.name ?? "Error",
          );
          // A new secret that does not work yet: fall back to the old one.
          if (
            err instanceof LwaError && err.code === "invalid_client" &&
            usedIndex + 1 < app.secrets.length
          ) {
            usedIndex++;
            continue;
          }
          if (err instanceof LwaError && err.code === "invalid_grant") {
            await markRevoked(db, storeId, api);
            await kv.delete(tokenKey(storeId, api));
            throw new AuthorizationRevokedError(
              `the seller revoked the ${api} authorization of store ${storeId}`,
            );
          }
          throw err;
        }
      }
      const at = new Date(now());
      await db.asJob(storeId, async (tx) => {
        if (usedIndex === 0 && app.secrets.length > 1) {
          await confirmNewSecret(tx, app.appId, at);
        }
        await tx.update(storeCredentials).set({ lastUsedAt: at }).where(
          and(
            eq(storeCredentials.storeId, storeId),
            eq(storeCredentials.api, api),
          ),
        );
      });
      const ttl = tokens.expiresIn * 1000;
      await kv.set(
        tokenKey(storeId, api),
        {
          jwe: await vault.seal(tokens.accessToken, PURPOSE),
          expiresAt: now() + ttl,
        } satisfies Cached,
        { expireIn: Math.max(1_000, ttl - EARLY_MS) },
      );
      return tokens.accessToken;
    } finally {
      await kv.delete(lockKey(storeId, api));
    }
  };

  return {
    async get(storeId, api) {
      const hit = await cached(storeId, api);
      if (hit) return hit;
      const key = `${storeId}:${api}`;
      let p = inflight.get(key);
      if (!p) {
        p = refresh(storeId, api).finally(() => inflight.delete(key));
        inflight.set(key, p);
      }
      return await p;
    },
    async invalidate(storeId, api) {
      await kv.delete(tokenKey(storeId, api));
    },
  };
}

/** The seller revoked the app in Amazon: stop using the store, audited. */
async function markRevoked(db: Database, storeId: string, api: AmazonApi) {
  await db.asJob(storeId, async (tx) => {
    await tx.update(stores).set({ status: "revoked", updatedAt: new Date() })
      .where(eq(stores.id, storeId));
    await recordAuditInTx(tx, {
      actorType: "system",
      action: "store.authorization.revoked",
      storeId,
      target: storeId,
      outcome: "success",
      details: { api, cause: "invalid_grant" },
    });
  });
}
