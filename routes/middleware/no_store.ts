// Issue #11, "personal data pages can be cached": every response of the
// portal except its static assets is `Cache-Control: no-store` — pages,
// HTMX fragments, redirects and error pages alike — so that neither a shared
// cache nor the browser's history keeps what a signed-in person saw.
import type { MiddlewareHandler } from "hono";

/** Forces `Cache-Control: no-store` on every response outside `/static/`. */
export const noStore: MiddlewareHandler = async function noStore(c, next) {
  await next();
  if (c.req.path.startsWith("/static/") && c.res.ok) return;
  c.header("Cache-Control", "no-store");
};
