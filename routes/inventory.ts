// /inventory, its export and each store's restock settings (Data Policy §4,
// §6, §8). Every filter, sort and page is in the URL; a store that is not
// granted is a 404.
import { Hono } from "hono";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import type { Database } from "../db/client.ts";
import { ExportError, exportInventoryCsv } from "../lib/inventory/export.ts";
import {
  getRestockSettings,
  listRestockSettings,
  MAX_SETTING_DAYS,
  RESTOCK_FIELDS,
  type RestockField,
  RestockSettingsError,
  updateRestockSettings,
} from "../lib/inventory/settings.ts";
import {
  defaultDir,
  INVENTORY_ALERTS,
  INVENTORY_PAGE_SIZES,
  INVENTORY_SORTS,
  type InventoryFilter,
  type InventoryQuery,
  inventoryQuerySchema,
  listStock,
  stockMarketplaces,
} from "../lib/inventory/stock.ts";
import { exportsFrozen } from "../lib/settings.ts";
import { listVisibleStores } from "../lib/stores.ts";
import {
  InventoryExportRefused,
  InventoryPage,
} from "../views/inventory/list.tsx";
import { inventoryCatalogue } from "../views/inventory/messages.ts";
import { RestockSettingsForm } from "../views/inventory/settings.tsx";
import { requestMeta, requirePrincipal, selectedStoreIds } from "./context.ts";
import { page } from "./page.ts";
import { csvDownload, exportRefusal } from "./csv_response.ts";

/** The filters of the URL, and the stores they apply to. */
function readFilters(c: Context): {
  query: InventoryQuery | null;
  filter: InventoryFilter;
  store: string;
} {
  const storeIds = selectedStoreIds(c);
  const store = c.req.query("store") ? storeIds[0] : "";
  const parsed = inventoryQuerySchema.safeParse(c.req.query());
  const query = parsed.success ? parsed.data : null;
  const q = query ?? inventoryQuerySchema.parse({});
  return {
    query,
    store,
    filter: {
      storeIds,
      marketplace: q.marketplace,
      alert: q.alert,
      q: q.q,
      sort: q.sort,
      dir: q.dir,
    },
  };
}

/** The filters as a query string (no page; size only when asked). */
function filterQuery(
  store: string,
  f: InventoryFilter,
  extra: Record<string, string> = {},
): string {
  const params = new URLSearchParams();
  const add = (k: string, v: string | undefined) => v && params.set(k, v);
  add("store", store);
  add("marketplace", f.marketplace);
  add("alert", f.alert);
  add("q", f.q);
  if (f.sort !== "cover") params.set("sort", f.sort);
  if (f.dir !== defaultDir(f.sort)) params.set("dir", f.dir);
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  return params.toString();
}

const storeIdParam = z.uuid();

