// /retention (Data Policy §9): rules, oldest rows against their limits,
// legal holds and purge records; rules and holds are changed, and a purge is
// queued, only with retention.manage (routes/route_access.ts).
import { Hono } from "hono";
import type { Context } from "hono";
import type { Database } from "../db/client.ts";
import type { Enqueue } from "../lib/queue.ts";
import type { Lang } from "../views/i18n.ts";
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
  rowsHistory,
  updateRule,
} from "../lib/policy/retention.ts";
import {
  certificateJson,
  checkDeletionRequest,
  type DeletionCertificate,
  deletionCertificate,
  type DeletionRequest,
  DeletionRequestError,
  listDeletionRequests,
  recordDeletionRequest,
} from "../lib/policy/deletion_requests.ts";
import { DELETION_CATEGORIES } from "../lib/policy/purge.ts";
import { listVisibleStores } from "../lib/stores.ts";
import { wallClockInZone } from "../lib/validation.ts";
import { RetentionPage } from "../views/retention/page.tsx";
import {
  CertificatePage,
  DeletionConfirmPage,
  type DeletionForm,
  DeletionRequestsPage,
  type DeletionRow,
} from "../views/retention/deletion.tsx";
import { retentionCatalogue } from "../views/retention/messages.ts";
import { clientIp, readerZone, requirePrincipal } from "./context.ts";
import { page } from "./page.ts";

