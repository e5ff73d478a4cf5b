// What every route shares about a request: the typed context variables
// (Hono module augmentation), the cookie names, who is signed in and from
// which address. Imports no route module, so any route may import it.
import type { Context } from "hono";
import { requestAddress } from "./middleware/client_address.ts";
import { HTTPException } from "hono/http-exception";
import type {} from "hono/request-id";
import type {} from "hono/secure-headers";
import type { Lang } from "../views/i18n.ts";
import type { Logger } from "../lib/log.ts";
import type { StaffPrincipal } from "../lib/security/principal.ts";
import type { RequestMeta } from "../lib/security/audit.ts";

declare module "hono" {
  interface ContextVariableMap {
    log: Logger;
    lang: Lang;
    /**
     * The company's time zone (DEFAULT_TIME_ZONE) for a person who chose
     * none; set for every request (routes/app.ts).
     */
    defaultZone: string;
    /** Set by the access guard for every request; null when signed out. */
    principal: StaffPrincipal | null;
    /**
     * The stores the signed-in person may open, for the layout's store
     * switcher; read only when a full page is drawn (routes/app.ts sets it).
     */
    visibleStores: () => Promise<{ id: string; name: string }[]>;
  }
}

/** The session cookie (`__Host-` prefixed). */
export const SESSION_COOKIE = "custodian_session";
/** The 15-minute cookie of a TOTP enrollment in progress (`__Host-`). */
export const ENROLL_COOKIE = "custodian_enroll";
/** The chosen interface language. */
export const LANG_COOKIE = "lang";

/**
 * The signed-in principal. The access guard has refused anonymous requests
 * to every route that is not public before a handler runs, so this throws
 * (401) only for a handler whose route was declared public by mistake.
 */
export function requirePrincipal(c: Context): StaffPrincipal {
  const principal = c.get("principal");
  if (!principal) throw new HTTPException(401);
  return principal;
}

/**
 * The client address: the socket peer, or behind TRUSTED_PROXIES the
 * address they forwarded (routes/middleware/client_address.ts).
 */
export function clientIp(c: Context): string | null {
  return requestAddress(c);
}

/** The request's address, user agent and id, as lib/ audits them. */
export function requestMeta(c: Context): RequestMeta {
  return {
    ip: clientIp(c),
    userAgent: c.req.header("user-agent") ?? null,
    requestId: c.get("requestId"),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The stores a staff screen shows: the one named by `?store=` (the layout's
 * switcher keeps it in the URL), else every store the principal may open.
 * A store that is not granted is a 404, never a 403 that confirms it exists.
 */
export function selectedStoreIds(c: Context): string[] {
  const principal = requirePrincipal(c);
  const chosen = c.req.query("store");
  if (chosen === undefined || chosen === "") return [...principal.storeIds];
  if (!UUID.test(chosen)) throw new HTTPException(404);
  const id = chosen.toLowerCase();
  if (!principal.storeIds.includes(id)) throw new HTTPException(404);
  return [id];
}

/**
 * The reader's time zone, threaded to the views beside the language: their
 * own choice (account page), else the company's DEFAULT_TIME_ZONE (UTC
 * unless configured), also for a signed-out reader.
 */
export function readerZone(c: Context): string {
  return c.get("principal")?.timeZone ?? c.get("defaultZone") ?? "UTC";
}
