// Sync pages (Data Policy §3, §8): staff with sync.read see each dataset's
// runs with live progress; sync.run may run a dataset now or retry a failed
// run (audited, queued through KV); admins edit the job schedules. Another
// store's runs are a 404: row-level security decides.
import type { Context } from "hono";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../db/client.ts";
import { stores } from "../db/schema.ts";
import { recordAuditInTx } from "../lib/security/audit.ts";
import type { Dataset } from "../lib/sync/dataset.ts";
import {
  datasetSchedule,
  effectiveSchedules,
  jobName,
  nextFiring,
  saveSchedule,
  scheduleOverrides,
} from "../lib/sync/schedules.ts";
import {
  datasetStatuses,
  getRun,
  listRuns,
  requestRun,
  SyncRequestError,
} from "../lib/sync/status.ts";
import {
  JobsPage,
  SyncPage,
  SyncRunPage,
  SyncStatusTable,
} from "../views/sync/pages.tsx";
import { t } from "../views/sync/messages.ts";
import { ApiLogPage } from "../views/sync/api_log.tsx";
import { listApiLog } from "../lib/sync/api_log.ts";
import type { Access } from "./access.ts";
import { clientIp } from "./access.ts";
import { page } from "./page.ts";

export const SYNC_ROUTE_ACCESS: Record<string, Access> = {
  "GET /stores/:id/sync": "sync.read",
  "GET /stores/:id/sync/status": "sync.read",
  "GET /stores/:id/sync/runs/:runId": "sync.read",
  "POST /stores/:id/sync/:dataset/run": "sync.run",
  "POST /stores/:id/sync/runs/:runId/retry": "sync.run",
  "GET /stores/:id/api-log": "sync.read",
  "GET /admin/jobs": "sync.read",
  "POST /admin/jobs/:name": "stores.manage",
};

const PAGE = 25;
const uuid = (raw: string) => {
  const r = z.uuid().safeParse(raw);
  if (!r.success) throw new HTTPException(404);
  return r.data;
};
const filterSchema = z.object({
  dataset: z.string().max(64).optional().transform((v) => v || undefined),
  status: z.enum(["queued", "running", "succeeded", "failed", "cancelled"])
    .optional().or(z.literal("").transform(() => undefined)),
  before: z.string().max(200).optional(),
});

