// The gate every SP-API request passes, in Amazon's order: the access token
// (403), injected faults, the token bucket of the operation and seller
// (429, without the rate-limit header), the query checked against the
// model (400), then the handler. `x-amzn-RateLimit-Limit` is added to
// 2xx, 400 and 404 answers only, never to 401/403/429 (facts §3.4).
import type { Context, Hono } from "hono";
import { type AccessGrant } from "./auth.ts";
import {
  connectionReset,
  internalFailure,
  invalidInput,
  malformed,
  quotaExceeded,
  spError,
  unauthorized,
  unavailable,
  withNul,
} from "./_http.ts";
import type { SandboxEnv } from "./env.ts";
import {
  type DueFault,
  type FaultRule,
  KINDS_FOR,
  parseFaultHeader,
} from "./faults.ts";
import type { SandboxSeller } from "./seller.ts";
import { SP_OPERATIONS, type SpOperationId } from "./spec.ts";
import {
  isInvalid,
  parseDateTime,
  type Query,
  validateQuery,
} from "./validate.ts";
import type { SellerWorld } from "./served_world.ts";

/** What a handler gets: the checked request and its seller. */
export interface SpCall {
  c: Context;
  env: SandboxEnv;
  url: URL;
  op: SpOperationId;
  grant: AccessGrant;
  seller: SandboxSeller;
  world: SellerWorld;
  q: Query;
  /** Decoded path parameters. */
  path: Record<string, string>;
  /** Parsed JSON body, for operations that take one. */
  body: unknown;
  now: number;
  /** Whether buyer data may be returned (restricted role). */
  pii: boolean;
}

export type SpHandler = (call: SpCall) => Response | Promise<Response>;

/** The usage plan applied to an operation (documented, or overridden). */
export function usagePlan(env: SandboxEnv, op: SpOperationId) {
  const spec = SP_OPERATIONS[op];
  const o = env.opts.usagePlans[op];
  return o
    ? { rate: o.rate, burst: o.burst, header: String(o.rate) }
    : { rate: Number(spec.rate), burst: spec.burst, header: spec.rate };
}

/** A fault from the queue or, when allowed, from the request header. */
export function dueFault(
  env: SandboxEnv,
  req: Request,
  operation: string,
  sellerId: string | undefined,
  kinds: readonly FaultRule["kind"][],
): DueFault | undefined {
  if (env.opts.faultHeader) {
    const h = req.headers.get("x-sandbox-fault");
    const rule = h ? parseFaultHeader(h) : undefined;
    if (rule && kinds.includes(rule.kind)) return rule;
  }
  return env.faults.take(
    operation,
    sellerId,
    kinds,
    env.clock.now(),
    new URL(req.url).searchParams,
  );
}

function rdtAllows(grant: AccessGrant, method: string, path: string): boolean {
  return (grant.resources ?? []).some((r) =>
    r.method.toUpperCase() === method &&
    (path === r.path || path.startsWith(`${r.path}/`))
  );
}

/** Registers one SP-API operation on the app. */
export function spRoute(
  app: Hono,
  env: SandboxEnv,
  op: SpOperationId,
  handler: SpHandler,
): void {
  const spec = SP_OPERATIONS[op];
  const route = spec.path.replace(/\{(\w+)\}/g, ":$1");
  app.on(spec.method, route, async (c) => {
    const req = c.req.raw;
    const url = new URL(req.url);

    // 1. Authorization: x-amz-access-token (SigV4 headers are ignored).
    const checked = env.auth.check(req.headers.get("x-amz-access-token"));
    if (checked === "missing") {
      return spError(
        403,
        "MissingAuthenticationToken",
        "Access to requested resource is denied.",
        "The request is missing the x-amz-access-token header.",
        "MissingAuthenticationTokenException",
      );
    }
    if (typeof checked === "string") {
      return unauthorized(
        checked === "expired"
          ? "The access token you provided has expired."
          : "The access token you provided is revoked, malformed or invalid.",
      );
    }
    const grant = checked;
    const seller = grant.sellerId
      ? env.sellerById.get(grant.sellerId)
      : undefined;
    if (!seller) {
      return unauthorized(
        "A grantless access token cannot call this operation.",
      );
    }
    if (grant.kind === "rdt" && !rdtAllows(grant, spec.method, url.pathname)) {
      return unauthorized(
        "The restricted data token does not cover this resource.",
      );
    }

    // 2. Injected faults.
    const fault = dueFault(env, req, op, seller.sellerId, KINDS_FOR.api);
    if (fault) {
      switch (fault.kind) {
        case "throttle":
          return quotaExceeded();
        case "serverError":
          return internalFailure();
        case "unavailable":
          return unavailable(fault.html);
        case "expiredToken":
          env.auth.expire(grant.token);
          return unauthorized("The access token you provided has expired.");
        case "accessDenied":
          return unauthorized(
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

    // 3. The usage plan of this operation and seller.
    const plan = usagePlan(env, op);
    if (!env.limiter.take(op, seller.sellerId, plan)) return quotaExceeded();

    const finish = async (res: Response): Promise<Response> => {
      if (fault?.kind === "malformedJson" && res.status === 200) {
        res = await malformed(res);
      }
      if (fault?.kind === "nulInText" && res.status === 200) {
        res = await withNul(res, fault.column);
      }
      if (res.status < 300 || res.status === 400 || res.status === 404) {
        res.headers.set("x-amzn-RateLimit-Limit", plan.header);
      }
      return res;
    };

    // 4. The request against the model.
    const ua = req.headers.get("user-agent") ?? "";
    if (ua.length > 500) {
      return finish(invalidInput(
        "Invalid user-agent header",
        "The user-agent header must not be longer than 500 characters.",
      ));
    }
    const q = validateQuery(spec, url);
    if (isInvalid(q)) return finish(invalidInput(q.message, q.details));
    let body: unknown = undefined;
    if (spec.body) {
      try {
        body = await req.json();
      } catch {
        return finish(invalidInput(
          "Invalid request body",
          "The request body must be a JSON object.",
        ));
      }
      if (typeof body !== "object" || body === null || Array.isArray(body)) {
        return finish(invalidInput(
          "Invalid request body",
          "The request body must be a JSON object.",
        ));
      }
    }
    const path: Record<string, string> = {};
    for (const p of spec.params) {
      if (p.in === "path") path[p.name] = c.req.param(p.name) ?? "";
    }
    return finish(
      await handler({
        c,
        env,
        url,
        op,
        grant,
        seller,
        world: seller.world(),
        q,
        path,
        body,
        now: env.clock.now(),
        pii: seller.restrictedRole,
      }),
    );
  });
}

/** Parses a date-time parameter already checked by validateQuery. */
export function timeOf(v: unknown): number | undefined {
  return typeof v === "string" ? parseDateTime(v) : undefined;
}

/** A 400 when a marketplace is not one the seller participates in. */
export function foreignMarketplace(
  seller: SandboxSeller,
  ids: readonly string[],
): Response | undefined {
  const bad = ids.filter((id) => !seller.marketplaceIds.includes(id));
  if (bad.length === 0) return undefined;
  return invalidInput(
    "Invalid marketplaceIds",
    `The seller does not participate in marketplace(s) [${bad.join(", ")}].`,
  );
}

/** The string-list value of a query parameter (empty when absent). */
export function listOf(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}
