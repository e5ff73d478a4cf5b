// The Hono application: middleware shell, error pages and every area's
// routes. main.ts passes in everything it needs; tests build the same app
// with a PGlite database and an in-memory KV.
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { getCookie, setCookie } from "hono/cookie";
import { csrf } from "hono/csrf";
import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import { NONCE, secureHeaders } from "hono/secure-headers";
import { timeout } from "hono/timeout";
import { serveStatic } from "hono/deno";
import { z } from "zod";
import type { Config } from "../lib/config.ts";
import type { Database } from "../db/client.ts";
import type { Logger } from "../lib/log.ts";
import { RolesPage } from "../views/pages/roles.tsx";
import { ErrorPage, errorTitle } from "../views/pages/error.tsx";
import { LANGS, pickLang, translator } from "../views/i18n.ts";
import { healthRoutes } from "./health.ts";
import type { Vault } from "../lib/security/vault.ts";
import {
  type Permission,
  PERMISSIONS,
  permissionsGating,
  ROLES,
} from "../lib/security/permissions.ts";
import { accessGuard, auditedCsrf, routeKey } from "./access.ts";
import { ROUTE_ACCESS } from "./route_access.ts";
import { authRoutes } from "./auth.ts";
import { auditRoutes } from "./audit.ts";
import { accountRoutes } from "./account.ts";
import { storeRoutes } from "./stores.ts";
import { usersRoutes } from "./users.ts";
import { syncRoutes } from "./sync.ts";
import { retentionRoutes } from "./retention.ts";
import { ordersRoutes } from "./orders.ts";
import { profitRoutes } from "./profit.ts";
import { productsRoutes } from "./products.ts";
import { inventoryRoutes } from "./inventory.ts";
import { complianceRoutes } from "./compliance.ts";
import { financeRoutes } from "./finance.ts";
import { publicRoutes } from "./public.ts";
import { providersRoutes } from "./providers.ts";
import { adsRoutes } from "./ads.ts";
import { requestPublicRoutes } from "./request_public.ts";
import { requestsRoutes } from "./requests.ts";
import { incidentRoutes } from "./incidents.ts";
import { archiveRoutes } from "./archives.ts";
import { DATASETS } from "../lib/sync/datasets/mod.ts";
import { appRoutes } from "./apps.ts";
import { connectRoutes } from "./connect.ts";
import { dashboardRoutes } from "./dashboard.ts";
import { connectDeps } from "../lib/connections/authorize.ts";
import { listVisibleStores } from "../lib/stores.ts";
import { touchGrantUse } from "../lib/security/access_review.ts";
import { LANG_COOKIE } from "./context.ts";
import { page } from "./page.ts";
import { localPath } from "../lib/validation.ts";
import { DenialAggregator } from "../lib/security/denials.ts";
import { accessLog, loggablePath } from "./middleware/access_log.ts";
import { noStore } from "./middleware/no_store.ts";
import { resolveClientAddress } from "./middleware/client_address.ts";
import { anonymousLimit } from "./middleware/anonymous_limit.ts";
import { formBodyErrors } from "./middleware/body.ts";
import { classifyError } from "./middleware/errors.ts";

export interface AppDeps {
  config: Config;
  db: Database;
  kv: Deno.Kv;
  log: Logger;
  vault: Vault;
  /** Hands a message to the job queue (jobs/queue.ts in production). */
  enqueue: (
    message: { type: string } & Record<string, unknown>,
  ) => Promise<void>;
  /**
   * Aggregates anonymous denials per address and minute; main.ts passes
   * its own to flush it every minute and at shutdown.
   */
  denials?: DenialAggregator;
}

const STATIC_ROOT = decodeURIComponent(
  new URL("../static", import.meta.url).pathname,
);

/**
 * Builds the application.
 *
 * @example
 * const app = createApp({ config, db, kv, log });
 * Deno.serve({ port: config.PORT }, app.fetch);
 */