export function syncRoutes(deps: {
  db: Database;
  datasets: readonly Dataset[];
  enqueue: (
    message: { type: string } & Record<string, unknown>,
  ) => Promise<void>;
}): Hono {
  const app = new Hono();
  const names = deps.datasets.map((d) => d.name);

  /** The store as the principal sees it, or 404. */
  const storeOf = async (c: Context, id: string) => {
    const [store] = await deps.db.asUser(
      c.get("principal")!,
      (tx) => tx.select().from(stores).where(eq(stores.id, id)),
    );
    if (!store) throw new HTTPException(404);
    return store;
  };
  const statusProps = async (c: Context, id: string, connected: boolean) => ({
    lang: c.get("lang"),
    storeId: id,
    statuses: await deps.db.asUser(
      c.get("principal")!,
      (tx) => datasetStatuses(tx, id, deps.datasets),
    ),
    canRun: c.get("principal")!.permissions.has("sync.run"),
    connected,
  });

  const syncPage = async (
    c: Context,
    id: string,
    msg: { notice?: string; error?: string } = {},
    status = 200,
  ) => {
    const store = await storeOf(c, id);
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
    const { runs, next } = await deps.db.asUser(
      c.get("principal")!,
      (tx) =>
        listRuns(tx, id, {
          dataset,
          status: filter.status,
          before,
          limit: PAGE,
        }),
    );
    const q = new URLSearchParams();
    if (dataset) q.set("dataset", dataset);
    if (filter.status) q.set("status", filter.status);
    if (next) q.set("before", `${next.startedAt.toISOString()}_${next.id}`);
    return page(
      c,
      t(c.get("lang"), "sync.title"),
      SyncPage({
        ...(await statusProps(c, id, store.status === "connected")),
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
    const store = await storeOf(c, id);
    return c.html(
      SyncStatusTable(await statusProps(c, id, store.status === "connected")),
    );
  });

  app.get("/stores/:id/sync/runs/:runId", async (c) => {
    const id = uuid(c.req.param("id"));
    const runId = uuid(c.req.param("runId"));
    const run = await deps.db.asUser(
      c.get("principal")!,
      (tx) => getRun(tx, id, runId),
    );
    if (!run) throw new HTTPException(404);
    return page(
      c,
      t(c.get("lang"), "sync.run.title"),
      SyncRunPage({ lang: c.get("lang"), storeId: id, run }),
    );
  });

  /** Queues a run (manual or retry), audited in the same transaction. */
  const queue = async (
    c: Context,
    id: string,
    dataset: string,
    retryOf?: string,
  ) => {
    const principal = c.get("principal")!;
    const store = await storeOf(c, id);
    if (store.status !== "connected") {
      return syncPage(c, id, {
        error: t(c.get("lang"), "sync.error.not_connected"),
      }, 409);
    }
    let runId: string;
    try {
      runId = await deps.db.asUser(principal, async (tx) => {
        const rid = await requestRun(tx, { storeId: id, dataset, retryOf });
        await recordAuditInTx(tx, {
          actorType: "staff",
          actorId: principal.userId,
          action: retryOf ? "sync.retry" : "sync.run",
          target: `${dataset}:${rid}`,
          storeId: id,
          outcome: "success",
          ip: clientIp(c),
          requestId: c.get("requestId"),
          details: retryOf ? { retryOf } : {},
        });
        return rid;
      });
    } catch (err) {
      if (!(err instanceof SyncRequestError)) throw err;
      return syncPage(c, id, {
        error: t(c.get("lang"), `sync.error.${err.code}`),
      }, 409);
    }
    await deps.enqueue({
      type: "sync.run",
      storeId: id,
      dataset,
      trigger: retryOf ? "retry" : "manual",
      runId,
    });
    return c.redirect(`/stores/${id}/sync?queued=1`, 303);
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
    return queue(c, id, dataset);
  });

  app.post("/stores/:id/sync/runs/:runId/retry", async (c) => {
    const id = uuid(c.req.param("id"));
    const runId = uuid(c.req.param("runId"));
    const run = await deps.db.asUser(
      c.get("principal")!,
      (tx) => getRun(tx, id, runId),
    );
    if (!run) throw new HTTPException(404);
    return queue(c, id, run.dataset, runId);
  });

  const apiLogFilter = z.object({
    api: z.enum(["sp-api", "ads-api", "lwa", "report-document"]).optional()
      .catch(undefined),
    outcome: z.enum(["ok", "client", "throttled", "server", "failed"])
      .optional().catch(undefined),
    operation: z.string().trim().max(80).regex(/^[A-Za-z0-9_.-]*$/)
      .optional().catch(undefined).transform((v) => v || undefined),
    before: z.coerce.number().int().positive().optional().catch(undefined),
  });
  app.get("/stores/:id/api-log", async (c) => {
    const id = uuid(c.req.param("id"));
    const store = await storeOf(c, id);
    const f = apiLogFilter.parse(c.req.query());
    const { rows, next } = await deps.db.asUser(
      c.get("principal")!,
      (tx) =>
        listApiLog(tx, id, {
          api: f.api,
          outcome: f.outcome,
          operation: f.operation,
          beforeId: f.before,
          limit: 50,
        }),
    );
    const q = new URLSearchParams();
    if (f.api) q.set("api", f.api);
    if (f.outcome) q.set("outcome", f.outcome);
    if (f.operation) q.set("operation", f.operation);
    if (next) q.set("before", String(next));
    return page(
      c,
      t(c.get("lang"), "apilog.title"),
      ApiLogPage({
        lang: c.get("lang"),
        storeId: id,
        storeName: store.name,
        rows,
        filter: { api: f.api, outcome: f.outcome, operation: f.operation },
        nextHref: next ? `/stores/${id}/api-log?${q}` : null,
      }),
    );
  });

  const jobsPage = async (
    c: Context,
    msg: { notice?: string; error?: string } = {},
    status = 200,
  ) => {
    const overrides = await deps.db.asUser(
      c.get("principal")!,
      (tx) => scheduleOverrides(tx),
    );
    const now = new Date();
    return page(
      c,
      t(c.get("lang"), "jobs.title"),
      JobsPage({
        lang: c.get("lang"),
        jobs: effectiveSchedules(deps.datasets, overrides).map((j) => ({
          ...j,
          next: j.enabled ? nextFiring(j.schedule, now) : null,
        })),
        ...msg,
      }),
      status,
    );
  };

  app.get("/admin/jobs", (c) => {
    const notice = c.req.query("saved") === "1"
      ? t(c.get("lang"), "jobs.saved")
      : undefined;
    return jobsPage(c, { notice });
  });

  app.post("/admin/jobs/:name", async (c) => {
    const name = c.req.param("name");
    const dataset = deps.datasets.find((d) => jobName(d.name) === name);
    if (!dataset) throw new HTTPException(404);
    const body = await c.req.parseBody();
    const reset = body.reset === "1";
    const schedule = datasetSchedule(dataset.name).safeParse(
      typeof body.schedule === "string" ? body.schedule : "",
    );
    if (!reset && !schedule.success) {
      return jobsPage(c, {
        error: t(c.get("lang"), "jobs.error", {
          job: name,
          problem: schedule.error.issues[0]?.message ?? "is not valid",
        }),
      }, 400);
    }
    const principal = c.get("principal")!;
    const enabled = body.enabled === "on";
    await deps.db.asUser(principal, async (tx) => {
      await saveSchedule(tx, {
        name,
        schedule: reset ? dataset.schedule : schedule.data!,
        enabled: reset ? true : enabled,
        reset,
        actor: principal.userId,
      });
      await recordAuditInTx(tx, {
        actorType: "staff",
        actorId: principal.userId,
        action: "job.schedule.change",
        target: name,
        outcome: "success",
        ip: clientIp(c),
        requestId: c.get("requestId"),
        details: reset ? { reset: true } : { schedule: schedule.data, enabled },
      });
    });
    return c.redirect("/admin/jobs?saved=1", 303);
  });

  return app;
}
