// /profit (finance.read), its per-SKU export (export.csv + finance.read),
// and the cost of goods and currency rates behind it: lists for
// finance.read, forms and all-or-nothing CSV imports for costs.manage
// (issue #16). Filters and pages live in the URL; a store that is not
// granted is a 404.
import { Hono } from "hono";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Database } from "../db/client.ts";
import { GRAINS, type ProfitRow } from "../lib/profit/compute.ts";
import {
  COST_COLUMNS,
  COST_TEMPLATE,
  CostError,
  importCosts,
  listCosts,
  saveCost,
} from "../lib/profit/costs.ts";
import { exportProfitCsv, ProfitExportError } from "../lib/profit/export.ts";
import {
  importRates,
  listRates,
  RATE_COLUMNS,
  RATE_TEMPLATE,
  RateError,
  saveRate,
} from "../lib/profit/rates.ts";
import { FEE_RATE_DAYS } from "../lib/profit/read.ts";
import {
  defaultRange,
  MAX_RANGE_DAYS,
  PAGE_SIZES,
  profitQuerySchema,
  profitScreen,
} from "../lib/profit/screen.ts";
import { listVisibleStores } from "../lib/stores.ts";
import { CostsPage, type Outcome, RatesPage } from "../views/profit/costs.tsx";
import { profitCatalogue } from "../views/profit/messages.ts";
import {
  ExportRefused,
  ProfitPage,
  type ProfitRowView,
} from "../views/profit/page.tsx";
import {
  readerZone,
  requestMeta,
  requirePrincipal,
  selectedStoreIds,
} from "./context.ts";
import { csvDownload, exportRefusal } from "./csv_response.ts";
import { page } from "./page.ts";

/** Currencies offered for the conversion, besides those on the page. */
const COMMON_CURRENCIES = ["USD", "EUR", "GBP", "CAD", "JPY", "CNY", "AUD"];
const DAY_MS = 86_400_000;

/** The query of /profit with its defaults, or the fields that are wrong. */
function readQuery(c: Context) {
  const storeIds = selectedStoreIds(c);
  const store = c.req.query("store") ? storeIds[0] : "";
  const parsed = profitQuerySchema.safeParse(c.req.query());
  const wrong = new Set(
    parsed.success ? [] : parsed.error.issues.map((i) => String(i.path[0])),
  );
  const q = parsed.success ? parsed.data : profitQuerySchema.parse({});
  const range = defaultRange(new Date());
  const from = q.from ?? range.from;
  const to = q.to ?? range.to;
  const tooLong =
    (Date.parse(to) - Date.parse(from)) / DAY_MS + 1 > MAX_RANGE_DAYS;
  return {
    ok: parsed.success && !tooLong,
    storeIds,
    store,
    badDates: { from: wrong.has("from"), to: wrong.has("to") },
    q: { ...q, from, to },
  };
}

function filterQuery(
  store: string,
  q: {
    from: string;
    to: string;
    by: string;
    in?: string;
    rate_day?: string;
    size: number;
  },
  extra: Record<string, string> = {},
): string {
  const params = new URLSearchParams();
  if (store) params.set("store", store);
  params.set("from", q.from);
  params.set("to", q.to);
  if (q.by !== "sku") params.set("by", q.by);
  if (q.in) params.set("in", q.in);
  if (q.rate_day) params.set("rate_day", q.rate_day);
  if (q.size !== 50) params.set("size", String(q.size));
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  return params.toString();
}

/** The file of a multipart import (or a `csv` text field), as text. */
async function uploadedText(c: Context): Promise<{
  store: string;
  text: string | null;
}> {
  const body = await c.req.parseBody();
  const store = typeof body.store === "string" ? body.store.toLowerCase() : "";
  const file = body.file;
  if (file instanceof File && file.size > 0) {
    return { store, text: await file.text() };
  }
  if (typeof body.csv === "string" && body.csv !== "") {
    return { store, text: body.csv };
  }
  return { store, text: null };
}

const textFields = (body: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(body).filter(([, v]) => typeof v === "string"),
  ) as Record<string, string>;

