// /products, the product page and the products export (Data Policy §4, §6,
// §8). Every filter, the period, the sort and the page are in the URL; a
// store that is not granted, or another store's product, is a 404. Sales
// and traffic figures show only to roles that may read them (lib decides).
import { Hono } from "hono";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Database } from "../db/client.ts";
import { orderMarketplaces } from "../lib/orders/list.ts";
import {
  exportProductsCsv,
  ProductExportError,
} from "../lib/products/export.ts";
import {
  defaultDir,
  LISTING_STATES,
  listProducts,
  PAGE_SIZES,
  PERIOD_PRESETS,
  productFigures,
  type ProductFilter,
  type ProductQuery,
  productQuerySchema,
  productSorts,
  productTotals,
  resolvePeriod,
} from "../lib/products/list.ts";
import { getProduct } from "../lib/products/product.ts";
import { exportsFrozen } from "../lib/settings.ts";
import { listVisibleStores } from "../lib/stores.ts";
import { ProductExportRefused, ProductsPage } from "../views/products/list.tsx";
import { productsCatalogue } from "../views/products/messages.ts";
import { ProductPage } from "../views/products/product.tsx";
import { requestMeta, requirePrincipal, selectedStoreIds } from "./context.ts";
import { page } from "./page.ts";
import { csvDownload, exportRefusal } from "./csv_response.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ASIN = /^[A-Z0-9]{10}$/;

/** The filters of the URL, and the stores they apply to. */
function readFilters(c: Context): {
  query: ProductQuery | null;
  filter: ProductFilter;
  store: string;
  /** The period as the URL said it (empty: the default 30 days). */
  said: { from?: string; to?: string; days?: number };
} {
  const principal = requirePrincipal(c);
  const storeIds = selectedStoreIds(c);
  const store = c.req.query("store") ? storeIds[0] : "";
  const parsed = productQuerySchema.safeParse(c.req.query());
  let query = parsed.success ? parsed.data : null;
  const now = new Date();
  let period = query ? resolvePeriod(query, now) : null;
  if (period === null) query = null;
  const q = query ?? productQuerySchema.parse({});
  period ??= resolvePeriod({}, now)!;
  const sorts = productSorts(productFigures(principal));
  const fallback = sorts.includes("units") ? "units" : "asin";
  const sort = q.sort && sorts.includes(q.sort) ? q.sort : fallback;
  return {
    query,
    store,
    said: query ? { from: q.from, to: q.to, days: q.days } : {},
    filter: {
      storeIds,
      marketplace: q.marketplace,
      status: q.status,
      period,
      q: q.q,
      sort,
      dir: q.dir ?? defaultDir(sort),
    },
  };
}

/** The filters as a query string (no page; size only when asked). */
function filterQuery(
  store: string,
  f: ProductFilter,
  said: { from?: string; to?: string; days?: number },
  extra: Record<string, string> = {},
): string {
  const params = new URLSearchParams();
  const add = (k: string, v: string | undefined) => v && params.set(k, v);
  add("store", store);
  add("marketplace", f.marketplace);
  add("status", f.status);
  if (said.from || said.to) {
    // An explicit period stays explicit (a shared link shows the same days).
    params.set("from", f.period.from);
    params.set("to", f.period.to);
  } else if (said.days) params.set("days", String(said.days));
  add("q", f.q);
  if (f.sort !== "units") params.set("sort", f.sort);
  if (f.dir !== defaultDir(f.sort)) params.set("dir", f.dir);
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  return params.toString();
}

/** The period presets as links that keep the other filters. */
function presetLinks(
  path: string,
  store: string,
  f: ProductFilter,
  said: { from?: string; to?: string; days?: number },
) {
  return PERIOD_PRESETS.map((days) => {
    const q = filterQuery(store, f, { days });
    return {
      days,
      href: `${path}?${q}`,
      current: !said.from && !said.to && (said.days ?? 30) === days,
    };
  });
}

