// /finance (settlements), a settlement, its reconciliation, /finance/events
// and their CSV exports (Data Policy §4: financial reconciliation; §6, §8:
// exports). Every filter and page is in the URL; filter days are the
// reader's. A store that is not granted, or another store's settlement, is
// a 404.
import { Hono } from "hono";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import type { Database } from "../db/client.ts";
import {
  EVENT_TYPES,
  type EventFilter,
  eventsScreen,
} from "../lib/finance/events.ts";
import {
  exportFinancialEventsCsv,
  exportSettlementLinesCsv,
  FinanceExportError,
} from "../lib/finance/export.ts";
import { reconciliationScreen } from "../lib/finance/reconciliation.ts";
import {
  PAGE_SIZES,
  type PageSize,
  type SettlementFilter,
  settlementScreen,
  settlementsScreen,
} from "../lib/finance/settlements.ts";
import {
  calendarDate,
  plainText,
  utcDate,
  wallClockInZone,
} from "../lib/validation.ts";
import { FinanceExportRefused } from "../views/finance/_parts.tsx";
import { EventsPage } from "../views/finance/events.tsx";
import { financeCatalogue } from "../views/finance/messages.ts";
import { ReconciliationPage } from "../views/finance/reconciliation.tsx";
import { SettlementPage } from "../views/finance/settlement.tsx";
import { SettlementsPage } from "../views/finance/settlements.tsx";
import {
  readerZone,
  requestMeta,
  requirePrincipal,
  selectedStoreIds,
} from "./context.ts";
import { csvDownload, exportRefusal } from "./csv_response.ts";
import { page } from "./page.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const settlementIdSchema = plainText().min(1).max(64);

const opt = <T extends z.ZodType>(s: T) =>
  z.union([s, z.literal("")]).optional().transform((v) =>
    v === "" ? undefined : v as z.output<T> | undefined
  );
const common = {
  currency: opt(z.string().regex(/^[A-Z]{3}$/)),
  from: opt(calendarDate()),
  to: opt(calendarDate()),
  dir: opt(z.enum(["asc", "desc"])).transform((v) => v ?? "desc"),
  size: opt(z.enum(["50", "100", "500"])).transform((v) =>
    Number(v ?? "50") as PageSize
  ),
  after: opt(z.string().max(600)),
  before: opt(z.string().max(600)),
};
const settlementQuery = z.object({
  ...common,
  settlement: opt(settlementIdSchema),
});
const eventQuery = z.object({
  ...common,
  type: opt(z.string().regex(/^[A-Za-z]{1,80}$/)),
  order: opt(plainText().trim().max(64)),
});

/** A filter day's bounds in the reader's zone: [from 00:00, to + 1 00:00). */
function dayBounds(zone: string, from?: string, to?: string) {
  const start = (day: string) =>
    wallClockInZone(`${day}T00:00`, zone) ?? utcDate(day);
  const next = (day: string) =>
    new Date(utcDate(day).getTime() + 86_400_000).toISOString().slice(0, 10);
  return {
    from: from ? start(from) : undefined,
    before: to ? start(next(to)) : undefined,
  };
}

/** The parsed query (defaults when it is not valid) and what was wrong. */
function parse<S extends z.ZodType>(c: Context, schema: S) {
  const parsed = schema.safeParse(c.req.query());
  const wrong = new Set(
    parsed.success ? [] : parsed.error.issues.map((i) => String(i.path[0])),
  );
  return {
    ok: parsed.success,
    q: (parsed.success ? parsed.data : schema.parse({})) as z.output<S>,
    badDates: { from: wrong.has("from"), to: wrong.has("to") },
  };
}

/** A query string of the set values; `extra` last. */
function queryOf(
  values: Record<string, string | number | undefined>,
  extra: Record<string, string> = {},
): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) {
    if (v !== undefined && v !== "") params.set(k, String(v));
  }
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  return params.toString();
}

/** The settlement of the path, or a 404. */
function settlementKey(c: Context): { storeId: string; settlementId: string } {
  const principal = requirePrincipal(c);
  const storeId = (c.req.param("storeId") ?? "").toLowerCase();
  const id = settlementIdSchema.safeParse(c.req.param("settlementId"));
  if (!UUID.test(storeId) || !id.success) throw new HTTPException(404);
  if (!principal.storeIds.includes(storeId)) throw new HTTPException(404);
  return { storeId, settlementId: id.data };
}