export function createApp(deps: AppDeps): Hono {
  const { config, log } = deps;
  const app = new Hono();
  const overTls = config.publicUrl.startsWith("https://");

  const denials = deps.denials ?? new DenialAggregator({ db: deps.db });
  const sessions = {
    idleMs: config.SESSION_IDLE_MINUTES * 60_000,
    absoluteMs: config.SESSION_ABSOLUTE_HOURS * 3_600_000,
  };

  // Request ids are ours: an incoming X-Request-Id is not trusted.
  app.use(requestId({ headerName: "" }));
  // The route pattern only: never a link's token, never a query string.
  app.use(accessLog(log));
  app.use(noStore);
  // OAuth callback pages carry the code in their URL: no Referer at all.
  app.use("/connect/*", async function noReferrer(c, next) {
    await next();
    c.header("Referrer-Policy", "no-referrer");
  });
  app.use(secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", NONCE],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", "data:"],
      connectSrc: ["'self'"],
      fontSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    strictTransportSecurity: false,
    xFrameOptions: "DENY",
    // The full URL only to ourselves, nothing to other sites; and Chromium
    // keeps sending Origin on same-origin form posts (the CSRF check needs
    // it), which it does not under no-referrer over plain HTTP.
    referrerPolicy: "same-origin",
    permissionsPolicy: { camera: [], microphone: [], geolocation: [] },
  }));
  app.use(async function hsts(c, next) {
    await next();
    if (overTls || new URL(c.req.url).protocol === "https:") {
      c.header(
        "Strict-Transport-Security",
        "max-age=63072000; includeSubDomains",
      );
    }
  });
  app.use(resolveClientAddress(config.TRUSTED_PROXIES));
  app.use(async function language(c, next) {
    c.set(
      "lang",
      pickLang(getCookie(c, LANG_COOKIE), c.req.header("accept-language")),
    );
    c.set("defaultZone", config.DEFAULT_TIME_ZONE);
    await next();
  });
  app.use(anonymousLimit({
    kv: deps.kv,
    sessions,
    perMinute: config.ANON_REQUESTS_PER_MINUTE,
    denials,
  }));
  // Same origin as the request, or as PUBLIC_URL when behind a TLS proxy.
  app.use(auditedCsrf(
    deps.db,
    csrf({
      origin: (origin, c) =>
        sameOrigin(origin, c.req.url) || sameOrigin(origin, config.publicUrl),
    }),
    denials,
  ));
  app.use(bodyLimit({
    maxSize: config.BODY_LIMIT_BYTES,
    onError: () => {
      throw new HTTPException(413, { message: "Payload Too Large" });
    },
  }));
  app.use(formBodyErrors);
  app.use(timeout(config.REQUEST_TIMEOUT_MS));

  app.use(
    "/static/*",
    async function cacheStatic(c, next) {
      await next();
      if (c.res.ok) c.header("Cache-Control", "public, max-age=3600");
    },
    serveStatic({
      root: STATIC_ROOT,
      rewriteRequestPath: (p) => p.replace(/^\/static/, ""),
    }),
  );

  app.use(accessGuard({
    db: deps.db,
    kv: deps.kv,
    sessions,
    ipAllowlist: config.STAFF_IP_ALLOWLIST,
    denials,
  }));

  // The layout's store switcher reads the stores only when it draws a page,
  // and never on a public page (sign-in, one-time links), signed in or not.
  app.use(async function storeSwitcher(c, next) {
    const principal = c.get("principal");
    const key = routeKey(c);
    const publicPage = key !== null && ROUTE_ACCESS[key] === "public";
    // Read at most once per request, and only when asked.
    let stores: Promise<{ id: string; name: string }[]> | undefined;
    c.set(
      "visibleStores",
      () =>
        stores ??= principal && !publicPage
          ? listVisibleStores(deps.db, principal).then((list) =>
            list.map((s) => ({ id: s.id, name: s.name }))
          )
          : Promise.resolve([]),
    );
    await next();
  });

  // Data Policy §5: the access review sees each grant's real last use.
  app.use(async function grantUse(c, next) {
    const principal = c.get("principal");
    if (principal) {
      await touchGrantUse(deps.db, deps.kv, principal, new Date()).catch(
        (error) => c.get("log").warn("grant_use.touch_failed", { error }),
      );
    }
    await next();
  });

  app.route("/", healthRoutes(deps));
  app.route("/", authRoutes({ ...deps, sessions }));
  app.route("/", auditRoutes(deps));
  app.route("/", accountRoutes({ ...deps, sessions }));
  const connect = connectDeps({
    db: deps.db,
    kv: deps.kv,
    vault: deps.vault,
    amazonBaseUrl: config.AMAZON_BASE_URL,
  });
  app.route("/", connectRoutes({ config, connect }));
  app.route("/", storeRoutes(deps));
  app.route("/", usersRoutes(deps));
  app.route("/", syncRoutes({ ...deps, datasets: DATASETS }));
  app.route("/", appRoutes(deps));
  app.route("/", retentionRoutes(deps));
  app.route(
    "/",
    archiveRoutes({
      db: deps.db,
      vault: deps.vault,
      archiveDir: `${config.DATA_DIR}/archives`,
    }),
  );
  app.route("/", dashboardRoutes({ ...deps, datasets: DATASETS }));
  app.route("/", ordersRoutes(deps));
  app.route("/", productsRoutes(deps));
  app.route("/", inventoryRoutes(deps));
  app.route("/", complianceRoutes(deps));
  app.route("/", financeRoutes(deps));
  app.route("/", publicRoutes(deps));
  app.route("/", providersRoutes(deps));
  app.route("/", adsRoutes(deps));
  app.route("/", requestPublicRoutes(deps));
  app.route("/", requestsRoutes(deps));
  app.route("/", incidentRoutes(deps));
  app.route("/", profitRoutes(deps));

  app.get("/admin/roles", (c) => {
    const t = translator(c.get("lang"));
    // A permission no route requires yet is marked until its feature lands.
    const gating = permissionsGating(Object.values(ROUTE_ACCESS));
    return page(
      c,
      t("nav.roles"),
      RolesPage({
        lang: c.get("lang"),
        permissions: (Object.keys(PERMISSIONS) as Permission[]).map((name) => ({
          name,
          description: t(`permission.${name}`),
          notUsedYet: gating.has(name) ? null : t("roles.notUsedYet", {
            feature: t(`feature.${PERMISSIONS[name]}`),
          }),
        })),
        roles: ROLES.map((r) => ({
          name: r.name,
          description: t(`role.${r.name}`),
          allStores: r.allStores,
          permissions: [...r.permissions],
        })),
        routes: Object.entries(ROUTE_ACCESS).map(([route, access]) => ({
          route,
          access,
        })),
      }),
    );
  });

  const langForm = z.object({
    lang: z.enum(LANGS as [string, ...string[]]),
    next: localPath.optional(),
  });
  app.post("/lang", async (c) => {
    const parsed = langForm.safeParse(await c.req.parseBody());
    if (!parsed.success) throw new HTTPException(400);
    setCookie(c, LANG_COOKIE, parsed.data.lang, {
      path: "/",
      sameSite: "Lax",
      httpOnly: true,
      secure: overTls,
      maxAge: 60 * 60 * 24 * 365,
    });
    return c.redirect(parsed.data.next ?? "/", 303);
  });

  app.notFound((c) =>
    page(
      c,
      errorTitle(c.get("lang") ?? "en", 404),
      ErrorPage({
        lang: c.get("lang") ?? "en",
        status: 404,
        requestId: c.get("requestId"),
      }),
      404,
    )
  );
  app.onError((err, c) => {
    const { status, reason, sqlState, forbidden } = classifyError(err);
    if (status >= 500) {
      (c.get("log") ?? log).error("http.error", {
        status,
        path: loggablePath(c),
        error: err,
      });
    } else if (sqlState) {
      // A value the database refused as data: the client's error. The
      // statement and its parameters stay out of the log.
      (c.get("log") ?? log).warn("http.bad_value", {
        status,
        path: loggablePath(c),
        sqlState,
      });
    }
    return page(
      c,
      errorTitle(c.get("lang") ?? "en", status),
      ErrorPage({
        lang: c.get("lang") ?? "en",
        status,
        requestId: c.get("requestId") ?? "",
        reason,
        forbidden,
        role: c.get("principal")?.role ?? null,
      }),
      status,
    );
  });
  return app;
}

function sameOrigin(origin: string, url: string): boolean {
  try {
    return new URL(origin).origin === new URL(url).origin;
  } catch (err) {
    if (err instanceof TypeError) return false; // not a URL
    throw err;
  }
}
