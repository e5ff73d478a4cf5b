// Data Policy §5 and §8: the guard that enforces the route table
// (route_access.ts) for every request, fails closed for a route missing from
// it, applies the staff IP allow-list, and audits every denial, CSRF
// refusals included.
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { HTTPException } from "hono/http-exception";
import { matchedRoutes } from "hono/route";
import type { Database } from "../db/client.ts";
import {
  loadPrincipal,
  type StaffPrincipal,
} from "../lib/security/principal.ts";
import { readSession, type SessionPolicy } from "../lib/security/sessions.ts";
import { recordAudit } from "../lib/security/audit.ts";
import { ipAllowed } from "../lib/security/ip_allowlist.ts";
import { clientIp, SESSION_COOKIE } from "./context.ts";
import { ROUTE_ACCESS } from "./route_access.ts";
import type { DenialAggregator } from "../lib/security/denials.ts";
import { loggablePath } from "./middleware/access_log.ts";
import { Forbidden } from "./middleware/errors.ts";

/** Public routes outside the staff area: the IP allow-list does not apply. */
const OUTSIDE_STAFF_AREA = new Set([
  "GET /healthz",
  "GET /readyz",
  "POST /lang",
]);

/**
 * The "METHOD /path" of the handler that will answer, or null (404, static).
 * Hono runs matching handlers in registration order and the first to return
 * a response answers, so the first non-middleware match is the one to guard.
 */
export function routeKey(c: Context): string | null {
  const handler = matchedRoutes(c).find((r) => r.method !== "ALL");
  return handler ? `${handler.method} ${handler.path}` : null;
}

export interface GuardDeps {
  db: Database;
  kv: Deno.Kv;
  sessions: SessionPolicy;
  ipAllowlist?: readonly string[];
  /** Aggregates anonymous denials per address and minute (issue #11). */
  denials?: DenialAggregator;
}

/** Loads the principal and enforces ROUTE_ACCESS for every request. */
export function accessGuard(deps: GuardDeps): MiddlewareHandler {
  return async function accessGuard(c, next) {
    c.set("principal", null);
    const key = routeKey(c);
    if (key === null) {
      // No route answers: the 404 page keeps a signed-in person's
      // navigation, so the principal is still loaded (nothing is granted).
      const { principal } = await signedIn(c, deps);
      c.set("principal", principal);
      return await next();
    }
    const access = ROUTE_ACCESS[key];
    if (access === undefined) {
      // Fail closed: a route nobody declared is served to nobody.
      c.get("log").error("access.undeclared_route", { route: key });
      throw new Forbidden("undeclared");
    }
    const { session, principal } = await signedIn(c, deps);
    c.set("principal", principal);
    if (
      deps.ipAllowlist?.length && !OUTSIDE_STAFF_AREA.has(key) &&
      !ipAllowed(clientIp(c), deps.ipAllowlist)
    ) {
      await deny(c, deps, principal, "access.denied.network", key);
      throw new Forbidden("network");
    }
    if (access === "public") return await next();

    if (!principal) {
      // Every denial is audited: a session whose user was disabled or
      // removed, or no session at all.
      await deny(
        c,
        deps,
        null,
        session ? "access.denied.inactive_user" : "access.denied.anonymous",
        key,
        session ? { userId: session.userId } : {},
      );
      if (c.req.method === "GET") {
        const next = encodeURIComponent(
          c.req.path +
            (c.req.url.includes("?")
              ? c.req.url.slice(c.req.url.indexOf("?"))
              : ""),
        );
        return c.redirect(`/auth/signin?next=${next}`, 303);
      }
      throw new HTTPException(401);
    }
    if (access !== "signed-in" && !principal.permissions.has(access)) {
      await deny(c, deps, principal, "access.denied.permission", key, {
        permission: access,
      });
      throw new Forbidden("permission", access);
    }
    await next();
  };
}

/** The request's session and its active staff member, if any. */
async function signedIn(c: Context, deps: GuardDeps) {
  const sessionId = getCookie(c, SESSION_COOKIE, "host") ?? "";
  const session = sessionId
    ? await readSession(deps.kv, deps.sessions, sessionId)
    : null;
  const principal = session
    ? await loadPrincipal(deps.db, session.userId, session.hash)
    : null;
  return { session, principal };
}

async function deny(
  c: Context,
  deps: { db: Database; denials?: DenialAggregator },
  principal: StaffPrincipal | null,
  action: string,
  route: string,
  details: Record<string, unknown> = {},
) {
  const event = {
    actorType: principal ? "staff" : "anonymous",
    actorId: principal?.userId ?? null,
    action,
    target: route,
    outcome: "denied",
    ip: clientIp(c),
    userAgent: c.req.header("user-agent") ?? null,
    requestId: c.get("requestId"),
    details,
  } as const;
  // Anonymous denials are aggregated per address and minute.
  if (!principal && deps.denials) return await deps.denials.record(event);
  await recordAudit(deps.db, principal, event);
}

/**
 * Hono's CSRF check with its refusals audited: a cross-site form post is a
 * denial like any other (Data Policy §8).
 */
export function auditedCsrf(
  db: Database,
  check: MiddlewareHandler,
  denials?: DenialAggregator,
): MiddlewareHandler {
  return async function csrfCheck(c, next) {
    let passed = false;
    try {
      await check(c, () => {
        passed = true;
        return next();
      });
    } catch (err) {
      if (!passed && err instanceof HTTPException && err.status === 403) {
        await deny(
          c,
          { db, denials },
          null,
          "access.denied.csrf",
          // The route pattern: a one-time link's token stays out of the trail.
          `${c.req.method} ${loggablePath(c)}`,
          {
            origin: c.req.header("origin") ?? null,
          },
        );
        throw new Forbidden("csrf");
      }
      throw err;
    }
  };
}
