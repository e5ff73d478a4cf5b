// Amazon app credentials (Data Policy §7): register an app's LWA client,
// rotate its secret. Values are accepted and sealed, never displayed.
import { Hono } from "hono";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import type { Database } from "../db/client.ts";
import {
  addApp,
  AppFormError,
  listApps,
  rotateSecret,
} from "../lib/connections/apps.ts";
import type { Vault } from "../lib/security/vault.ts";
import { AppsPage } from "../views/admin/apps.tsx";
import { translator } from "../views/i18n.ts";
import { clientIp, readerZone, requirePrincipal } from "./context.ts";
import { page } from "./page.ts";

const DAY = 86_400_000;

export function appRoutes(deps: { db: Database; vault: Vault }): Hono {
  const { db, vault } = deps;
  const app = new Hono();

  const render = async (
    c: Context,
    extra: { errors?: string[]; values?: Record<string, string> } = {},
    status = 200,
  ) => {
    const now = Date.now();
    const apps = await listApps(db, requirePrincipal(c));
    c.header("Cache-Control", "no-store");
    return page(
      c,
      translator(c.get("lang"))("apps.title"),
      AppsPage({
        lang: c.get("lang"),
        zone: readerZone(c),
        apps: apps.map((a) => ({
          id: a.id,
          api: a.api,
          name: a.name,
          applicationId: a.applicationId,
          draft: a.draft,
          secretIssuedAt: a.secretIssuedAt,
          secretDueAt: a.secretDueAt,
          dueSoon: a.secretDueAt.getTime() - now < 30 * DAY,
          previousSecretKept: a.previousSecretKept,
        })),
        ...extra,
      }),
      status,
    );
  };
  const meta = (c: Context) => ({
    ip: clientIp(c),
    requestId: c.get("requestId"),
  });

  app.get("/admin/amazon-apps", (c) => render(c));

  app.post("/admin/amazon-apps", async (c) => {
    const body = await c.req.parseBody();
    try {
      await addApp(db, vault, requirePrincipal(c), body, meta(c));
    } catch (err) {
      if (!(err instanceof AppFormError)) throw err;
      const keep = (k: string) =>
        typeof body[k] === "string" ? body[k] as string : "";
      // Only the non-secret fields are offered back.
      return await render(c, {
        errors: problemTexts(c, err),
        values: {
          api: keep("api"),
          name: keep("name"),
          applicationId: keep("applicationId"),
        },
      }, 400);
    }
    return c.redirect("/admin/amazon-apps", 303);
  });

  app.post("/admin/amazon-apps/:id/rotate", async (c) => {
    const id = z.uuid().safeParse(c.req.param("id"));
    if (!id.success) throw new HTTPException(404);
    const known = (await listApps(db, requirePrincipal(c))).some((a) =>
      a.id === id.data
    );
    if (!known) throw new HTTPException(404);
    try {
      await rotateSecret(
        db,
        vault,
        requirePrincipal(c),
        id.data,
        await c.req.parseBody(),
        meta(c),
      );
    } catch (err) {
      if (!(err instanceof AppFormError)) throw err;
      return await render(c, { errors: problemTexts(c, err) }, 400);
    }
    return c.redirect("/admin/amazon-apps", 303);
  });
  return app;
}

/** The form's problems in the reader's language. */
function problemTexts(c: Context, err: AppFormError): string[] {
  const t = translator(c.get("lang"));
  return err.problems.map((p) => t(`apps.problem.${p.code}`));
}
