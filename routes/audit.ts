// The auditor's view of the trail (Data Policy §8): filters, keyset pages,
// chain verification and a CSV export that is itself audited.
import { Hono } from "hono";
import { stream } from "hono/streaming";
import { z } from "zod";
import {
  calendarDate,
  plainText,
  utcDate,
  wallClockInZone,
} from "../lib/validation.ts";
import type { Database } from "../db/client.ts";
import type { AuditFilter } from "../lib/security/audit.ts";
import {
  auditPageFor,
  exportAuditCsv,
  verifyAuditTrail,
} from "../lib/security/auditor.ts";
import { listVisibleStores } from "../lib/stores.ts";
import type { Vault } from "../lib/security/vault.ts";
import {
  AuditPage,
  type AuditPageFilter,
  VerifyResult,
} from "../views/audit/page.tsx";
import { translator } from "../views/i18n.ts";
import { readerZone, requestMeta, requirePrincipal } from "./context.ts";
import { page } from "./page.ts";

const PAGE_SIZE = 50;
const day = calendarDate();
const filterQuery = z.object({
  actor: plainText().trim().max(64).optional(),
  action: z.string().trim().regex(/^[a-z0-9_.]*$/).max(64).optional(),
  store: z.union([z.uuid(), z.literal("")]).optional(),
  from: z.union([day, z.literal("")]).optional(),
  to: z.union([day, z.literal("")]).optional(),
  before: z.coerce.number().int().positive().optional(),
});
type FilterQuery = z.infer<typeof filterQuery>;

/** The days of the filter are the reader's days (midnight in `zone`). */
function toFilter(q: FilterQuery, zone: string): AuditFilter {
  const start = (d: string) =>
    wallClockInZone(`${d}T00:00`, zone) ?? utcDate(d);
  const next = (d: string) => {
    const following = new Date(utcDate(d).getTime() + 86_400_000);
    const day = `${following.getUTCFullYear()}-${
      String(following.getUTCMonth() + 1).padStart(2, "0")
    }-${String(following.getUTCDate()).padStart(2, "0")}`;
    return start(day);
  };
  return {
    actorId: q.actor || undefined,
    action: q.action || undefined,
    storeId: q.store || undefined,
    from: q.from ? start(q.from) : undefined,
    // "To" is inclusive of the chosen day.
    to: q.to ? next(q.to) : undefined,
  };
}

/** Which date fields of a refused filter are not real YYYY-MM-DD dates. */
function badDates(
  issues: readonly { path: readonly PropertyKey[] }[],
): { from?: boolean; to?: boolean } {
  const keys = new Set(issues.map((i) => String(i.path[0] ?? "")));
  return { from: keys.has("from"), to: keys.has("to") };
}

/** What was typed, as text, to show back beside a refusal. */
function typedFilter(raw: Record<string, string>): AuditPageFilter {
  const text = (k: string) =>
    typeof raw[k] === "string" ? raw[k].slice(0, 64) : undefined;
  return {
    actor: text("actor"),
    action: text("action"),
    store: text("store"),
    from: text("from"),
    to: text("to"),
  };
}

function query(q: FilterQuery, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const key of ["actor", "action", "store", "from", "to"] as const) {
    if (q[key]) params.set(key, q[key]!);
  }
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  return params.toString();
}

/** `/audit`, `/audit/export.csv`, `/audit/verify`. */
export function auditRoutes(
  deps: { db: Database; kv?: Deno.Kv; vault?: Vault },
): Hono {
  const { db } = deps;
  const app = new Hono();

  app.get("/audit", async (c) => {
    const principal = requirePrincipal(c);
    const t = translator(c.get("lang"));
    const stores = await listVisibleStores(db, principal);
    const parsed = filterQuery.safeParse(c.req.query());
    if (!parsed.success) {
      return page(
        c,
        t("audit.title"),
        AuditPage({
          lang: c.get("lang"),
          zone: readerZone(c),
          filter: typedFilter(c.req.query()),
          dateErrors: badDates(parsed.error.issues),
          stores,
          people: [],
          rows: [],
          nextQuery: null,
          exportQuery: "",
          error: t("audit.badFilter"),
        }),
        400,
      );
    }
    const q = parsed.data;
    const { rows, nextBefore, people } = await auditPageFor(
      db,
      principal,
      toFilter(q, readerZone(c)),
      { before: q.before, limit: PAGE_SIZE },
    );
    const names = new Map(stores.map((s) => [s.id, s.name]));
    return page(
      c,
      t("audit.title"),
      AuditPage({
        lang: c.get("lang"),
        zone: readerZone(c),
        filter: q,
        stores,
        people,
        rows: rows.map((r) => ({
          id: r.id,
          at: r.at.toISOString(),
          actorType: r.actorType,
          actorId: r.actorId,
          action: r.action,
          target: r.target,
          storeName: r.storeId ? names.get(r.storeId) ?? r.storeId : null,
          outcome: r.outcome,
          ip: r.ip,
          requestId: r.requestId,
          details: JSON.stringify(r.details),
        })),
        nextQuery: nextBefore ? query(q, { before: String(nextBefore) }) : null,
        exportQuery: query(q),
      }),
    );
  });

  app.get("/audit/export.csv", async (c) => {
    const principal = requirePrincipal(c);
    const parsed = filterQuery.safeParse(c.req.query());
    if (!parsed.success) return c.text("Invalid filters", 400);
    // The export is audited before any row leaves.
    const csv = await exportAuditCsv(
      db,
      principal,
      toFilter(parsed.data, readerZone(c)),
      query(parsed.data),
      requestMeta(c),
    );
    c.header("Content-Type", "text/csv; charset=utf-8");
    c.header(
      "Content-Disposition",
      `attachment; filename="audit-${
        new Date().toISOString().slice(0, 10)
      }.csv"`,
    );
    c.header("Cache-Control", "no-store");
    return stream(c, async (out) => {
      for await (const chunk of csv) await out.write(chunk);
    });
  });

  app.post("/audit/verify", async (c) => {
    const principal = requirePrincipal(c);
    // Against the last checkpoint too (kept in KV, signed by the vault).
    const anchor = deps.kv && deps.vault
      ? { kv: deps.kv, vault: deps.vault }
      : undefined;
    const report = await verifyAuditTrail(
      db,
      principal,
      requestMeta(c),
      anchor,
    );
    const fragment = VerifyResult({ lang: c.get("lang"), ...report });
    if (c.req.header("hx-request")) return c.html(fragment);
    return page(c, translator(c.get("lang"))("audit.title"), fragment);
  });

  return app;
}
