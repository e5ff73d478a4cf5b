// Issue #18, incident response (Data Policy §12, §8, §7): the report form
// every signed-in person reaches from every page, /incidents and the
// incident page (incidents.manage), containment, the response plan, canary
// records, detection rules and offboarding. Each handler parses its input
// with zod (in lib/incidents/), calls one function of lib/ and renders a view;
// a refused action changes nothing and says why.
import { Hono } from "hono";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import type { Database } from "../db/client.ts";
import type { Vault } from "../lib/security/vault.ts";
import { exportsFrozen } from "../lib/settings.ts";
import { listVisibleStores } from "../lib/stores.ts";
import { IncidentError, SEVERITIES } from "../lib/incidents/model.ts";
import { reportIncident } from "../lib/incidents/report.ts";
import {
  activeStaff,
  addNote,
  addNotice,
  getIncident,
  incidentOwners,
  listIncidents,
  markNoticeSent,
  parseCursor,
  STATES,
  updateIncident,
} from "../lib/incidents/records.ts";
import { contain, CONTAINMENT_ACTIONS } from "../lib/incidents/containment.ts";
import {
  planState,
  publishPlan,
  recordPlanReview,
} from "../lib/incidents/plan.ts";
import { listCanaries, plantCanary } from "../lib/incidents/canary.ts";
import { ruleSettings, updateRule } from "../lib/incidents/detection.ts";
import {
  offboardingState,
  offboardUser,
} from "../lib/incidents/offboarding.ts";
import { ExportRefusedError } from "../lib/security/export_gate.ts";
import { exportIncidentsCsv } from "../lib/incidents/export.ts";
import { ExportRefusedView } from "../views/export_refused.tsx";
import { csvDownload, exportRefusal } from "./csv_response.ts";
import { formatDayInZone } from "../views/format.ts";
import { ReportForm, ReportThanks } from "../views/incidents/report.tsx";
import { IncidentListPage } from "../views/incidents/list.tsx";
import { IncidentPage } from "../views/incidents/incident.tsx";
import {
  CanaryPage,
  DetectionPage,
  OffboardingPage,
  PlanPage,
} from "../views/incidents/admin.tsx";
import { incidentsCatalogue } from "../views/incidents/messages.ts";
import { readerZone, requestMeta, requirePrincipal } from "./context.ts";
import { page } from "./page.ts";

export interface IncidentRouteDeps {
  db: Database;
  kv: Deno.Kv;
  vault: Vault;
}

const listQuery = z.object({
  state: z.enum(["", "open", ...STATES]).catch(""),
  severity: z.enum(["", ...SEVERITIES]).catch(""),
  after: z.string().max(80).optional().catch(undefined),
});

const flashQuery = z.object({
  done: z.string().regex(/^[a-z_]{1,40}$/).optional().catch(undefined),
  refused: z.string().regex(/^[a-z_]{1,40}$/).optional().catch(undefined),
  what: z.string().max(80).optional().catch(undefined),
});

/** The flash line of a page after a redirect (`?done=` or `?refused=`). */
function flashOf(c: Context) {
  const t = incidentsCatalogue.translator(c.get("lang"));
  const q = flashQuery.parse(c.req.query());
  if (q.refused) {
    const key = `inc.contain.refused.${q.refused}`;
    return {
      kind: "refused" as const,
      text: incidentsCatalogue.has(key)
        ? t(key)
        : t("inc.contain.refused.invalid"),
    };
  }
  if (q.done) {
    const key = `inc.contain.${q.done}`;
    return {
      kind: "done" as const,
      text: incidentsCatalogue.has(key)
        ? t("inc.contain.done", { what: t(key) })
        : t("inc.page.saved"),
    };
  }
  return null;
}

/** Where to send a refused action back, with its code. */
function refusedTo(c: Context, path: string, err: unknown): Response {
  if (err instanceof IncidentError) {
    return c.redirect(`${path}?refused=${err.code}`, 303);
  }
  throw err;
}

/**
 * Runs one change of incident `id`: 404 when there is no such incident (or
 * it is not visible), back with `?refused=<code>` when the domain refuses,
 * else on to the incident page with `?done=<done>`.
 */
