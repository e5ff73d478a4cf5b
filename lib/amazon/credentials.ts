// Data Policy §7: LWA client secrets, Ads credentials and refresh tokens are
// stored only as vault JWEs and decrypted only here, inside lib/amazon/.
// Callers outside lib/amazon/ see status (dates, kinds), never values.
import { and, eq } from "drizzle-orm";
import type { Tx } from "../../db/client.ts";
import { amazonApps, storeCredentials } from "../../db/schema.ts";
import type { Vault } from "../security/vault.ts";
import type { LwaClient, LwaTokens } from "./lwa.ts";

export type AmazonApi = "sp-api" | "ads";

/** LWA client secrets must be rotated every 180 days (facts §1.5). */
export const SECRET_LIFETIME_DAYS = 180;
/** Public-app authorizations must be renewed by the seller every 365 days. */
export const AUTHORIZATION_LIFETIME_DAYS = 365;
/** Warn this many days before either deadline. */
export const WARN_DAYS = 30;

const DAY = 86_400_000;
const PURPOSE = {
  clientId: "lwa_client_id",
  clientSecret: "lwa_client_secret",
  refreshToken: "lwa_refresh_token",
} as const;

export interface AppInput {
  api: AmazonApi;
  name: string;
  applicationId?: string | null;
  draft?: boolean;
  clientId: string;
  clientSecret: string;
  secretIssuedAt: Date;
}

/** Registers an Amazon application with its LWA client, sealed. */
export async function saveApp(
  tx: Tx,
  vault: Vault,
  input: AppInput,
): Promise<string> {
  const [row] = await tx.insert(amazonApps).values({
    api: input.api,
    name: input.name,
    applicationId: input.applicationId ?? null,
    draft: input.draft ?? true,
    clientIdJwe: await vault.seal(input.clientId, PURPOSE.clientId),
    clientSecretJwe: await vault.seal(input.clientSecret, PURPOSE.clientSecret),
    secretIssuedAt: input.secretIssuedAt,
  }).returning({ id: amazonApps.id });
  return row.id;
}

/**
 * Replaces an app's client secret. The previous one is kept until the new
 * one has worked once (see confirmNewSecret), so a typo cannot cut access.
 */
export async function rotateAppSecret(
  tx: Tx,
  vault: Vault,
  appId: string,
  newSecret: string,
  issuedAt: Date,
): Promise<void> {
  const [app] = await tx.select().from(amazonApps).where(
    eq(amazonApps.id, appId),
  );
  if (!app) throw new CredentialError("no such Amazon application");
  await tx.update(amazonApps).set({
    previousSecretJwe: app.clientSecretJwe,
    clientSecretJwe: await vault.seal(newSecret, PURPOSE.clientSecret),
    secretIssuedAt: issuedAt,
    secretVerifiedAt: null,
    updatedAt: issuedAt,
  }).where(eq(amazonApps.id, appId));
}

/** The new secret worked: the previous one is deleted. */
export async function confirmNewSecret(
  tx: Tx,
  appId: string,
  now: Date,
): Promise<void> {
  await tx.update(amazonApps).set({
    previousSecretJwe: null,
    secretVerifiedAt: now,
    updatedAt: now,
  }).where(eq(amazonApps.id, appId));
}

/** Decrypted client credentials: current secret first, then the previous. */
export interface ClientCredentials {
  appId: string;
  clientId: string;
  secrets: string[];
}

/** Opens an app's client credentials (only lib/amazon/ calls this). */
export async function openApp(
  tx: Tx,
  vault: Vault,
  appId: string,
): Promise<ClientCredentials> {
  const [app] = await tx.select().from(amazonApps).where(
    eq(amazonApps.id, appId),
  );
  if (!app) throw new CredentialError("no such Amazon application");
  const secrets = [
    await vault.open(app.clientSecretJwe, PURPOSE.clientSecret),
  ];
  if (app.previousSecretJwe) {
    secrets.push(await vault.open(app.previousSecretJwe, PURPOSE.clientSecret));
  }
  return {
    appId,
    clientId: await vault.open(app.clientIdJwe, PURPOSE.clientId),
    secrets,
  };
}

export interface StoreCredentialInput {
  storeId: string;
  api: AmazonApi;
  appId: string;
  refreshToken: string;
  method: "website" | "self";
  roles?: string[];
  scopes?: string[];
  issuedAt: Date;
}

