// /retention (Data Policy §9): rules, oldest rows against their limits,
// legal holds and purge records; rules and holds are changed, and a purge is
// queued, only with retention.manage (routes/route_access.ts).
import { Hono } from "hono";
import type { Context } from "hono";
import type { Database } from "../db/client.ts";
import type { Enqueue } from "../lib/queue.ts";
import {
  categoryStates,
  createHold,
  listHolds,
  listPurgeRecords,
  listRules,
  nextPurgeAt,
  releaseHold,
  requestPurge,
  RetentionError,
  updateRule,
} from "../lib/policy/retention.ts";
import { RetentionPage } from "../views/retention/page.tsx";
import { retentionCatalogue } from "../views/retention/messages.ts";
import { clientIp, requirePrincipal } from "./context.ts";
import { page } from "./page.ts";

export function retentionRoutes(deps: {
  db: Database;
  enqueue: Enqueue;
}): Hono {
  const app = new Hono();
  const day = (d: Date | null) => d?.toISOString().slice(0, 10) ?? "";
  const meta = (c: Context) => ({
    ip: clientIp(c),
    requestId: c.get("requestId"),
  });

  const render = async (
    c: Context,
    extra: { error?: RetentionError["code"]; notice?: boolean } = {},
    status = 200,
  ) => {
    const principal = requirePrincipal(c);
    const [rules, states, holds, records] = await Promise.all([
      listRules(deps.db, principal),
      categoryStates(deps.db, principal),
      listHolds(deps.db, principal),
      listPurgeRecords(deps.db, principal),
    ]);
    return page(
      c,
      retentionCatalogue.t(c.get("lang"), "retention.title"),
      RetentionPage({
        lang: c.get("lang"),
        canManage: principal.permissions.has("retention.manage"),
        error: extra.error ?? null,
        notice: extra.notice ?? false,
        nextPurge: nextPurgeAt()?.toISOString().slice(0, 16) ?? null,
        rules: rules.map((r) => ({
          ...r,
          updatedAt: r.updatedAt.toISOString().slice(0, 16),
        })),
        states: states.map((s) => ({
          category: s.category,
          oldest: s.oldest ? s.oldest.toISOString().slice(0, 10) : null,
          overdue: s.overdue,
        })),
        holds: holds.map((h) => ({
          id: h.id,
          storeId: h.storeId,
          category: h.category,
          range: h.fromAt || h.toAt ? `${day(h.fromAt)}…${day(h.toAt)}` : "",
          recordIds: h.recordIds?.join(", ") ?? "",
          reason: h.reason,
          owner: h.owner,
          reviewOn: h.reviewOn,
          released: h.releasedAt !== null,
        })),
        records: records.map((r) => ({
          ...r,
          startedAt: r.startedAt.toISOString().slice(0, 16),
        })),
      }),
      status,
    );
  };
  const form = async (c: Context) => {
    const body = await c.req.parseBody();
    return (k: string) => typeof body[k] === "string" ? body[k] as string : "";
  };
  const refused = (c: Context, err: unknown) => {
    if (!(err instanceof RetentionError)) throw err;
    return render(c, { error: err.code }, 400);
  };

  app.get("/retention", (c) => render(c));

  app.post("/retention/rules", async (c) => {
    const f = await form(c);
    try {
      await updateRule(deps.db, requirePrincipal(c), {
        category: f("category"),
        days: f("days"),
        fallbackDays: f("fallbackDays"),
        reason: f("reason"),
      } as never, meta(c));
    } catch (err) {
      return await refused(c, err);
    }
    return c.redirect("/retention", 303);
  });

  app.post("/retention/holds", async (c) => {
    const f = await form(c);
    try {
      await createHold(deps.db, requirePrincipal(c), {
        storeId: f("storeId"),
        category: f("category"),
        fromAt: f("fromAt"),
        toAt: f("toAt"),
        recordIds: f("recordIds"),
        reason: f("reason"),
        owner: f("owner"),
        reviewOn: f("reviewOn"),
      }, meta(c));
    } catch (err) {
      return await refused(c, err);
    }
    return c.redirect("/retention", 303);
  });

  app.post("/retention/holds/:id/release", async (c) => {
    const f = await form(c);
    try {
      await releaseHold(
        deps.db,
        requirePrincipal(c),
        c.req.param("id"),
        f("reason"),
        meta(c),
      );
    } catch (err) {
      return await refused(c, err);
    }
    return c.redirect("/retention", 303);
  });

  app.post("/retention/run", async (c) => {
    const f = await form(c);
    await requestPurge(
      deps,
      requirePrincipal(c),
      f("dryRun") === "true",
      meta(c),
    );
    return await render(c, { notice: true });
  });

  return app;
}