/** `/finance…`: settlements, a settlement, its reconciliation, events, exports. */
export function financeRoutes(
  deps: { db: Database; kv: Deno.Kv },
): Hono {
  const { db } = deps;
  const app = new Hono();

  const settlementFilters = (c: Context) => {
    const storeIds = selectedStoreIds(c);
    const store = c.req.query("store") ? storeIds[0] : "";
    const { ok, q, badDates } = parse(c, settlementQuery);
    const bounds = dayBounds(readerZone(c), q.from, q.to);
    const filter: SettlementFilter = {
      storeIds,
      currency: q.currency,
      endsFrom: bounds.from,
      endsBefore: bounds.before,
      dir: q.dir,
    };
    const base = {
      store,
      currency: q.currency,
      from: q.from,
      to: q.to,
      dir: q.dir === "desc" ? undefined : q.dir,
    };
    return { ok, q, badDates, filter, store, base };
  };

  app.get("/finance", async (c) => {
    const principal = requirePrincipal(c);
    const lang = c.get("lang");
    const { ok, q, badDates, filter, store, base } = settlementFilters(c);
    const { stores, currencies, page: result, totals } =
      await settlementsScreen(db, principal, filter, {
        size: q.size,
        after: q.after,
        before: q.before,
      });
    c.set(
      "visibleStores",
      () => Promise.resolve(stores.map((s) => ({ id: s.id, name: s.name }))),
    );
    const size: Record<string, string> = q.size === 50
      ? {}
      : { size: String(q.size) };
    const names = new Map(stores.map((s) => [s.id, s.name]));
    return page(
      c,
      financeCatalogue.t(lang, "fin.title"),
      SettlementsPage({
        lang,
        zone: readerZone(c),
        filter: {
          store,
          currency: q.currency ?? "",
          from: q.from ?? "",
          to: q.to ?? "",
          dir: q.dir,
          size: q.size,
        },
        stores: stores.filter((s) => principal.storeIds.includes(s.id)),
        currencies,
        sizes: PAGE_SIZES,
        rows: result.rows.map((r) => ({
          ...r,
          storeName: names.get(r.storeId) ?? r.storeName,
        })),
        totals,
        nextQuery: result.next
          ? queryOf(base, { ...size, after: result.next })
          : null,
        prevQuery: result.prev
          ? queryOf(base, { ...size, before: result.prev })
          : null,
        filterQuery: queryOf(base, size),
        filtered: queryOf(base) !== "",
        badFilter: !ok,
        badDates,
        canExport: principal.permissions.has("export.csv"),
      }),
      ok ? 200 : 400,
    );
  });

  app.get("/finance.csv", async (c) => {
    const principal = requirePrincipal(c);
    const lang = c.get("lang");
    const { ok, q, filter, base } = settlementFilters(c);
    if (!ok) throw new HTTPException(400);
    const only = q.settlement && filter.storeIds.length === 1
      ? { storeId: filter.storeIds[0], settlementId: q.settlement }
      : undefined;
    if (q.settlement && !only) throw new HTTPException(400);
    let csv: AsyncIterable<string>;
    try {
      csv = await exportSettlementLinesCsv(deps, principal, {
        filter,
        only,
        describe: Object.fromEntries(
          new URLSearchParams(queryOf({ ...base, settlement: q.settlement })),
        ),
      }, requestMeta(c));
    } catch (err) {
      if (!(err instanceof FinanceExportError)) throw err;
      const { status, minutes } = exportRefusal(c, err);
      return page(
        c,
        financeCatalogue.t(lang, "fin.title"),
        FinanceExportRefused({
          lang,
          title: financeCatalogue.t(lang, "fin.title"),
          code: err.code,
          minutes,
          back: `/finance?${queryOf(base)}`,
        }),
        status,
      );
    }
    return csvDownload(c, "settlement-lines", csv);
  });

  app.get("/finance/settlements/:storeId/:settlementId", async (c) => {
    const principal = requirePrincipal(c);
    const lang = c.get("lang");
    const { storeId, settlementId } = settlementKey(c);
    const { settlement, stores } = await settlementScreen(
      db,
      principal,
      storeId,
      settlementId,
    );
    if (!settlement) throw new HTTPException(404);
    c.set(
      "visibleStores",
      () => Promise.resolve(stores.map((s) => ({ id: s.id, name: s.name }))),
    );
    return page(
      c,
      financeCatalogue.t(lang, "set.title", { id: settlementId }),
      SettlementPage({
        lang,
        zone: readerZone(c),
        settlement,
        canExport: principal.permissions.has("export.csv"),
        canSeeOrders: principal.permissions.has("orders.read"),
      }),
    );
  });

  app.get(
    "/finance/settlements/:storeId/:settlementId/reconciliation",
    async (c) => {
      const principal = requirePrincipal(c);
      const lang = c.get("lang");
      const { storeId, settlementId } = settlementKey(c);
      const { reconciliation: r, stores } = await reconciliationScreen(
        db,
        principal,
        storeId,
        settlementId,
      );
      if (!r) throw new HTTPException(404);
      c.set(
        "visibleStores",
        () => Promise.resolve(stores.map((s) => ({ id: s.id, name: s.name }))),
      );
      return page(
        c,
        financeCatalogue.t(lang, "rec.title", { id: settlementId }),
        ReconciliationPage({
          lang,
          zone: readerZone(c),
          rec: {
            ...r.settlement,
            marketplaces: r.marketplaceIds,
            ties: r.ties,
            discrepancies: r.discrepancies,
            ordersSettled: r.ordersSettled,
            ordersShipped: r.ordersShipped,
            byEventGroup: r.byEventGroup,
            tiesOut: r.tiesOut,
          },
          canSeeOrders: principal.permissions.has("orders.read"),
        }),
      );
    },
  );

  const eventFilters = (c: Context) => {
    const storeIds = selectedStoreIds(c);
    const store = c.req.query("store") ? storeIds[0] : "";
    const { ok, q, badDates } = parse(c, eventQuery);
    const bounds = dayBounds(readerZone(c), q.from, q.to);
    const filter: EventFilter = {
      storeIds,
      eventType: q.type,
      postedFrom: bounds.from,
      postedBefore: bounds.before,
      amazonOrderId: q.order,
      currency: q.currency,
      dir: q.dir,
    };
    const base = {
      store,
      type: q.type,
      currency: q.currency,
      order: q.order,
      from: q.from,
      to: q.to,
      dir: q.dir === "desc" ? undefined : q.dir,
    };
    return { ok, q, badDates, filter, store, base };
  };

  app.get("/finance/events", async (c) => {
    const principal = requirePrincipal(c);
    const lang = c.get("lang");
    const { ok, q, badDates, filter, store, base } = eventFilters(c);
    const { stores, page: result, totals } = await eventsScreen(
      db,
      principal,
      filter,
      { size: q.size, after: q.after, before: q.before },
    );
    c.set(
      "visibleStores",
      () => Promise.resolve(stores.map((s) => ({ id: s.id, name: s.name }))),
    );
    const size: Record<string, string> = q.size === 50
      ? {}
      : { size: String(q.size) };
    const currencies = [
      ...new Set([
        ...totals.map((x) => x.currency).filter((x): x is string => !!x),
        ...(q.currency ? [q.currency] : []),
      ]),
    ].sort();
    return page(
      c,
      financeCatalogue.t(lang, "ev.title"),
      EventsPage({
        lang,
        zone: readerZone(c),
        filter: {
          store,
          type: q.type ?? "",
          from: q.from ?? "",
          to: q.to ?? "",
          order: q.order ?? "",
          currency: q.currency ?? "",
          dir: q.dir,
          size: q.size,
        },
        stores: stores.filter((s) => principal.storeIds.includes(s.id)),
        types: EVENT_TYPES,
        currencies,
        sizes: PAGE_SIZES,
        rows: result.rows,
        totals,
        nextQuery: result.next
          ? queryOf(base, { ...size, after: result.next })
          : null,
        prevQuery: result.prev
          ? queryOf(base, { ...size, before: result.prev })
          : null,
        filterQuery: queryOf(base, size),
        filtered: queryOf(base) !== "",
        badFilter: !ok,
        badDates,
        canExport: principal.permissions.has("export.csv"),
        canSeeOrders: principal.permissions.has("orders.read"),
      }),
      ok ? 200 : 400,
    );
  });

  app.get("/finance/events.csv", async (c) => {
    const principal = requirePrincipal(c);
    const lang = c.get("lang");
    const { ok, filter, base } = eventFilters(c);
    if (!ok) throw new HTTPException(400);
    let csv: AsyncIterable<string>;
    try {
      csv = await exportFinancialEventsCsv(deps, principal, {
        filter,
        describe: Object.fromEntries(new URLSearchParams(queryOf(base))),
      }, requestMeta(c));
    } catch (err) {
      if (!(err instanceof FinanceExportError)) throw err;
      const { status, minutes } = exportRefusal(c, err);
      return page(
        c,
        financeCatalogue.t(lang, "ev.title"),
        FinanceExportRefused({
          lang,
          title: financeCatalogue.t(lang, "ev.title"),
          code: err.code,
          minutes,
          back: `/finance/events?${queryOf(base)}`,
        }),
        status,
      );
    }
    return csvDownload(c, "financial-events", csv);
  });

  return app;
}
