// Issue #11, "anonymous floods grow the audit trail": requests that do not
// come from a signed-in person are rate-limited per client address (a token
// bucket of ANON_REQUESTS_PER_MINUTE, that many at once at most); past
// the limit they get 429 with Retry-After, and the refusals are counted into
// the address's minute of aggregated denials (lib/security/denials.ts).
// Signed-in staff are never limited: their tokens are given back, and over
// the limit a request with a live session still passes (staff behind the
// same NAT as a flood keep working). Health checks and static files are not
// counted.
import type { MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import type { DenialAggregator } from "../../lib/security/denials.ts";
import {
  readSession,
  type SessionPolicy,
} from "../../lib/security/sessions.ts";
import { TokenBuckets } from "../../lib/security/token_buckets.ts";
import { SESSION_COOKIE } from "../context.ts";
import { loggablePath } from "./access_log.ts";
import { requestAddress } from "./client_address.ts";
import { ClientError } from "./errors.ts";

const EXEMPT = /^\/(static\/|healthz$|readyz$)/;

export interface AnonymousLimitDeps {
  kv: Deno.Kv;
  sessions: SessionPolicy;
  perMinute: number;
  denials: DenialAggregator;
  now?: () => number;
}

/** The per-address limit for requests without a signed-in principal. */
export function anonymousLimit(deps: AnonymousLimitDeps): MiddlewareHandler {
  const buckets = new TokenBuckets({
    perMinute: deps.perMinute,
    now: deps.now,
  });
  return async function anonymousLimit(c, next) {
    // Counts of minutes that are over are written on the next request.
    if (deps.denials.hasDue()) await deps.denials.flush();
    const ip = requestAddress(c);
    // Without an address (a Unix socket, a test) nothing can be attributed.
    if (ip === null || EXEMPT.test(c.req.path)) return await next();
    const waitMs = buckets.take(ip);
    if (waitMs > 0) {
      const sessionId = getCookie(c, SESSION_COOKIE, "host");
      const live = sessionId
        ? await readSession(deps.kv, deps.sessions, sessionId)
        : null;
      if (!live) {
        await deps.denials.record({
          actorType: "anonymous",
          action: "access.denied.rate_limited",
          target: `${c.req.method} ${loggablePath(c)}`,
          outcome: "denied",
          ip,
          userAgent: c.req.header("user-agent") ?? null,
          requestId: c.get("requestId"),
        });
        c.header("Retry-After", String(Math.max(1, Math.ceil(waitMs / 1000))));
        throw new ClientError(429, "rate_limited");
      }
      return await next();
    }
    await next();
    if (c.get("principal")) buckets.refund(ip);
  };
}