export function retentionRoutes(deps: {
  db: Database;
  enqueue: Enqueue;
}): Hono {
  const app = new Hono();
  const PAGE = 25;
  // A hold's or request's range: the days as they were entered.
  const enteredDay = (d: Date | null) =>
    d
      ? `${d.getUTCFullYear()}-${
        String(d.getUTCMonth() + 1).padStart(2, "0")
      }-${String(d.getUTCDate()).padStart(2, "0")}`
      : "";
  const meta = (c: Context) => ({
    ip: clientIp(c),
    requestId: c.get("requestId"),
  });

  const render = async (
    c: Context,
    extra: {
      error?: RetentionError["code"];
      notice?: boolean;
      holdForm?: Record<string, string>;
      holdErrors?: RetentionError["fields"];
    } = {},
    status = 200,
  ) => {
    const principal = requirePrincipal(c);
    const pageNo = Math.max(1, Number(c.req.query("page")) || 1);
    const [rules, states, holds, records, history] = await Promise.all([
      listRules(deps.db, principal),
      categoryStates(deps.db, principal),
      listHolds(deps.db, principal),
      listPurgeRecords(deps.db, principal, {
        limit: PAGE,
        offset: (pageNo - 1) * PAGE,
      }),
      rowsHistory(deps.db, principal),
    ]);
    return page(
      c,
      retentionCatalogue.t(c.get("lang"), "retention.title"),
      RetentionPage({
        lang: c.get("lang"),
        zone: readerZone(c),
        canManage: principal.permissions.has("retention.manage"),
        canRequestDeletion: principal.permissions.has(
          "retention.deletion_request",
        ),
        error: extra.error ?? null,
        notice: extra.notice ?? false,
        holdForm: extra.holdForm,
        holdErrors: extra.holdErrors,
        nextPurge: nextPurgeAt() ?? null,
        rules,
        states: states.map((s) => ({
          category: s.category,
          days: s.days,
          oldest: s.oldest,
          limit: s.limit,
          overdue: s.overdue,
        })),
        history,
        page: {
          n: pageNo,
          of: Math.max(1, Math.ceil(records.total / PAGE)),
        },
        holds: holds.map((h) => ({
          id: h.id,
          storeId: h.storeId,
          category: h.category,
          from: enteredDay(h.fromAt),
          to: enteredDay(h.toAt),
          recordIds: h.recordIds?.join(", ") ?? "",
          reason: h.reason,
          owner: h.owner,
          reviewOn: h.reviewOn,
          released: h.releasedAt !== null,
        })),
        records: records.records,
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
    const typed = {
      storeId: f("storeId"),
      category: f("category"),
      fromAt: f("fromAt"),
      toAt: f("toAt"),
      recordIds: f("recordIds"),
      reason: f("reason"),
      owner: f("owner"),
      reviewOn: f("reviewOn"),
    };
    try {
      await createHold(deps.db, requirePrincipal(c), typed, meta(c));
    } catch (err) {
      if (!(err instanceof RetentionError)) throw err;
      // Nothing was placed: the form again, as typed, each wrong field marked.
      return await render(c, {
        error: err.code,
        holdForm: typed,
        holdErrors: err.fields,
      }, 400);
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

  // ── Amazon's deletion requests ─────────────────────────────────────────
  const row = (r: DeletionRequest, now: Date): DeletionRow => ({
    id: r.id,
    amazonReference: r.amazonReference,
    receivedAt: r.receivedAt,
    deadlineAt: r.deadlineAt,
    status: r.status,
    hoursLeft: r.status === "done"
      ? null
      : Math.floor((r.deadlineAt.getTime() - now.getTime()) / 3_600_000),
    metDeadline: r.finishedAt ? r.finishedAt <= r.deadlineAt : null,
  });
  const emptyForm: DeletionForm = {
    amazonReference: "",
    receivedAt: "",
    storeIds: [],
    categories: [],
    fromAt: "",
    toAt: "",
    orderIds: "",
  };
  const deletionPage = async (
    c: Context,
    form: DeletionForm = emptyForm,
    errors: Record<string, string> = {},
  ) => {
    const principal = requirePrincipal(c);
    const now = new Date();
    const [stores, requests] = await Promise.all([
      listVisibleStores(deps.db, principal),
      listDeletionRequests(deps.db, principal),
    ]);
    return page(
      c,
      retentionCatalogue.t(c.get("lang"), "deletion.title"),
      DeletionRequestsPage({
        lang: c.get("lang"),
        zone: readerZone(c),
        stores: stores.map((s) => ({ id: s.id, name: s.name })),
        categories: DELETION_CATEGORIES,
        form,
        errors,
        requests: requests.map((r) => row(r, now)),
      }),
      Object.keys(errors).length > 0 ? 400 : 200,
    );
  };

  app.get("/retention/deletion-requests", (c) => deletionPage(c));

  app.post("/retention/deletion-requests", async (c) => {
    const body = await c.req.parseBody({ all: true });
    const one = (k: string) => {
      const v = body[k];
      const x = Array.isArray(v) ? v[0] : v;
      return typeof x === "string" ? x : "";
    };
    const many = (k: string) => {
      const v = body[k];
      return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((
        x,
      ): x is string => typeof x === "string");
    };
    const form: DeletionForm = {
      amazonReference: one("amazonReference"),
      receivedAt: one("receivedAt"),
      storeIds: many("storeIds"),
      categories: many("categories"),
      fromAt: one("fromAt"),
      toAt: one("toAt"),
      orderIds: one("orderIds"),
    };
    const principal = requirePrincipal(c);
    const confirmed = one("confirm") === "yes";
    // The received time is typed on the reader's wall clock; lib/ reads UTC.
    const receivedAt = wallClockInZone(form.receivedAt, readerZone(c));
    const input = {
      ...form,
      receivedAt: receivedAt
        ? receivedAt.toISOString().slice(0, 19)
        : form.receivedAt,
      confirm: "yes" as const,
    };
    try {
      if (!confirmed) {
        // Checked in full, nothing recorded: the owner confirms the scope.
        checkDeletionRequest(principal, input);
        const stores = await listVisibleStores(deps.db, principal);
        return page(
          c,
          retentionCatalogue.t(c.get("lang"), "deletion.confirm.title"),
          DeletionConfirmPage({
            lang: c.get("lang"),
            zone: readerZone(c),
            form,
            receivedAt,
            storeNames: stores.filter((s) => form.storeIds.includes(s.id))
              .map((s) => s.name),
          }),
        );
      }
      const id = await recordDeletionRequest(deps, principal, input, meta(c));
      return c.redirect(`/retention/deletion-requests/${id}`, 303);
    } catch (err) {
      if (err instanceof DeletionRequestError) {
        return await deletionPage(c, form, err.fields);
      }
      throw err;
    }
  });

  const certificateOf = async (c: Context) =>
    await deletionCertificate(
      deps.db,
      requirePrincipal(c),
      c.req.param("requestId") ?? "",
    );

  app.get("/retention/deletion-requests/:requestId", async (c) => {
    const cert = await certificateOf(c);
    if (!cert) return c.notFound();
    return page(
      c,
      retentionCatalogue.t(c.get("lang"), "deletion.cert.title"),
      CertificatePage(certificateProps(c.get("lang"), readerZone(c), cert)),
    );
  });

  app.get(
    "/retention/deletion-requests/:requestId/certificate.json",
    async (c) => {
      const cert = await certificateOf(c);
      if (!cert) return c.notFound();
      return c.body(certificateJson(cert), 200, {
        "content-type": "application/json; charset=utf-8",
        "content-disposition":
          `attachment; filename="deletion-certificate-${cert.request.id}.json"`,
      });
    },
  );

  function certificateProps(
    lang: Lang,
    zone: string,
    cert: DeletionCertificate,
  ) {
    const r = cert.request;
    return {
      lang,
      zone,
      id: r.id,
      amazonReference: r.amazonReference,
      receivedAt: r.receivedAt,
      deadline: row(r, new Date()),
      stores: r.storeIds,
      categories: r.categories,
      range: `${enteredDay(r.fromAt) || "…"} – ${enteredDay(r.toAt) || "…"}`,
      orderIds: r.orderIds?.join(", ") ?? null,
      requestedBy: r.requestedByName,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
      rows: cert.tables.map((t) => ({
        store: t.storeId,
        table: t.table,
        deleted: t.deleted,
        held: t.held,
      })),
      deletedTotal: cert.deletedTotal,
      heldTotal: cert.heldTotal,
      auditHead: r.auditHeadId === null
        ? null
        : `#${r.auditHeadId} ${r.auditHeadHash ?? ""}`,
      archives: cert.archives.map((a) => ({
        store: a.storeId,
        file: a.file,
        expiresAt: a.expiresAt,
      })),
      backups: cert.backups.map((b) => ({
        file: b.file,
        expiresAt: b.expiresAt,
      })),
    };
  }

  return app;
}
