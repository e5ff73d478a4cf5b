// Login with Amazon on the sandbox host: the token endpoint
// `POST /auth/o2/token` with its three grants (facts §1.2–1.4), and the two
// consent pages a portal sends a seller to (SP-API website authorization
// `/apps/authorize/consent`, Ads `/ap/oa`), which here confirm at once as
// the sandbox's consenting seller and redirect back with a code.
import type { Context, Hono } from "hono";
import type { SandboxEnv } from "./env.ts";
import { KINDS_FOR } from "./faults.ts";
import { json, malformed, unavailable } from "./_http.ts";
import { dueFault } from "./sp_route.ts";

/** Scopes a client_credentials (grantless) token may be minted for. */
export const GRANTLESS_SCOPES = [
  "sellingpartnerapi::notifications",
  "sellingpartnerapi::migration",
  "sellingpartnerapi::client_credential:rotation",
];

const NO_STORE = {
  "cache-control": "no-store",
  pragma: "no-cache",
  "content-type": "application/json;charset=UTF-8",
};

function lwaError(error: string, description: string, status = 400): Response {
  return json(status, {
    error_description: description,
    error,
    request_id: crypto.randomUUID(),
  }, NO_STORE);
}

const missing = (name: string) =>
  lwaError(
    "invalid_request",
    `The request is missing a required parameter : ${name}`,
  );

