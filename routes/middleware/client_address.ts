// Works out the client's address once per request (TRUSTED_PROXIES decides
// whether X-Forwarded-For counts) for clientIp, the IP allow-list, the
// anonymous rate limit and the audit trail.
import type { Context, MiddlewareHandler } from "hono";
import {
  clientAddress,
  type TrustedProxies,
} from "../../lib/security/client_address.ts";

declare module "hono" {
  interface ContextVariableMap {
    /** The client's address as TRUSTED_PROXIES lets us know it. */
    clientAddress: string | null;
  }
}

/** The socket peer's address as Deno saw it. */
export function peerAddress(c: Context): string | null {
  const info = (c.env as { remoteAddr?: Deno.NetAddr } | undefined)?.remoteAddr;
  return info?.hostname ?? null;
}

/** Sets `clientAddress` from the peer and, behind trusted proxies, X-Forwarded-For. */
export function resolveClientAddress(
  trusted: TrustedProxies | undefined,
): MiddlewareHandler {
  return async function resolveClientAddress(c, next) {
    c.set(
      "clientAddress",
      clientAddress(peerAddress(c), c.req.header("x-forwarded-for"), trusted),
    );
    await next();
  };
}

/** The client address of the request (the peer when the middleware did not run). */
export function requestAddress(c: Context): string | null {
  const resolved = c.get("clientAddress");
  return resolved === undefined ? peerAddress(c) : resolved;
}
