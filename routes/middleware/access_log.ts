// The access log (issue #11, "one-time link tokens in the access log"): one
// line per request naming the matched route pattern — `/auth/setup/:token`,
// never the token — and, for a path no route matched, the path with every
// segment that could be a secret replaced. Query strings are never logged
// (OAuth codes and states travel there).
import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { Logger } from "../../lib/log.ts";
import "../context.ts";

/** A path segment short and plain enough to be no secret. */
const PLAIN_SEGMENT = /^[A-Za-z0-9._~-]{0,24}$/;
/** Long runs of hex or base64url characters: tokens, codes, keys. */
const TOKEN_LIKE = /[A-Za-z0-9_-]{16,}/;

/**
 * `path` with each segment that is long, unusual or token-like replaced by
 * `:redacted`.
 *
 * @example
 * redactPath("/auth/setup/9f86d081884c7d659a2feaa0c55ad015/x") // → "/auth/setup/:redacted/x"
 */
export function redactPath(path: string): string {
  return path.split("/").map((segment) =>
    PLAIN_SEGMENT.test(segment) && !TOKEN_LIKE.test(segment)
      ? segment
      : ":redacted"
  ).join("/");
}

/** The route pattern that answered, or the redacted path when none did. */
export function loggablePath(c: Context): string {
  const handler = matchedRoutes(c).find((r) => r.method !== "ALL");
  return handler ? handler.path : redactPath(c.req.path);
}

/** Sets the request logger and writes one `http.request` line per request. */
export function accessLog(log: Logger): MiddlewareHandler {
  return async function accessLog(c, next) {
    const started = performance.now();
    c.set("log", log.child({ requestId: c.get("requestId") }));
    c.header("X-Request-Id", c.get("requestId"));
    await next();
    c.get("log").info("http.request", {
      method: c.req.method,
      path: loggablePath(c),
      status: c.res.status,
      ms: Math.round(performance.now() - started),
    });
  };
}