/** `/inventory…`: the list, its export and the restock settings. */
export function inventoryRoutes(deps: { db: Database; kv: Deno.Kv }): Hono {
  const { db } = deps;
  const app = new Hono();

  app.get("/inventory", async (c) => {
    const principal = requirePrincipal(c);
    const lang = c.get("lang");
    const { query, filter, store } = readFilters(c);
    const size = query?.size ?? 50;
    const [stores, marketplaces, result, frozen, settings] = await Promise
      .all([
        listVisibleStores(db, principal),
        stockMarketplaces(db, principal, filter.storeIds),
        listStock(db, principal, filter, {
          size,
          after: query?.after,
          before: query?.before,
        }, new Date()),
        exportsFrozen(db, principal),
        listRestockSettings(db, principal, filter.storeIds),
      ]);
    const withSize: Record<string, string> = size === 50
      ? {}
      : { size: String(size) };
    const markets = new Map(marketplaces.map((m) => [m.id, m.countryCode]));
    return page(
      c,
      inventoryCatalogue.t(lang, "inventory.title"),
      InventoryPage({
        lang,
        filter: {
          store,
          marketplace: filter.marketplace ?? "",
          alert: filter.alert ?? "",
          q: filter.q ?? "",
          sort: filter.sort,
          dir: filter.dir,
          size,
        },
        stores: stores.filter((s) => principal.storeIds.includes(s.id)),
        marketplaces,
        alerts: INVENTORY_ALERTS,
        sorts: INVENTORY_SORTS,
        sizes: INVENTORY_PAGE_SIZES,
        rows: result.rows.map((r) => ({
          ...r,
          marketplace: markets.get(r.marketplaceId) ?? r.marketplaceId,
        })),
        nextQuery: result.next
          ? filterQuery(store, filter, { ...withSize, after: result.next })
          : null,
        prevQuery: result.prev
          ? filterQuery(store, filter, { ...withSize, before: result.prev })
          : null,
        filterQuery: filterQuery(store, filter, withSize),
        filtered: filterQuery("", filter) !== "" || store !== "",
        badFilter: query === null,
        canExport: principal.permissions.has("export.csv"),
        frozen,
        settings,
        canEditSettings: principal.permissions.has("stores.manage"),
      }),
      query === null ? 400 : 200,
    );
  });

  app.get("/inventory.csv", async (c) => {
    const principal = requirePrincipal(c);
    const lang = c.get("lang");
    const { query, filter, store } = readFilters(c);
    if (query === null) throw new HTTPException(400);
    let csv: AsyncIterable<string>;
    try {
      csv = await exportInventoryCsv(
        deps,
        principal,
        {
          filter,
          describe: Object.fromEntries(
            new URLSearchParams(filterQuery(store, filter)),
          ),
        },
        requestMeta(c),
        new Date(),
      );
    } catch (err) {
      if (!(err instanceof ExportError)) throw err;
      const { status, minutes } = exportRefusal(c, err);
      return page(
        c,
        inventoryCatalogue.t(lang, "inventory.title"),
        InventoryExportRefused({
          lang,
          code: err.code,
          minutes,
          back: `/inventory?${filterQuery(store, filter)}`,
        }),
        status,
      );
    }
    return csvDownload(c, "inventory", csv);
  });

  /** The store of the path, or a 404 (row-level security decides). */
  const storeOf = (c: Context): string => {
    const id = storeIdParam.safeParse(c.req.param("id"));
    if (!id.success) throw new HTTPException(404);
    const storeId = id.data.toLowerCase();
    if (!requirePrincipal(c).storeIds.includes(storeId)) {
      throw new HTTPException(404);
    }
    return storeId;
  };

  app.get("/stores/:id/restock", async (c) => {
    const storeId = storeOf(c);
    const lang = c.get("lang");
    const s = await getRestockSettings(db, requirePrincipal(c), storeId);
    if (!s) throw new HTTPException(404);
    return page(
      c,
      inventoryCatalogue.t(lang, "inventory.settings.pageTitle", {
        store: s.storeName,
      }),
      RestockSettingsForm({
        lang,
        storeId,
        storeName: s.storeName,
        values: {
          leadTimeDays: String(s.leadTimeDays),
          coverDays: String(s.coverDays),
          alertDays: String(s.alertDays),
        },
        max: MAX_SETTING_DAYS,
      }),
    );
  });

  app.post("/stores/:id/restock", async (c) => {
    const storeId = storeOf(c);
    const principal = requirePrincipal(c);
    const lang = c.get("lang");
    const body = await c.req.parseBody();
    const values = Object.fromEntries(
      RESTOCK_FIELDS.map((f) => [
        f,
        typeof body[f] === "string" ? (body[f] as string).slice(0, 20) : "",
      ]),
    ) as Record<RestockField, string>;
    try {
      const saved = await updateRestockSettings(
        db,
        principal,
        storeId,
        values,
        requestMeta(c),
      );
      if (!saved) throw new HTTPException(404);
      return c.redirect(`/inventory?store=${storeId}#restock-settings`, 303);
    } catch (err) {
      if (!(err instanceof RestockSettingsError)) throw err;
      const s = await getRestockSettings(db, principal, storeId);
      if (!s) throw new HTTPException(404);
      return page(
        c,
        inventoryCatalogue.t(lang, "inventory.settings.pageTitle", {
          store: s.storeName,
        }),
        RestockSettingsForm({
          lang,
          storeId,
          storeName: s.storeName,
          values,
          problems: err.problems,
          max: MAX_SETTING_DAYS,
        }),
        400,
      );
    }
  });

  return app;
}