/** Stores (or replaces) a store's refresh token, sealed. */
export async function saveStoreRefreshToken(
  tx: Tx,
  vault: Vault,
  input: StoreCredentialInput,
): Promise<void> {
  const sealed = await vault.seal(input.refreshToken, PURPOSE.refreshToken);
  const authorizationExpiresAt = input.method === "website"
    ? new Date(input.issuedAt.getTime() + AUTHORIZATION_LIFETIME_DAYS * DAY)
    : null;
  const values = {
    storeId: input.storeId,
    api: input.api,
    appId: input.appId,
    refreshTokenJwe: sealed,
    method: input.method,
    roles: input.roles ?? [],
    scopes: input.scopes ?? [],
    issuedAt: input.issuedAt,
    authorizationExpiresAt,
    lastRotatedAt: input.issuedAt,
    // Saved right after Amazon accepted it (code exchange or check): used.
    lastUsedAt: input.issuedAt,
  };
  await tx.insert(storeCredentials).values(values).onConflictDoUpdate({
    target: [storeCredentials.storeId, storeCredentials.api],
    set: values,
  });
}

/** Opens a store's refresh token (only lib/amazon/ calls this). */
export async function openStoreRefreshToken(
  tx: Tx,
  vault: Vault,
  storeId: string,
  api: AmazonApi,
): Promise<{ appId: string; refreshToken: string } | null> {
  const [row] = await tx.select().from(storeCredentials).where(
    and(eq(storeCredentials.storeId, storeId), eq(storeCredentials.api, api)),
  );
  if (!row) return null;
  return {
    appId: row.appId,
    refreshToken: await vault.open(row.refreshTokenJwe, PURPOSE.refreshToken),
  };
}

/** Deletes a store's refresh tokens (revocation, disconnection). */
export async function deleteStoreCredentials(
  tx: Tx,
  storeId: string,
): Promise<number> {
  const rows = await tx.delete(storeCredentials).where(
    eq(storeCredentials.storeId, storeId),
  ).returning({ api: storeCredentials.api });
  return rows.length;
}

export interface CredentialWarning {
  kind: "secret_expiry" | "authorization_expiry";
  subject: string;
  dueAt: Date;
  overdue: boolean;
}

/**
 * Deadlines within WARN_DAYS: LWA secrets 180 days after issue, public-app
 * authorizations 365 days after consent. Only dates leave this function.
 */
export async function credentialWarnings(
  tx: Tx,
  now: Date,
): Promise<CredentialWarning[]> {
  const warnings: CredentialWarning[] = [];
  const horizon = now.getTime() + WARN_DAYS * DAY;
  for (const app of await tx.select().from(amazonApps)) {
    const dueAt = new Date(
      app.secretIssuedAt.getTime() + SECRET_LIFETIME_DAYS * DAY,
    );
    if (dueAt.getTime() <= horizon) {
      warnings.push({
        kind: "secret_expiry",
        subject: `${app.api}:${app.name}`,
        dueAt,
        overdue: dueAt <= now,
      });
    }
  }
  for (const cred of await tx.select().from(storeCredentials)) {
    const dueAt = cred.authorizationExpiresAt;
    if (dueAt && dueAt.getTime() <= horizon) {
      warnings.push({
        kind: "authorization_expiry",
        subject: `${cred.storeId}:${cred.api}`,
        dueAt,
        overdue: dueAt <= now,
      });
    }
  }
  return warnings.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
}

export class CredentialError extends Error {
  override name = "CredentialError";
}

/**
 * An app's LWA client that keeps its secret inside lib/amazon/: callers get
 * the (public) client id and the token operations, never the secret.
 */
export interface AppClient {
  appId: string;
  clientId: string;
  exchangeCode(
    code: string,
    redirectUri?: string,
  ): Promise<LwaTokens & { refreshToken: string }>;
  refresh(refreshToken: string): Promise<LwaTokens>;
}

/** Opens an app for token operations (see AppClient). */
export async function appClient(
  tx: Tx,
  vault: Vault,
  lwa: LwaClient,
  appId: string,
): Promise<AppClient> {
  const app = await openApp(tx, vault, appId);
  return {
    appId,
    clientId: app.clientId,
    exchangeCode: (code, redirectUri) =>
      lwa.exchangeCode({
        clientId: app.clientId,
        clientSecret: app.secrets[0],
        code,
        redirectUri,
      }),
    refresh: (refreshToken) =>
      lwa.refresh({
        clientId: app.clientId,
        clientSecret: app.secrets[0],
        refreshToken,
      }),
  };
}
