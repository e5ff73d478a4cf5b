// Connecting a store through Amazon's official flows (Data Policy §2):
// the website authorization workflow and self-authorization.
import { Hono } from "hono";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import type { Config } from "../lib/config.ts";
import {
  beginWebsiteAuthorization,
  completeWebsiteAuthorization,
  type ConnectDeps,
  ConnectError,
  selfAuthorize,
} from "../lib/connections/authorize.ts";
import { ConnectResult } from "../views/stores/connect.tsx";
import {
  beginAdsAuthorization,
  completeAdsAuthorization,
} from "../lib/connections/ads.ts";
import { translator } from "../views/i18n.ts";
import { clientIp, requirePrincipal } from "./context.ts";
import { page } from "./page.ts";

export function connectRoutes(
  deps: { config: Config; connect: ConnectDeps },
): Hono {
  const app = new Hono();
  const meta = (c: Context) => ({
    ip: clientIp(c),
    requestId: c.get("requestId"),
  });
  const result = (
    c: Context,
    r: { ok: boolean; reason?: string; storeId?: string },
  ) =>
    page(
      c,
      translator(c.get("lang"))(r.ok ? "connect.ok" : "connect.failed"),
      ConnectResult({ lang: c.get("lang"), ...r }),
      r.ok ? 200 : 400,
    );
  const ids = z.object({ id: z.uuid(), appId: z.uuid() });

  type Begin = typeof beginWebsiteAuthorization;
  type Complete = typeof completeAdsAuthorization;
  /** The two official grants share their shape: begin → Amazon → callback. */
  const flow = (name: "sp-api" | "ads", begin: Begin, complete: Complete) => {
    const redirectUri = `${deps.config.publicUrl}/connect/${name}/callback`;
    const start = name === "sp-api" ? "website" : "ads";
    app.get(`/stores/:id/connect/${start}`, async (c) => {
      const parsed = ids.safeParse({
        id: c.req.param("id"),
        appId: c.req.query("appId"),
      });
      if (!parsed.success) throw new HTTPException(404);
      const principal = requirePrincipal(c);
      try {
        const url = await begin(deps.connect, principal, principal.sessionId, {
          storeId: parsed.data.id,
          appId: parsed.data.appId,
          redirectUri,
        });
        return c.redirect(url, 302);
      } catch (err) {
        if (!(err instanceof ConnectError)) throw err;
        if (err.code === "no_store") throw new HTTPException(404);
        return result(c, {
          ok: false,
          reason: "no_app",
          storeId: parsed.data.id,
        });
      }
    });
    app.get(`/connect/${name}/callback`, async (c) => {
      // Referrer-Policy is no-referrer everywhere (routes/app.ts), as Amazon
      // recommends for this page whose URL carries the code.
      c.header("Cache-Control", "no-store");
      const principal = requirePrincipal(c);
      return result(
        c,
        await complete(
          deps.connect,
          principal,
          principal.sessionId,
          c.req.query(),
          meta(c),
        ),
      );
    });
  };
  flow("sp-api", beginWebsiteAuthorization, completeWebsiteAuthorization);
  flow("ads", beginAdsAuthorization, completeAdsAuthorization);

  app.post("/stores/:id/connect/self", async (c) => {
    const body = await c.req.parseBody();
    const parsed = z.object({
      id: z.uuid(),
      appId: z.uuid(),
      refreshToken: z.string().min(1).max(4096),
    }).safeParse({
      id: c.req.param("id"),
      appId: body.appId,
      refreshToken: body.refreshToken,
    });
    if (!parsed.success) {
      return result(c, {
        ok: false,
        reason: "token_invalid",
        storeId: c.req.param("id"),
      });
    }
    try {
      const r = await selfAuthorize(deps.connect, requirePrincipal(c), {
        storeId: parsed.data.id,
        appId: parsed.data.appId,
        refreshToken: parsed.data.refreshToken,
      }, meta(c));
      return result(c, r);
    } catch (err) {
      if (err instanceof ConnectError) throw new HTTPException(404);
      throw err;
    }
  });
  return app;
}
