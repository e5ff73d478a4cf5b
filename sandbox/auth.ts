// Who may call: the LWA app clients, the refresh tokens sellers granted them,
// single-use consent codes, and the access tokens and Restricted Data
// Tokens minted from those (facts §1, §2, §4.3). Access tokens last one
// hour; consent codes five minutes and once. Revoking a seller's
// authorization makes its refresh tokens answer invalid_grant and, by
// default, rejects its live access tokens at once (facts §2.3 leaves this
// [U], so it is an option).
import type { Clock } from "./clock.ts";

/** An LWA application (SP-API app or Ads security profile). */
export interface AppClient {
  clientId: string;
  clientSecret: string;
  /** The SP-API application id used in the consent URL. */
  applicationId: string;
  /** Registered OAuth redirect URIs; empty means any is accepted. */
  redirectUris: string[];
}

/** A restricted resource of an RDT request (Tokens API 2021-03-01). */
export interface RestrictedResource {
  method: string;
  path: string;
  dataElements?: string[];
}

/** What an access token (or RDT) grants. */
export interface AccessGrant {
  token: string;
  kind: "access" | "rdt";
  clientId: string;
  /** Absent for grantless (client_credentials) tokens. */
  sellerId?: string;
  scope?: string;
  expiresAt: number;
  /** For RDTs: the resources it unlocks. */
  resources?: RestrictedResource[];
}

/** Why a token does not work. */
export type TokenRefusal = "missing" | "invalid" | "expired" | "revoked";

interface RefreshRecord {
  clientId: string;
  sellerId: string;
  revoked: boolean;
}

interface CodeRecord {
  clientId?: string;
  sellerId: string;
  redirectUri?: string;
  expiresAt: number;
  used: boolean;
}

const HOUR = 3_600_000;

function randomToken(bytes: number): string {
  const b = crypto.getRandomValues(new Uint8Array(bytes));
  return btoa(String.fromCharCode(...b)).replace(/\+/g, "-").replace(
    /\//g,
    "_",
  ).replace(/=+$/, "");
}

/**
 * The authorization state of one sandbox.
 *
 * @example
 * const auth = new AuthState(clock);
 * auth.addClient({ clientId, clientSecret, applicationId, redirectUris: [] });
 * const refresh = auth.issueRefreshToken(clientId, sellerId);
 */
export class AuthState {
  readonly #clock: Clock;
  readonly #clients = new Map<string, AppClient>();
  readonly #refresh = new Map<string, RefreshRecord>();
  readonly #codes = new Map<string, CodeRecord>();
  readonly #access = new Map<string, AccessGrant & { revoked: boolean }>();
  readonly accessTokenTtlMs: number;
  readonly codeTtlMs: number;
  /** Whether revocation also kills live access tokens (default true). */
  rejectRevokedAccessTokens: boolean;

  constructor(
    clock: Clock,
    opts: {
      accessTokenTtlMs?: number;
      codeTtlMs?: number;
      rejectRevokedAccessTokens?: boolean;
    } = {},
  ) {
    this.#clock = clock;
    this.accessTokenTtlMs = opts.accessTokenTtlMs ?? HOUR;
    this.codeTtlMs = opts.codeTtlMs ?? 5 * 60_000;
    this.rejectRevokedAccessTokens = opts.rejectRevokedAccessTokens ?? true;
  }

  addClient(client: AppClient): void {
    this.#clients.set(client.clientId, { ...client });
  }

  client(clientId: string): AppClient | undefined {
    return this.#clients.get(clientId);
  }

  /** Adds (or re-adds) a refresh token for a seller; returns it. */
  issueRefreshToken(
    clientId: string,
    sellerId: string,
    token = `Atzr|${randomToken(96)}`,
  ): string {
    this.#refresh.set(token, { clientId, sellerId, revoked: false });
    return token;
  }