/** `/products…`: the list, the product page and the export. */
export function productsRoutes(deps: { db: Database; kv: Deno.Kv }): Hono {
  const { db } = deps;
  const app = new Hono();

  app.get("/products", async (c) => {
    const principal = requirePrincipal(c);
    const lang = c.get("lang");
    const { query, filter, store, said } = readFilters(c);
    const size = query?.size ?? 50;
    const figures = productFigures(principal);
    const [stores, marketplaces, result, totals, frozen] = await Promise.all([
      listVisibleStores(db, principal),
      orderMarketplaces(db, principal, filter.storeIds),
      listProducts(db, principal, filter, {
        size,
        after: query?.after,
        before: query?.before,
      }),
      figures.sales ? productTotals(db, principal, filter) : null,
      exportsFrozen(db, principal),
    ]);
    const names = new Map(stores.map((s) => [s.id, s.name]));
    const withSize: Record<string, string> = size === 50
      ? {}
      : { size: String(size) };
    const fq = filterQuery(store, filter, said, withSize);
    const period = `from=${filter.period.from}&to=${filter.period.to}`;
    return page(
      c,
      productsCatalogue.t(lang, "products.title"),
      ProductsPage({
        lang,
        filter: {
          store,
          marketplace: filter.marketplace ?? "",
          status: filter.status ?? "",
          from: filter.period.from,
          to: filter.period.to,
          q: filter.q ?? "",
          sort: filter.sort,
          dir: filter.dir,
          size,
        },
        stores: stores.filter((s) => principal.storeIds.includes(s.id)),
        marketplaces,
        states: LISTING_STATES,
        sorts: productSorts(figures),
        sizes: PAGE_SIZES,
        presets: presetLinks("/products", store, filter, said),
        figures,
        rows: result.rows.map((r) => ({
          ...r,
          storeName: names.get(r.storeId) ?? r.storeId,
          marketplace: marketplaces.find((m) => m.id === r.marketplaceId)
            ?.countryCode ?? r.marketplaceId,
          href: `/products/${r.storeId}/${
            encodeURIComponent(r.asin)
          }?${period}`,
        })),
        totals,
        nextQuery: result.next
          ? filterQuery(store, filter, said, {
            ...withSize,
            after: result.next,
          })
          : null,
        prevQuery: result.prev
          ? filterQuery(store, filter, said, {
            ...withSize,
            before: result.prev,
          })
          : null,
        filterQuery: fq,
        filtered: filterQuery("", filter, {}) !== "" || store !== "",
        badFilter: query === null,
        canExport: principal.permissions.has("export.csv"),
        frozen,
      }),
      query === null ? 400 : 200,
    );
  });

  app.get("/products.csv", async (c) => {
    const principal = requirePrincipal(c);
    const lang = c.get("lang");
    const { query, filter, store, said } = readFilters(c);
    if (query === null) throw new HTTPException(400);
    const describe = Object.fromEntries(
      new URLSearchParams(filterQuery(store, filter, said)),
    );
    // The period the rows cover, named even when the URL left it default.
    describe.from = filter.period.from;
    describe.to = filter.period.to;
    let csv: AsyncIterable<string>;
    try {
      csv = await exportProductsCsv(
        deps,
        principal,
        { filter, describe },
        requestMeta(c),
      );
    } catch (err) {
      if (!(err instanceof ProductExportError)) throw err;
      const { status, minutes } = exportRefusal(c, err);
      return page(
        c,
        productsCatalogue.t(lang, "products.title"),
        ProductExportRefused({
          lang,
          code: err.code,
          minutes,
          back: `/products?${filterQuery(store, filter, said)}`,
        }),
        status,
      );
    }
    return csvDownload(c, "products", csv);
  });

  app.get("/products/:storeId/:asin", async (c) => {
    const principal = requirePrincipal(c);
    const lang = c.get("lang");
    const storeId = c.req.param("storeId").toLowerCase();
    const asin = c.req.param("asin");
    if (!UUID.test(storeId) || !ASIN.test(asin)) throw new HTTPException(404);
    if (!principal.storeIds.includes(storeId)) throw new HTTPException(404);
    const parsed = productQuerySchema.safeParse(c.req.query());
    const now = new Date();
    const said = parsed.success
      ? { from: parsed.data.from, to: parsed.data.to, days: parsed.data.days }
      : {};
    const period = resolvePeriod(said, now) ?? resolvePeriod({}, now)!;
    const product = await getProduct(db, principal, storeId, asin, period);
    if (!product) throw new HTTPException(404);
    const path = `/products/${storeId}/${asin}`;
    return page(
      c,
      product.title ?? asin,
      ProductPage({
        lang,
        product,
        back: `/products?store=${storeId}&from=${period.from}&to=${period.to}`,
        ordersHref: principal.permissions.has("orders.read")
          ? `/orders?store=${storeId}&q=${asin}`
          : null,
        presets: PERIOD_PRESETS.map((days) => ({
          days,
          href: `${path}?days=${days}`,
          current: !said.from && !said.to && (said.days ?? 30) === days,
        })),
      }),
      parsed.success && resolvePeriod(said, now) ? 200 : 400,
    );
  });

  return app;
}