async function form(c: Context): Promise<Record<string, string>> {
  const type = c.req.header("content-type") ?? "";
  const text = await c.req.text();
  if (type.includes("application/json")) {
    try {
      const o = JSON.parse(text);
      return Object.fromEntries(
        Object.entries(o ?? {}).map(([k, v]) => [k, String(v)]),
      );
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(text));
}

/** The seller the consent pages confirm as (settable by tests). */
export interface ConsentState {
  sellerId: string;
}

/** Registers LWA's token endpoint and the consent pages. */
export function lwaRoutes(
  app: Hono,
  env: SandboxEnv,
  consent: ConsentState,
): void {
  app.post("/auth/o2/token", async (c) => {
    const f = await form(c);
    // HTTP Basic client authentication is accepted too (RFC 6749 §2.3.1).
    const basic = /^Basic\s+(.+)$/i.exec(c.req.header("authorization") ?? "");
    if (basic) {
      const [id, secret] = atob(basic[1]).split(":");
      f.client_id ??= decodeURIComponent(id ?? "");
      f.client_secret ??= decodeURIComponent(secret ?? "");
    }
    const grantType = f.grant_type;
    const fault = dueFault(
      env,
      c.req.raw,
      "lwaToken",
      undefined,
      grantType === "refresh_token" ? KINDS_FOR.lwaRefresh : KINDS_FOR.lwa,
    );
    if (fault?.kind === "serverError") {
      return lwaError("server_error", "Internal server error", 500);
    }
    if (fault?.kind === "unavailable") {
      return fault.html ? unavailable(true) : lwaError(
        "temporarily_unavailable",
        "The service is temporarily unavailable",
        503,
      );
    }
    if (fault?.kind === "hang") {
      await env.life.hang();
      return new Response(null, { status: 504 });
    }
    if (fault?.kind === "delay") {
      await env.life.sleep(fault.delayMs ?? 1000);
    }
    if (!grantType) return missing("grant_type");
    if (
      !["refresh_token", "authorization_code", "client_credentials"].includes(
        grantType,
      )
    ) {
      return lwaError(
        "unsupported_grant_type",
        "The authorization grant type is not supported by the authorization server",
      );
    }
    if (!f.client_id) return missing("client_id");
    const client = env.auth.client(f.client_id);
    if (!client || client.clientSecret !== f.client_secret) {
      return lwaError("invalid_client", "Client authentication failed");
    }
    const answer = (body: Record<string, unknown>) =>
      fault?.kind === "malformedJson"
        ? malformed(json(200, body, NO_STORE))
        : json(200, body, NO_STORE);

    if (grantType === "refresh_token") {
      if (!f.refresh_token) return missing("refresh_token");
      if (f.scope) {
        return lwaError(
          "invalid_request",
          "The request has an invalid parameter : scope",
        );
      }
      const sellerId = env.auth.refreshSeller(f.refresh_token, client.clientId);
      if (!sellerId || fault?.kind === "invalidGrant") {
        return lwaError(
          "invalid_grant",
          "The request has an invalid grant parameter : refresh_token. User may have revoked or didn't grant the permission.",
        );
      }
      const grant = env.auth.issueAccessToken(client.clientId, sellerId);
      const body: Record<string, unknown> = {
        access_token: grant.token,
        token_type: "bearer",
        expires_in: Math.round(env.auth.accessTokenTtlMs / 1000),
      };
      if (env.opts.echoRefreshToken) body.refresh_token = f.refresh_token;
      return answer(body);
    }

    if (grantType === "authorization_code") {
      if (!f.code) return missing("code");
      if (!f.redirect_uri) return missing("redirect_uri");
      const sellerId = env.auth.redeemCode(
        f.code,
        client.clientId,
        f.redirect_uri,
      );
      if (!sellerId) {
        return lwaError(
          "invalid_grant",
          "The request has an invalid grant parameter : code",
        );
      }
      const refresh = env.auth.issueRefreshToken(client.clientId, sellerId);
      const grant = env.auth.issueAccessToken(client.clientId, sellerId);
      return answer({
        access_token: grant.token,
        refresh_token: refresh,
        token_type: "bearer",
        expires_in: Math.round(env.auth.accessTokenTtlMs / 1000),
      });
    }

    // client_credentials: a grantless token for one of the known scopes.
    if (!f.scope) return missing("scope");
    if (f.refresh_token) {
      return lwaError(
        "invalid_request",
        "The request has an invalid parameter : refresh_token",
      );
    }
    if (!GRANTLESS_SCOPES.includes(f.scope)) {
      return lwaError(
        "invalid_scope",
        "The request has an invalid parameter : scope",
      );
    }
    const grant = env.auth.issueAccessToken(
      client.clientId,
      undefined,
      f.scope,
    );
    return answer({
      access_token: grant.token,
      scope: f.scope,
      token_type: "bearer",
      expires_in: Math.round(env.auth.accessTokenTtlMs / 1000),
    });
  });

  const page = (status: number, text: string) =>
    new Response(
      `<!DOCTYPE html><html><head><title>Amazon Seller Central</title></head><body><p>${text}</p></body></html>`,
      { status, headers: { "content-type": "text/html;charset=UTF-8" } },
    );

  const redirectUri = (given: string | undefined): string | Response => {
    const registered = env.client.redirectUris;
    if (!given) {
      return registered[0] ??
        page(400, "No redirect URI is registered for this application.");
    }
    if (registered.length && !registered.includes(given)) {
      return page(
        400,
        "Error code: MD5101. The redirect_uri does not match the registered OAuth Redirect URIs.",
      );
    }
    return given;
  };

  // SP-API website authorization workflow (facts §2.2), auto-confirmed.
  app.get("/apps/authorize/consent", (c) => {
    const appId = c.req.query("application_id");
    if (appId !== env.client.applicationId) {
      return page(400, "Error code: MD1000. Unknown application_id.");
    }
    const state = c.req.query("state");
    if (!state) return page(400, "The state parameter is required.");
    const given = c.req.query("redirect_uri");
    const uri = redirectUri(given);
    if (uri instanceof Response) return uri;
    const { code } = env.auth.mintCode(consent.sellerId, {
      clientId: env.client.clientId,
      redirectUri: uri,
    });
    const to = new URL(uri);
    to.searchParams.set("state", state);
    to.searchParams.set("selling_partner_id", consent.sellerId);
    to.searchParams.set("spapi_oauth_code", code);
    return c.redirect(to.toString(), 302);
  });

  // Ads API grant (facts §5.1), auto-confirmed.
  app.get("/ap/oa", (c) => {
    const clientId = c.req.query("client_id");
    if (!clientId || !env.auth.client(clientId)) {
      return page(400, "Unknown client_id.");
    }
    if (c.req.query("response_type") !== "code") {
      return page(400, "response_type must be code.");
    }
    const scope = c.req.query("scope") ?? "";
    const uri = redirectUri(c.req.query("redirect_uri"));
    if (uri instanceof Response) return uri;
    const { code } = env.auth.mintCode(consent.sellerId, {
      clientId,
      redirectUri: uri,
    });
    const to = new URL(uri);
    to.searchParams.set("code", code);
    to.searchParams.set("scope", scope);
    const state = c.req.query("state");
    if (state) to.searchParams.set("state", state);
    return c.redirect(to.toString(), 302);
  });
}