  /** The seller behind a live refresh token of `clientId`, if any. */
  refreshSeller(token: string, clientId: string): string | undefined {
    const r = this.#refresh.get(token);
    return r && !r.revoked && r.clientId === clientId ? r.sellerId : undefined;
  }

  /** A consent code (spapi_oauth_code / Ads `code`), single use. */
  mintCode(
    sellerId: string,
    opts: { clientId?: string; redirectUri?: string } = {},
  ): { code: string; expiresAt: number } {
    const code = `AN${randomToken(15).replace(/[-_]/g, "x")}`;
    const expiresAt = this.#clock.now() + this.codeTtlMs;
    this.#codes.set(code, {
      sellerId,
      clientId: opts.clientId,
      redirectUri: opts.redirectUri,
      expiresAt,
      used: false,
    });
    return { code, expiresAt };
  }

  /**
   * Redeems a code; undefined when it is unknown, used, expired, for
   * another client, or the redirect_uri differs.
   */
  redeemCode(
    code: string,
    clientId: string,
    redirectUri: string | undefined,
  ): string | undefined {
    const c = this.#codes.get(code);
    if (!c || c.used) return undefined;
    c.used = true;
    if (this.#clock.now() > c.expiresAt) return undefined;
    if (c.clientId !== undefined && c.clientId !== clientId) return undefined;
    if (c.redirectUri !== undefined && c.redirectUri !== redirectUri) {
      return undefined;
    }
    return c.sellerId;
  }

  /** Mints an access token (seller-authorized, or grantless with `scope`). */
  issueAccessToken(
    clientId: string,
    sellerId?: string,
    scope?: string,
  ): AccessGrant {
    this.#prune();
    const grant = {
      token: `Atza|${randomToken(180)}`,
      kind: "access" as const,
      clientId,
      sellerId,
      scope,
      expiresAt: this.#clock.now() + this.accessTokenTtlMs,
      revoked: false,
    };
    this.#access.set(grant.token, grant);
    return { ...grant };
  }

  /** Mints a Restricted Data Token for the seller behind `from`. */
  issueRdt(from: AccessGrant, resources: RestrictedResource[]): AccessGrant {
    this.#prune();
    const grant = {
      token: `Atz.sprdt|${randomToken(180)}`,
      kind: "rdt" as const,
      clientId: from.clientId,
      sellerId: from.sellerId,
      expiresAt: this.#clock.now() + HOUR,
      resources,
      revoked: false,
    };
    this.#access.set(grant.token, grant);
    return { ...grant };
  }

  /** What `token` grants now, or why it grants nothing. */
  check(token: string | null | undefined): AccessGrant | TokenRefusal {
    if (!token) return "missing";
    const g = this.#access.get(token);
    if (!g) return "invalid";
    if (g.revoked) return "revoked";
    if (this.#clock.now() >= g.expiresAt) return "expired";
    const { revoked: _, ...grant } = g;
    return grant;
  }

  /** Makes a live token expired from now on (the expiredToken fault). */
  expire(token: string): void {
    const g = this.#access.get(token);
    if (g) g.expiresAt = Math.min(g.expiresAt, this.#clock.now());
  }

  /**
   * Revokes the seller's authorization of `clientId` (or of every client):
   * refresh tokens answer invalid_grant; live access tokens are refused
   * when `rejectRevokedAccessTokens`.
   */
  revokeSeller(sellerId: string, clientId?: string): void {
    for (const r of this.#refresh.values()) {
      if (
        r.sellerId === sellerId &&
        (clientId === undefined || r.clientId === clientId)
      ) r.revoked = true;
    }
    if (!this.rejectRevokedAccessTokens) return;
    for (const g of this.#access.values()) {
      if (
        g.sellerId === sellerId &&
        (clientId === undefined || g.clientId === clientId)
      ) g.revoked = true;
    }
  }

  #prune(): void {
    if (this.#access.size < 10_000) return;
    const now = this.#clock.now();
    for (const [k, g] of this.#access) {
      if (g.expiresAt + HOUR < now) this.#access.delete(k);
    }
  }
}
