// Sync pages (Data Policy §3, §8): staff with sync.read see each dataset's
// runs with live progress; sync.run may run a dataset now or retry a failed
// run (audited, queued through KV); admins edit the job schedules. Another
// store's runs are a 404: row-level security decides. The reads and the
// audited changes are lib/sync/'s; this module parses and renders.
import type { Context } from "hono";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import type { Database } from "../db/client.ts";
import type { Enqueue } from "../lib/queue.ts";
import type { Dataset } from "../lib/sync/dataset.ts";
import { requestRun, saveSchedule } from "../lib/sync/actions.ts";
import { storeApiLog } from "../lib/sync/api_log.ts";
import { datasetSchedule, jobName, listJobs } from "../lib/sync/schedules.ts";
import { PURGE_JOB, PURGE_SCHEDULE } from "../lib/policy/purge.ts";
import { nextPurgeAt } from "../lib/policy/retention.ts";
import { findRun, syncOverview, syncStatus } from "../lib/sync/status.ts";
import {
  datasetLabel,
  type InvalidSchedule,
  JobsPage,
  SyncPage,
  SyncRunPage,
  SyncStatusTable,
} from "../views/sync/pages.tsx";
import { scheduleProblemText } from "../views/sync/schedule_words.ts";
import { t } from "../views/sync/messages.ts";
import { ApiLogPage } from "../views/sync/api_log.tsx";
import { readerZone, requestMeta, requirePrincipal } from "./context.ts";
import { page } from "./page.ts";

const PAGE = 25;
const uuid = (raw: string) => {
  const r = z.uuid().safeParse(raw);
  if (!r.success) throw new HTTPException(404);
  return r.data;
};
const filterSchema = z.object({
  dataset: z.string().max(64).optional().transform((v) => v || undefined),
  status: z.enum([
    "queued",
    "running",
    "succeeded",
    "failed",
    "cancelled",
    "interrupted",
  ])
    .optional().or(z.literal("").transform(() => undefined)),
  before: z.string().max(200).optional(),
});
const invalidQuery = z.object({
  invalid: z.string().max(80),
  schedule: z.string().max(200),
  enabled: z.enum(["0", "1"]).catch("0"),
});
const apiLogFilter = z.object({
  api: z.enum(["sp-api", "ads-api", "lwa", "report-document"]).optional()
    .catch(undefined),
  outcome: z.enum(["ok", "client", "throttled", "server", "failed"])
    .optional().catch(undefined),
  operation: z.string().trim().max(80).regex(/^[A-Za-z0-9_.-]*$/)
    .optional().catch(undefined).transform((v) => v || undefined),
  /** Keyset: calls before this one, `<ISO time>_<id>`. */
  before: z.string().max(80).regex(/^[0-9T:.Z-]+_\d{1,18}$/).optional()
    .catch(undefined),
});