export function profitRoutes(deps: { db: Database; kv: Deno.Kv }): Hono {
  const { db } = deps;
  const app = new Hono();

  app.get("/profit", async (c) => {
    const principal = requirePrincipal(c);
    const lang = c.get("lang");
    const { ok, storeIds, store, badDates, q } = readQuery(c);
    const screen = await profitScreen(db, principal, ok ? storeIds : [], {
      from: q.from,
      to: q.to,
      by: q.by,
      in: q.in,
      rateDay: q.rate_day,
      size: q.size,
      after: q.after,
    });
    const stores = screen.stores;
    c.set(
      "visibleStores",
      () => Promise.resolve(stores.map((s) => ({ id: s.id, name: s.name }))),
    );
    const names = new Map(stores.map((s) => [s.id, s.name]));
    const view = (r: ProfitRow): ProfitRowView => ({
      ...r,
      storeName: names.get(r.storeId) ?? r.storeId,
    });
    const fq = filterQuery(store, q);
    const currencies = [
      ...new Set([
        ...COMMON_CURRENCIES,
        ...screen.totals.map((t) => t.currency),
        ...(q.in ? [q.in] : []),
      ]),
    ].sort();
    return page(
      c,
      profitCatalogue.t(lang, "profit.title"),
      ProfitPage({
        lang,
        filter: {
          store,
          from: q.from,
          to: q.to,
          by: q.by,
          in: q.in ?? "",
          rateDay: q.rate_day ?? "",
          size: q.size,
        },
        stores: stores.filter((s) => principal.storeIds.includes(s.id)),
        grains: GRAINS,
        sizes: PAGE_SIZES,
        currencies,
        feeRateDays: FEE_RATE_DAYS,
        maxDays: MAX_RANGE_DAYS,
        badFilter: !ok,
        badDates,
        rows: screen.rows.map(view),
        totals: screen.totals.map(view),
        unallocatedAds: screen.unallocatedAds,
        skusWithoutCost: screen.skusWithoutCost.map((s) => ({
          ...s,
          storeName: names.get(s.storeId) ?? s.storeId,
        })),
        conversion: screen.conversion,
        nextQuery: screen.next
          ? filterQuery(store, q, { after: screen.next })
          : null,
        filterQuery: fq,
        paged: Boolean(q.after),
        canExport: principal.permissions.has("export.csv") &&
          principal.permissions.has("finance.read"),
        canManageCosts: principal.permissions.has("costs.manage"),
      }),
      ok ? 200 : 400,
    );
  });

  app.get("/profit.csv", async (c) => {
    const principal = requirePrincipal(c);
    const lang = c.get("lang");
    const { ok, storeIds, store, q } = readQuery(c);
    if (!ok) throw new HTTPException(400);
    const describe = Object.fromEntries(
      new URLSearchParams(filterQuery(store, q)),
    );
    let csv: AsyncIterable<string>;
    try {
      csv = await exportProfitCsv(
        deps,
        principal,
        { storeIds, from: q.from, to: q.to },
        describe,
        requestMeta(c),
      );
    } catch (err) {
      if (!(err instanceof ProfitExportError)) throw err;
      const { status, minutes } = exportRefusal(c, err);
      return page(
        c,
        profitCatalogue.t(lang, "profit.title"),
        ExportRefused({
          lang,
          code: err.code,
          minutes,
          back: `/profit?${filterQuery(store, q)}`,
        }),
        status,
      );
    }
    return csvDownload(c, "profit-per-sku", csv);
  });

  // ── Cost of goods ──────────────────────────────────────────────────────

  const costsPage = async (
    c: Context,
    outcome: Outcome,
    values: Record<string, string> = {},
    status: 200 | 400 = 200,
  ) => {
    const principal = requirePrincipal(c);
    const lang = c.get("lang");
    const storeIds = selectedStoreIds(c);
    const store = c.req.query("store") ? storeIds[0] : "";
    const q = (c.req.query("q") ?? "").slice(0, 40);
    const after = c.req.query("after")?.slice(0, 400);
    const [stores, list] = await Promise.all([
      listVisibleStores(db, principal),
      listCosts(db, principal, storeIds, { q, after, size: 50 }),
    ]);
    const names = new Map(stores.map((s) => [s.id, s.name]));
    const mine = stores.filter((s) => principal.storeIds.includes(s.id));
    const next = new URLSearchParams();
    if (store) next.set("store", store);
    if (q) next.set("q", q);
    if (list.next) next.set("after", list.next);
    return page(
      c,
      profitCatalogue.t(lang, "costs.title"),
      CostsPage({
        lang,
        zone: readerZone(c),
        stores: mine.map((s) => ({ id: s.id, name: s.name })),
        store,
        q,
        rows: list.rows.map((r) => ({
          ...r,
          storeName: names.get(r.storeId) ?? r.storeId,
        })),
        nextQuery: list.next ? next.toString() : null,
        canManage: principal.permissions.has("costs.manage"),
        columns: COST_COLUMNS,
        outcome,
        values,
      }),
      status,
    );
  };

  app.get("/profit/costs", (c) => costsPage(c, null));

  app.get("/profit/costs/template.csv", (c) => {
    c.header("Content-Type", "text/csv; charset=utf-8");
    c.header(
      "Content-Disposition",
      'attachment; filename="costs-template.csv"',
    );
    return c.body(COST_TEMPLATE);
  });

  app.post("/profit/costs", async (c) => {
    const principal = requirePrincipal(c);
    const lang = c.get("lang");
    const values = textFields(await c.req.parseBody());
    const store = (values.store ?? "").toLowerCase();
    try {
      const saved = await saveCost(
        db,
        principal,
        store,
        values,
        requestMeta(c),
      );
      return await costsPage(c, {
        kind: "saved",
        text: profitCatalogue.t(lang, "costs.saved", { sku: saved.sku }),
      });
    } catch (err) {
      if (!(err instanceof CostError)) throw err;
      return await costsPage(
        c,
        { kind: "refused", problems: err.problems, form: "one" },
        values,
        400,
      );
    }
  });

  app.post("/profit/costs/import", async (c) => {
    const principal = requirePrincipal(c);
    const lang = c.get("lang");
    const { store, text } = await uploadedText(c);
    const refused = (
      problems: { line: number; field: string | null; code: string }[],
    ) =>
      costsPage(
        c,
        { kind: "refused", problems, form: "import" },
        { store },
        400,
      );
    if (text === null) {
      return await refused([{ line: 0, field: null, code: "file" }]);
    }
    try {
      const result = await importCosts(
        db,
        principal,
        store,
        text,
        requestMeta(c),
      );
      if (!result.ok) return await refused(result.problems);
      return await costsPage(c, {
        kind: "saved",
        text: profitCatalogue.t(lang, "costs.imported", {
          count: result.saved,
        }),
      }, { store });
    } catch (err) {
      if (!(err instanceof CostError)) throw err;
      return await refused(err.problems);
    }
  });

  // ── Currency rates ─────────────────────────────────────────────────────

  const ratesPage = async (
    c: Context,
    outcome: Outcome,
    values: Record<string, string> = {},
    status: 200 | 400 = 200,
  ) => {
    const principal = requirePrincipal(c);
    const lang = c.get("lang");
    const after = c.req.query("after")?.slice(0, 40);
    const list = await listRates(db, principal, { after, size: 50 });
    return page(
      c,
      profitCatalogue.t(lang, "rates.title"),
      RatesPage({
        lang,
        zone: readerZone(c),
        rows: list.rows,
        nextQuery: list.next
          ? new URLSearchParams({ after: list.next }).toString()
          : null,
        canManage: principal.permissions.has("costs.manage"),
        columns: RATE_COLUMNS,
        outcome,
        values,
      }),
      status,
    );
  };

  app.get("/profit/rates", (c) => ratesPage(c, null));

  app.get("/profit/rates/template.csv", (c) => {
    c.header("Content-Type", "text/csv; charset=utf-8");
    c.header(
      "Content-Disposition",
      'attachment; filename="rates-template.csv"',
    );
    return c.body(RATE_TEMPLATE);
  });

  app.post("/profit/rates", async (c) => {
    const principal = requirePrincipal(c);
    const lang = c.get("lang");
    const values = textFields(await c.req.parseBody());
    try {
      await saveRate(db, principal, values, requestMeta(c));
      return await ratesPage(c, {
        kind: "saved",
        text: profitCatalogue.t(lang, "rates.saved"),
      });
    } catch (err) {
      if (!(err instanceof RateError)) throw err;
      return await ratesPage(
        c,
        { kind: "refused", problems: err.problems, form: "one" },
        values,
        400,
      );
    }
  });

  app.post("/profit/rates/import", async (c) => {
    const principal = requirePrincipal(c);
    const lang = c.get("lang");
    const { text } = await uploadedText(c);
    if (text === null) {
      return await ratesPage(
        c,
        {
          kind: "refused",
          problems: [{ line: 0, field: null, code: "file" }],
          form: "import",
        },
        {},
        400,
      );
    }
    const result = await importRates(db, principal, text, requestMeta(c));
    if (!result.ok) {
      return await ratesPage(
        c,
        {
          kind: "refused",
          problems: result.problems,
          form: "import",
        },
        {},
        400,
      );
    }
    return await ratesPage(c, {
      kind: "saved",
      text: profitCatalogue.t(lang, "rates.imported", { count: result.saved }),
    });
  });

  return app;
}
