// A staff member's own account: changing a local password (Amazon DPP:
// at least every 365 days, not more than once a day).
import { Hono } from "hono";
import { z } from "zod";
import type { Database } from "../db/client.ts";
import {
  changeOwnPassword,
  hasOwnPassword,
} from "../lib/security/own_account.ts";
import { PasswordChangePage } from "../views/auth/pages.tsx";
import { translator } from "../views/i18n.ts";
import { requestMeta, requirePrincipal } from "./context.ts";
import { page } from "./page.ts";

const form = z.object({
  current: z.string().min(1).max(256),
  password: z.string().min(1).max(256),
  confirm: z.string().max(256),
});

export function accountRoutes(deps: { db: Database; kv: Deno.Kv }): Hono {
  const { db } = deps;
  const app = new Hono();

  app.get("/account/password", async (c) => {
    const principal = requirePrincipal(c);
    const local = await hasOwnPassword(db, principal);
    return page(
      c,
      translator(c.get("lang"))("account.password.title"),
      PasswordChangePage({
        lang: c.get("lang"),
        local,
        expired: c.req.query("expired") === "1",
      }),
    );
  });

  app.post("/account/password", async (c) => {
    const principal = requirePrincipal(c);
    const t = translator(c.get("lang"));
    const parsed = form.safeParse(await c.req.parseBody());
    const again = (errors: string[], status = 400) =>
      page(
        c,
        t("account.password.title"),
        PasswordChangePage({
          lang: c.get("lang"),
          local: true,
          expired: false,
          errors,
        }),
        status,
      );
    if (!parsed.success) return again([t("account.password.invalid")]);
    const { current, password, confirm } = parsed.data;
    if (password !== confirm) return again([t("auth.password.mismatch")]);
    const result = await changeOwnPassword(
      deps,
      principal,
      { current, password },
      requestMeta(c),
    );
    if (!result.ok) {
      return again(
        "reason" in result
          ? [t("account.password.wrongCurrent")]
          : result.problems.map((p) =>
            t(`password.problem.${p.code}`, p.params)
          ),
      );
    }
    return page(
      c,
      t("account.password.title"),
      PasswordChangePage({
        lang: c.get("lang"),
        local: true,
        expired: false,
        done: true,
      }),
    );
  });
  return app;
}