export function syncRoutes(deps: {
  db: Database;
  datasets: readonly Dataset[];
  enqueue: Enqueue;
}): Hono {
  const app = new Hono();
  const names = deps.datasets.map((d) => d.name);

  const syncPage = async (
    c: Context,
    id: string,
    msg: { notice?: string; error?: string } = {},
    status = 200,
  ) => {
    const principal = requirePrincipal(c);
    const f = filterSchema.safeParse(c.req.query());
    const filter: z.infer<typeof filterSchema> = f.success
      ? f.data
      : { dataset: undefined };
    const dataset = filter.dataset && names.includes(filter.dataset)
      ? filter.dataset
      : undefined;
    let before: { startedAt: Date; id: string } | undefined;
    if (filter.before) {
      const [at, rid] = filter.before.split("_");
      const ok = z.object({ at: z.iso.datetime(), rid: z.uuid() }).safeParse({
        at,
        rid,
      });
      if (ok.success) before = { startedAt: new Date(at), id: rid };
    }
    const view = await syncOverview(deps.db, principal, id, deps.datasets, {
      dataset,
      status: filter.status,
      before,
      limit: PAGE,
    });
    if (!view) throw new HTTPException(404);
    const { store, statuses, runs, next } = view;
    const q = new URLSearchParams();
    if (dataset) q.set("dataset", dataset);
    if (filter.status) q.set("status", filter.status);
    if (next) q.set("before", `${next.startedAt.toISOString()}_${next.id}`);
    return page(
      c,
      t(c.get("lang"), "sync.title"),
      SyncPage({
        lang: c.get("lang"),
        zone: readerZone(c),
        storeId: id,
        statuses,
        canRun: principal.permissions.has("sync.run"),
        connected: store.status === "connected",
        storeName: store.name,
        storeStatus: store.status,
        ...msg,
        runs,
        filter: { dataset, status: filter.status },
        datasets: names,
        nextHref: next ? `/stores/${id}/sync?${q}` : null,
      }),
      status,
    );
  };

  app.get("/stores/:id/sync", (c) => {
    const notice = c.req.query("queued") === "1"
      ? t(c.get("lang"), "sync.queuedOk")
      : undefined;
    return syncPage(c, uuid(c.req.param("id")), { notice });
  });

  app.get("/stores/:id/sync/status", async (c) => {
    const id = uuid(c.req.param("id"));
    const principal = requirePrincipal(c);
    const view = await syncStatus(deps.db, principal, id, deps.datasets);
    if (!view) throw new HTTPException(404);
    return c.html(SyncStatusTable({
      lang: c.get("lang"),
      zone: readerZone(c),
      storeId: id,
      statuses: view.statuses,
      canRun: principal.permissions.has("sync.run"),
      connected: view.store.status === "connected",
    }));
  });

  app.get("/stores/:id/sync/runs/:runId", async (c) => {
    const id = uuid(c.req.param("id"));
    const runId = uuid(c.req.param("runId"));
    const run = await findRun(deps.db, requirePrincipal(c), id, runId);
    if (!run) throw new HTTPException(404);
    return page(
      c,
      t(c.get("lang"), "sync.run.title"),
      SyncRunPage({
        lang: c.get("lang"),
        zone: readerZone(c),
        storeId: id,
        run,
      }),
    );
  });

  /** Queues a run (manual or retry) and answers with the outcome. */
  const queue = async (
    c: Context,
    id: string,
    input: { dataset: string } | { retryOf: string },
  ) => {
    const out = await requestRun(
      deps,
      requirePrincipal(c),
      { storeId: id, ...input },
      requestMeta(c),
    );
    if (out.ok) return c.redirect(`/stores/${id}/sync?queued=1`, 303);
    if (out.reason === "no_store" || out.reason === "no_run") {
      throw new HTTPException(404);
    }
    return syncPage(c, id, {
      error: t(c.get("lang"), `sync.error.${out.reason}`),
    }, 409);
  };

  app.post("/stores/:id/sync/:dataset/run", (c) => {
    const id = uuid(c.req.param("id"));
    const dataset = c.req.param("dataset");
    if (!names.includes(dataset)) {
      return syncPage(
        c,
        id,
        { error: t(c.get("lang"), "sync.error.dataset") },
        400,
      );
    }
    return queue(c, id, { dataset });
  });

  app.post("/stores/:id/sync/runs/:runId/retry", (c) => {
    const id = uuid(c.req.param("id"));
    const runId = uuid(c.req.param("runId"));
    return queue(c, id, { retryOf: runId });
  });

  app.get("/stores/:id/api-log", async (c) => {
    const id = uuid(c.req.param("id"));
    const f = apiLogFilter.parse(c.req.query());
    let before: { at: Date; id: number } | undefined;
    if (f.before) {
      const [at, rid] = f.before.split("_");
      const when = z.iso.datetime().safeParse(at);
      if (when.success) before = { at: new Date(when.data), id: Number(rid) };
    }
    const view = await storeApiLog(deps.db, requirePrincipal(c), id, {
      api: f.api,
      outcome: f.outcome,
      operation: f.operation,
      before,
      limit: 50,
    });
    if (!view) throw new HTTPException(404);
    const { store, rows, next } = view;
    const q = new URLSearchParams();
    if (f.api) q.set("api", f.api);
    if (f.outcome) q.set("outcome", f.outcome);
    if (f.operation) q.set("operation", f.operation);
    if (next) q.set("before", `${next.at.toISOString()}_${next.id}`);
    return page(
      c,
      t(c.get("lang"), "apilog.title"),
      ApiLogPage({
        lang: c.get("lang"),
        zone: readerZone(c),
        storeId: id,
        storeName: store.name,
        rows,
        filter: { api: f.api, outcome: f.outcome, operation: f.operation },
        nextHref: next ? `/stores/${id}/api-log?${q}` : null,
      }),
    );
  });

  app.get("/admin/jobs", async (c) => {
    const lang = c.get("lang");
    const principal = requirePrincipal(c);
    const notice = c.req.query("saved") === "1"
      ? t(lang, "jobs.saved")
      : undefined;
    // A schedule that was refused comes back here (the address is the jobs
    // page again): checked once more, shown beside its field as typed.
    const q = invalidQuery.safeParse(c.req.query());
    let invalid: InvalidSchedule | null = null;
    const dataset = q.success
      ? deps.datasets.find((d) => jobName(d.name) === q.data.invalid)
      : undefined;
    if (q.success && dataset) {
      const checked = datasetSchedule(dataset.name).safeParse(q.data.schedule);
      if (!checked.success) {
        invalid = {
          name: jobName(dataset.name),
          schedule: q.data.schedule,
          enabled: q.data.enabled === "1",
          problem: scheduleProblemText(
            lang,
            checked.error.issues[0]?.message ?? "",
            (name) => datasetLabel(lang, name),
          ),
        };
      }
    }
    return page(
      c,
      t(lang, "jobs.title"),
      JobsPage({
        lang,
        zone: readerZone(c),
        jobs: await listJobs(deps.db, principal, deps.datasets, new Date()),
        fixed: [{
          name: PURGE_JOB,
          schedule: PURGE_SCHEDULE,
          next: nextPurgeAt(new Date()),
        }],
        canEdit: principal.permissions.has("stores.manage"),
        invalid,
        notice,
      }),
    );
  });

  app.post("/admin/jobs/:name", async (c) => {
    const name = c.req.param("name");
    const dataset = deps.datasets.find((d) => jobName(d.name) === name);
    if (!dataset) throw new HTTPException(404);
    const body = await c.req.parseBody();
    const reset = body.reset === "1";
    const typed = typeof body.schedule === "string" ? body.schedule : "";
    const schedule = datasetSchedule(dataset.name).safeParse(typed);
    if (!reset && !schedule.success) {
      // Back to the jobs page, with the value as typed and the problem
      // beside its field (Post/Redirect/Get: the address stays the page's).
      const q = new URLSearchParams({
        invalid: name,
        schedule: typed.slice(0, 200),
        enabled: body.enabled === "on" ? "1" : "0",
      });
      return c.redirect(`/admin/jobs?${q}#job-${dataset.name}`, 303);
    }
    await saveSchedule(
      deps.db,
      requirePrincipal(c),
      reset ? { name, reset: true } : {
        name,
        reset: false,
        schedule: schedule.data!,
        enabled: body.enabled === "on",
      },
      requestMeta(c),
    );
    return c.redirect("/admin/jobs?saved=1", 303);
  });

  return app;
}