async function changeIncident(
  c: Context,
  id: string,
  done: string,
  change: () => Promise<unknown>,
): Promise<Response> {
  // Not an incident id at all: no such incident, and nothing to send back to.
  if (!z.uuid().safeParse(id).success) throw new HTTPException(404);
  try {
    await change();
  } catch (err) {
    if (err instanceof IncidentError && err.code === "not_found") {
      throw new HTTPException(404);
    }
    return refusedTo(c, `/incidents/${id}`, err);
  }
  return c.redirect(`/incidents/${id}?done=${done}`, 303);
}

/** Form fields as strings, repeated ones as arrays. */
async function formOf(c: Context): Promise<Record<string, string | string[]>> {
  const body = await c.req.parseBody({ all: true });
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(body)) {
    if (typeof v === "string") out[k] = v;
    else if (Array.isArray(v)) {
      out[k] = v.filter((x): x is string => typeof x === "string");
    }
  }
  return out;
}

const one = (v: string | string[] | undefined) =>
  Array.isArray(v) ? v[0] ?? "" : v ?? "";

/** The incident screens. */
export function incidentRoutes(deps: IncidentRouteDeps): Hono {
  const app = new Hono();
  const { db } = deps;

  // Reporting: anyone signed in (route_access "signed-in").
  app.get("/incidents/report", async (c) => {
    const principal = requirePrincipal(c);
    const lang = c.get("lang");
    const zone = readerZone(c);
    const stores = await listVisibleStores(db, principal);
    return page(
      c,
      incidentsCatalogue.t(lang, "inc.report.title"),
      ReportForm({
        lang,
        stores: stores.map((s) => ({ id: s.id, name: s.name })),
        today: formatDayInZone(new Date(), zone),
      }),
    );
  });

  app.post("/incidents/report", async (c) => {
    const principal = requirePrincipal(c);
    const lang = c.get("lang");
    const zone = readerZone(c);
    const form = await formOf(c);
    const input = {
      kind: one(form.kind),
      what: one(form.what),
      when: one(form.when),
      stores: form.stores ?? [],
      data: form.data ?? [],
    };
    try {
      await reportIncident(
        db,
        principal,
        input as Parameters<typeof reportIncident>[2],
        zone,
        requestMeta(c),
      );
    } catch (err) {
      if (!(err instanceof IncidentError) || err.code !== "invalid") throw err;
      const stores = await listVisibleStores(db, principal);
      return page(
        c,
        incidentsCatalogue.t(lang, "inc.report.title"),
        ReportForm({
          lang,
          stores: stores.map((s) => ({ id: s.id, name: s.name })),
          today: formatDayInZone(new Date(), zone),
          values: {
            kind: input.kind,
            what: input.what,
            when: input.when,
            stores: [input.stores].flat(),
            data: [input.data].flat(),
          },
          problems: err.fields,
        }),
        400,
      );
    }
    return page(
      c,
      incidentsCatalogue.t(lang, "inc.report.thanks.title"),
      ReportThanks({ lang }),
    );
  });

  // The response plan.
  app.get("/incidents/plan", async (c) => {
    const principal = requirePrincipal(c);
    const lang = c.get("lang");
    const version = z.coerce.number().int().positive().optional().catch(
      undefined,
    ).parse(c.req.query("version"));
    const s = await planState(db, principal, new Date(), version);
    return page(
      c,
      incidentsCatalogue.t(lang, "inc.plan.title"),
      PlanPage({
        lang,
        zone: readerZone(c),
        current: s.current,
        versions: s.versions,
        reviews: s.reviews,
        dueAt: s.dueAt,
        overdue: s.overdue,
        flash: flashOf(c),
      }),
    );
  });

  app.post("/incidents/plan", async (c) => {
    const principal = requirePrincipal(c);
    const form = await formOf(c);
    try {
      await publishPlan(
        db,
        principal,
        { body: one(form.body), note: one(form.note) },
        requestMeta(c),
      );
    } catch (err) {
      return refusedTo(c, "/incidents/plan", err);
    }
    return c.redirect("/incidents/plan?done=plan_publish", 303);
  });

  app.post("/incidents/plan/review", async (c) => {
    const principal = requirePrincipal(c);
    const form = await formOf(c);
    try {
      await recordPlanReview(
        db,
        principal,
        { note: one(form.note) },
        requestMeta(c),
      );
    } catch (err) {
      return refusedTo(c, "/incidents/plan", err);
    }
    return c.redirect("/incidents/plan?done=plan_review", 303);
  });

  // Canary records.
  app.get("/incidents/canaries", async (c) => {
    const principal = requirePrincipal(c);
    const lang = c.get("lang");
    const owner = principal.role === "owner";
    return page(
      c,
      incidentsCatalogue.t(lang, "inc.canary.title"),
      CanaryPage({
        lang,
        zone: readerZone(c),
        canOwn: owner,
        stores: owner
          ? (await listVisibleStores(db, principal)).map((s) => ({
            id: s.id,
            name: s.name,
          }))
          : [],
        canaries: owner ? await listCanaries(db, principal) : [],
        flash: flashOf(c),
      }),
    );
  });

  app.post("/incidents/canaries", async (c) => {
    const principal = requirePrincipal(c);
    const form = await formOf(c);
    try {
      await plantCanary(
        { db, vault: deps.vault },
        principal,
        one(form.store).toLowerCase(),
        requestMeta(c),
      );
    } catch (err) {
      return refusedTo(c, "/incidents/canaries", err);
    }
    return c.redirect("/incidents/canaries?done=canary", 303);
  });

  // Detection rules.
  app.get("/incidents/detection", async (c) => {
    const principal = requirePrincipal(c);
    const lang = c.get("lang");
    return page(
      c,
      incidentsCatalogue.t(lang, "inc.detect.title"),
      DetectionPage({
        lang,
        zone: readerZone(c),
        rules: await ruleSettings(db, principal),
        flash: flashOf(c),
      }),
    );
  });

  app.post("/incidents/detection", async (c) => {
    const principal = requirePrincipal(c);
    const form = await formOf(c);
    try {
      await updateRule(db, principal, {
        rule: one(form.rule),
        threshold: one(form.threshold),
        windowMinutes: one(form.windowMinutes),
        enabled: one(form.enabled),
      }, requestMeta(c));
    } catch (err) {
      return refusedTo(c, "/incidents/detection", err);
    }
    return c.redirect("/incidents/detection?done=detection", 303);
  });

  // Offboarding.
  app.get("/incidents/offboarding", async (c) => {
    const principal = requirePrincipal(c);
    const lang = c.get("lang");
    const selected = z.uuid().optional().catch(undefined).parse(
      c.req.query("user"),
    ) ?? null;
    const state = selected
      ? await offboardingState(db, principal, selected)
      : null;
    if (selected && !state) throw new HTTPException(404);
    return page(
      c,
      incidentsCatalogue.t(lang, "inc.off.title"),
      OffboardingPage({
        lang,
        zone: readerZone(c),
        users: await activeStaff(db, principal, true),
        selected,
        state: state
          ? {
            userId: state.user.id,
            name: state.user.displayName,
            disabled: state.disabled,
            grantsLeft: state.grantsLeft,
            secrets: state.secrets,
            done: state.done,
          }
          : null,
        flash: flashOf(c),
      }),
    );
  });

  app.post("/incidents/offboarding/:userId", async (c) => {
    const principal = requirePrincipal(c);
    const userId = c.req.param("userId");
    if (!z.uuid().safeParse(userId).success) throw new HTTPException(404);
    const form = await formOf(c);
    const back = `/incidents/offboarding?user=${userId}`;
    try {
      await offboardUser(
        { db, kv: deps.kv },
        principal,
        userId,
        one(form.confirm) === "yes",
        requestMeta(c),
      );
    } catch (err) {
      if (err instanceof IncidentError && err.code === "not_found") {
        throw new HTTPException(404);
      }
      if (err instanceof IncidentError) {
        return c.redirect(`${back}&refused=${err.code}`, 303);
      }
      throw err;
    }
    return c.redirect(`${back}&done=offboard`, 303);
  });

  // The list and one incident.
  app.get("/incidents", async (c) => {
    const principal = requirePrincipal(c);
    const lang = c.get("lang");
    const q = listQuery.parse(c.req.query());
    const result = await listIncidents(db, principal, {
      state: q.state || undefined,
      severity: q.severity || undefined,
      after: parseCursor(q.after),
      size: 50,
    });
    return page(
      c,
      incidentsCatalogue.t(lang, "inc.list.title"),
      IncidentListPage({
        lang,
        zone: readerZone(c),
        rows: result.rows,
        filter: { state: q.state, severity: q.severity },
        next: result.next,
        now: new Date(),
        canExport: principal.permissions.has("export.csv") &&
          !(await exportsFrozen(db, principal)),
      }),
    );
  });

  app.get("/incidents.csv", async (c) => {
    const principal = requirePrincipal(c);
    const lang = c.get("lang");
    const q = listQuery.parse(c.req.query());
    const filter = {
      state: q.state || undefined,
      severity: q.severity || undefined,
    };
    const describe = Object.fromEntries(
      Object.entries(filter).filter(([, v]) => v !== undefined),
    ) as Record<string, string>;
    let csv: AsyncIterable<string>;
    try {
      csv = await exportIncidentsCsv(
        { db, kv: deps.kv },
        principal,
        { filter, describe },
        requestMeta(c),
      );
    } catch (err) {
      if (!(err instanceof ExportRefusedError)) throw err;
      const { status, minutes } = exportRefusal(c, err);
      const t = incidentsCatalogue.translator(lang);
      return page(
        c,
        t("inc.list.title"),
        ExportRefusedView({
          title: t("inc.list.title"),
          message: t(`inc.export.error.${err.code}`, { minutes }),
          back: {
            href: `/incidents?${new URLSearchParams(describe)}`,
            label: t("inc.export.back"),
          },
        }),
        status,
      );
    }
    return csvDownload(c, "incidents", csv);
  });

  app.get("/incidents/:id", async (c) => {
    const principal = requirePrincipal(c);
    const lang = c.get("lang");
    const detail = await getIncident(db, principal, c.req.param("id"));
    if (!detail) throw new HTTPException(404);
    const stores = await listVisibleStores(db, principal);
    const names = new Map(stores.map((s) => [s.id, s.name]));
    const i = detail.incident;
    return page(
      c,
      incidentsCatalogue.t(lang, "inc.ref", { ref: i.ref }),
      IncidentPage({
        lang,
        zone: readerZone(c),
        now: new Date(),
        incident: {
          ...i,
          storeNames: i.storeIds.map((s) => names.get(s) ?? s),
        },
        timeline: detail.timeline,
        notices: detail.notices,
        owners: await incidentOwners(db, principal),
        users: await activeStaff(db, principal),
        stores: stores.map((s) => ({ id: s.id, name: s.name })),
        exportsFrozen: await exportsFrozen(db, principal),
        canFreeze: principal.role === "owner",
        flash: flashOf(c),
      }),
    );
  });

  app.post("/incidents/:id/update", async (c) => {
    const principal = requirePrincipal(c);
    const id = c.req.param("id");
    const form = await formOf(c);
    return changeIncident(c, id, "update", async () => {
      await updateIncident(db, principal, id, {
        state: one(form.state) as never,
        severity: one(form.severity) as never,
        owner: one(form.owner),
        data: (form.data ?? []) as never,
        credentials: one(form.credentials),
      }, requestMeta(c));
    });
  });

  app.post("/incidents/:id/notes", async (c) => {
    const principal = requirePrincipal(c);
    const id = c.req.param("id");
    const form = await formOf(c);
    return changeIncident(c, id, "note#timeline", async () => {
      await addNote(
        db,
        principal,
        id,
        { note: one(form.note) },
        requestMeta(c),
      );
    });
  });

  app.post("/incidents/:id/notices", async (c) => {
    const principal = requirePrincipal(c);
    const id = c.req.param("id");
    const form = await formOf(c);
    return changeIncident(c, id, "notice#notices", async () => {
      await addNotice(db, principal, id, {
        party: one(form.party),
        contact: one(form.contact),
        dueHours: one(form.dueHours),
      }, requestMeta(c));
    });
  });

  app.post("/incidents/:id/notices/:noticeId/sent", async (c) => {
    const principal = requirePrincipal(c);
    const id = c.req.param("id");
    const form = await formOf(c);
    return changeIncident(c, id, "notice#notices", async () => {
      await markNoticeSent(
        db,
        principal,
        id,
        c.req.param("noticeId"),
        { note: one(form.note) },
        requestMeta(c),
      );
    });
  });

  app.post("/incidents/:id/contain/:action", async (c) => {
    const principal = requirePrincipal(c);
    const id = c.req.param("id");
    const action = z.enum(CONTAINMENT_ACTIONS).safeParse(
      c.req.param("action"),
    );
    if (!action.success) throw new HTTPException(404);
    const form = await formOf(c);
    return changeIncident(c, id, action.data, async () => {
      await contain(
        { db, kv: deps.kv },
        principal,
        id,
        action.data,
        one(form.target) || null,
        one(form.confirm) === "yes",
        requestMeta(c),
      );
    });
  });

  return app;
}
