// The gate of every Advertising API request (facts §5.3, §5.7): a Bearer
// LWA token, the `Amazon-Advertising-API-ClientId` it was issued to, the
// `Amazon-Advertising-API-Scope` profile (except /v2/profiles), the vendor
// media type of v3 endpoints, injected faults, and a token bucket per
// profile and operation whose 429 carries `Retry-After` (by default not on
// report creation, where Amazon omits it).
import type { Context, Hono } from "hono";
import type { AdsProfile } from "./world/amazon.ts";
import type { AccessGrant } from "./auth.ts";
import {
  connectionReset,
  internalFailure,
  json,
  malformed,
  unavailable,
} from "./_http.ts";
import type { SandboxEnv } from "./env.ts";
import { KINDS_FOR } from "./faults.ts";
import type { SandboxSeller } from "./seller.ts";
import { dueFault } from "./sp_route.ts";

/** An Ads error body: `{code, details}`. */
export function adsError(status: number, code: string, details: string) {
  return json(status, { code, details });
}

export interface AdsCall {
  c: Context;
  env: SandboxEnv;
  grant: AccessGrant;
  seller: SandboxSeller;
  /** The profile of the Scope header (undefined for /v2/profiles). */
  profile?: AdsProfile;
  body: unknown;
  now: number;
}

export type AdsHandler = (call: AdsCall) => Response | Promise<Response>;

export interface AdsRouteOptions {
  /** Needs Amazon-Advertising-API-Scope. */
  scope: boolean;
  /** Required Content-Type (and accepted Accept) media type. */
  mediaType?: string;
  /** Parses a JSON body. */
  body?: boolean;
  /** This operation's 429s carry no Retry-After by default. */
  noRetryAfter?: boolean;
}

/** Registers one Ads API operation. */
export function adsRoute(
  app: Hono,
  env: SandboxEnv,
  method: "GET" | "POST" | "DELETE",
  path: string,
  operation: string,
  opts: AdsRouteOptions,
  handler: AdsHandler,
): void {
  app.on(method, path, async (c) => {
    const req = c.req.raw;
    const bearer = /^Bearer\s+(.+)$/i.exec(
      req.headers.get("authorization") ?? "",
    );
    const checked = env.auth.check(bearer?.[1]);
    if (typeof checked === "string") {
      return adsError(
        401,
        "UNAUTHORIZED",
        checked === "expired"
          ? "The access token has expired."
          : "Not authorized to access this advertiser.",
      );
    }
    const grant = checked;
    if (req.headers.get("amazon-advertising-api-clientid") !== grant.clientId) {
      return adsError(
        401,
        "UNAUTHORIZED",
        "Amazon-Advertising-API-ClientId is missing or does not match the token.",
      );
    }
    const seller = grant.sellerId
      ? env.sellerById.get(grant.sellerId)
      : undefined;
    if (!seller) {
      return adsError(
        401,
        "UNAUTHORIZED",
        "Not authorized to access this advertiser.",
      );
    }
    let profile: AdsProfile | undefined;
    if (opts.scope) {
      const scope = req.headers.get("amazon-advertising-api-scope") ?? "";
      profile = seller.adsProfiles.find((p) => p.profileId === scope);
      if (!profile) {
        return adsError(
          401,
          "UNAUTHORIZED",
          `Not authorized to access scope ${scope || "(missing)"}.`,
        );
      }
    }
    if (opts.mediaType) {
      const type = (req.headers.get("content-type") ?? "").split(";")[0].trim();
      if (type !== opts.mediaType) {
        return adsError(
          415,
          "UNSUPPORTED_MEDIA_TYPE",
          `Content-Type must be ${opts.mediaType}.`,
        );
      }
      const accept = req.headers.get("accept");
      if (
        accept && !accept.includes(opts.mediaType) && !accept.includes("*/*") &&
        !accept.includes("application/json")
      ) {
        return adsError(
          406,
          "NOT_ACCEPTABLE",
          `Accept must be ${opts.mediaType}.`,
        );
      }
    }
    const retryAfterDefault = env.opts.adsRetryAfter === "always" ||
      (env.opts.adsRetryAfter === "except-report-create" && !opts.noRetryAfter);
    const throttled = (seconds: number | null) => {
      const res = adsError(429, "TOO_MANY_REQUESTS", "Too Many Requests");
      if (seconds !== null) res.headers.set("Retry-After", String(seconds));
      return res;
    };
    const fault = dueFault(env, req, operation, seller.sellerId, KINDS_FOR.api);
    if (fault) {
      switch (fault.kind) {
        case "throttle":
          return throttled(
            fault.retryAfter !== undefined
              ? fault.retryAfter
              : retryAfterDefault
              ? 1
              : null,
          );
        case "serverError":
          return internalFailure();
        case "unavailable":
          return unavailable(fault.html);
        case "expiredToken":
          env.auth.expire(grant.token);
          return adsError(401, "UNAUTHORIZED", "The access token has expired.");
        case "accessDenied":
          return adsError(
            403,
            "UNAUTHORIZED",
            "The application is not authorized for this operation.",
          );
        case "hang":
          await env.life.hang();
          return new Response(null, { status: 504 });
        case "connectionReset":
          return connectionReset();
        case "delay":
          await env.life.sleep(fault.delayMs ?? 1000);
          break;
      }
    }
    const plan = env.opts.adsRate;
    const key = `${seller.sellerId}:${profile?.profileId ?? ""}`;
    if (!env.limiter.take(`ads:${operation}`, key, plan)) {
      const level = env.limiter.level(`ads:${operation}`, key, plan);
      const wait = Math.max(
        1,
        Math.ceil((1 - level) / (plan.rate * env.limiter.timeScale)),
      );
      return throttled(retryAfterDefault ? wait : null);
    }
    let body: unknown = undefined;
    if (opts.body) {
      const text = await req.text();
      try {
        body = text ? JSON.parse(text) : {};
      } catch {
        return adsError(
          400,
          "INVALID_ARGUMENT",
          "The request body is not valid JSON.",
        );
      }
      if (typeof body !== "object" || body === null || Array.isArray(body)) {
        return adsError(
          400,
          "INVALID_ARGUMENT",
          "The request body must be a JSON object.",
        );
      }
    }
    let res = await handler({
      c,
      env,
      grant,
      seller,
      profile,
      body,
      now: env.clock.now(),
    });
    if (fault?.kind === "malformedJson" && res.status === 200) {
      res = await malformed(res);
    }
    return res;
  });
}
