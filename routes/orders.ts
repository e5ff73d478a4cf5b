// /orders, the order page, the buyer-data reveal and the orders export
// (Data Policy §4, §6, §8). Every filter, sort and page is in the URL; a
// store that is not granted, or another store's order, is a 404.
import { Hono } from "hono";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import type { Database } from "../db/client.ts";
import {
  BuyerDataError,
  REVEAL_TTL_MS,
  revealBuyerData,
} from "../lib/orders/buyer.ts";
import { ExportError, exportOrdersCsv } from "../lib/orders/export.ts";
import {
  ORDER_SORTS,
  ORDER_STATUSES,
  type OrderFilter,
  type OrderQuery,
  orderQuerySchema,
  ordersScreen,
  orderTotals,
  PAGE_SIZES,
} from "../lib/orders/list.ts";
import {
  getOrder,
  type OrderDetail,
  orderScreen,
} from "../lib/orders/order.ts";
import { setExportsFrozen, SettingsError } from "../lib/settings.ts";
import type { StaffPrincipal } from "../lib/security/principal.ts";
import type { Vault } from "../lib/security/vault.ts";
import { plainText } from "../lib/validation.ts";
import {
  ExportRefused,
  OrdersPage,
  OrderTotals,
} from "../views/orders/list.tsx";
import { ordersCatalogue } from "../views/orders/messages.ts";
import {
  BuyerSection,
  type BuyerView,
  OrderPage,
  type OrderView,
} from "../views/orders/order.tsx";
import { requestMeta, requirePrincipal, selectedStoreIds } from "./context.ts";
import { page } from "./page.ts";
import { csvDownload, exportRefusal } from "./csv_response.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const orderId = plainText().min(1).max(64);

/** The filters of the URL, and the stores they apply to. */
function readFilters(c: Context): {
  query: OrderQuery | null;
  filter: OrderFilter;
  store: string;
  /** Date fields that are not real YYYY-MM-DD dates. */
  badDates: { from: boolean; to: boolean };
} {
  const storeIds = selectedStoreIds(c);
  const store = c.req.query("store") ? storeIds[0] : "";
  const parsed = orderQuerySchema.safeParse(c.req.query());
  const query = parsed.success ? parsed.data : null;
  const q = query ?? orderQuerySchema.parse({});
  const wrong = new Set(
    parsed.success ? [] : parsed.error.issues.map((i) => String(i.path[0])),
  );
  return {
    query,
    store,
    badDates: { from: wrong.has("from"), to: wrong.has("to") },
    filter: {
      storeIds,
      marketplace: q.marketplace,
      status: q.status,
      channel: q.channel,
      from: q.from,
      to: q.to,
      q: q.q,
      sort: q.sort,
      dir: q.dir,
    },
  };
}

/** The filters as a query string (no page; size only when asked). */
function filterQuery(
  store: string,
  f: OrderFilter,
  extra: Record<string, string> = {},
): string {
  const params = new URLSearchParams();
  const add = (k: string, v: string | undefined) => v && params.set(k, v);
  add("store", store);
  add("marketplace", f.marketplace);
  add("status", f.status);
  add("channel", f.channel);
  add("from", f.from);
  add("to", f.to);
  add("q", f.q);
  if (f.sort !== "date") params.set("sort", f.sort);
  if (f.dir !== "desc") params.set("dir", f.dir);
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  return params.toString();
}

/** The order of the path, or a 404. */
function orderKey(c: Context): { storeId: string; amazonOrderId: string } {
  const principal = requirePrincipal(c);
  const storeId = c.req.param("storeId") ?? "";
  const parsedId = orderId.safeParse(c.req.param("amazonOrderId"));
  if (!UUID.test(storeId) || !parsedId.success) throw new HTTPException(404);
  const id = storeId.toLowerCase();
  if (!principal.storeIds.includes(id)) throw new HTTPException(404);
  return { storeId: id, amazonOrderId: parsedId.data };
}

function orderView(o: OrderDetail): OrderView {
  return { ...o, marketplace: o.marketplaceId };
}

function buyerView(
  principal: StaffPrincipal,
  o: OrderDetail,
  extra: { error?: string; reason?: string } = {},
): BuyerView {
  const b = o.buyerData;
  if (b.kind === "held") {
    return {
      kind: "masked",
      canReveal: principal.permissions.has("pii.reveal"),
      purgeAfter: b.purgeAfter,
      error: extra.error ?? null,
      reason: extra.reason,
    };
  }
  return b;
}

/** `/orders…`: the list, its totals, the order page, reveals and exports. */
export function ordersRoutes(
  deps: { db: Database; kv: Deno.Kv; vault: Vault },
): Hono {
  const { db } = deps;
  const app = new Hono();

  app.get("/orders", async (c) => {
    const principal = requirePrincipal(c);
    const lang = c.get("lang");
    const { query, filter, store, badDates } = readFilters(c);
    const size = query?.size ?? 50;
    // One transaction for the screen's reads; the layout's store switcher
    // takes the same store list instead of reading it again.
    const { stores, marketplaces, page: result, frozen } = await ordersScreen(
      db,
      principal,
      filter,
      { size, after: query?.after, before: query?.before },
    );
    c.set(
      "visibleStores",
      () => Promise.resolve(stores.map((s) => ({ id: s.id, name: s.name }))),
    );
    const names = new Map(stores.map((s) => [s.id, s.name]));
    const withSize: Record<string, string> = size === 50
      ? {}
      : { size: String(size) };
    const fq = filterQuery(store, filter, withSize);
    return page(
      c,
      ordersCatalogue.t(lang, "orders.title"),
      OrdersPage({
        lang,
        filter: {
          store,
          marketplace: filter.marketplace ?? "",
          status: filter.status ?? "",
          channel: filter.channel ?? "",
          from: filter.from ?? "",
          to: filter.to ?? "",
          q: filter.q ?? "",
          sort: filter.sort,
          dir: filter.dir,
          size,
        },
        stores: stores.filter((s) => principal.storeIds.includes(s.id)),
        marketplaces,
        statuses: ORDER_STATUSES,
        sorts: ORDER_SORTS,
        sizes: PAGE_SIZES,
        rows: result.rows.map((r) => ({
          ...r,
          storeName: names.get(r.storeId) ?? r.storeId,
          marketplace: marketplaces.find((m) => m.id === r.marketplaceId)
            ?.countryCode ?? r.marketplaceId,
        })),
        nextQuery: result.next
          ? filterQuery(store, filter, { ...withSize, after: result.next })
          : null,
        prevQuery: result.prev
          ? filterQuery(store, filter, { ...withSize, before: result.prev })
          : null,
        filterQuery: fq,
        filtered: filterQuery("", filter) !== "" || store !== "",
        badFilter: query === null,
        badDates,
        canExport: principal.permissions.has("export.csv"),
        canExportPii: principal.permissions.has("pii.export"),
        canFreeze: principal.role === "owner",
        frozen,
      }),
      query === null ? 400 : 200,
    );
  });

  app.get("/orders/totals", async (c) => {
    const principal = requirePrincipal(c);
    const { filter } = readFilters(c);
    const totals = await orderTotals(db, principal, filter);
    const fragment = OrderTotals({ lang: c.get("lang"), totals });
    if (c.req.header("hx-request")) return c.html(fragment);
    return page(c, ordersCatalogue.t(c.get("lang"), "orders.totals"), fragment);
  });

  const exportCsv = async (c: Context, reason: string | null) => {
    const principal = requirePrincipal(c);
    const lang = c.get("lang");
    const { query, filter, store } = readFilters(c);
    if (query === null) throw new HTTPException(400);
    let csv: AsyncIterable<string>;
    try {
      csv = await exportOrdersCsv(
        deps,
        principal,
        {
          filter,
          describe: Object.fromEntries(
            new URLSearchParams(filterQuery(store, filter)),
          ),
          pii: reason === null ? undefined : { reason },
        },
        requestMeta(c),
      );
    } catch (err) {
      if (!(err instanceof ExportError)) throw err;
      const { status, minutes } = exportRefusal(c, err);
      return page(
        c,
        ordersCatalogue.t(lang, "orders.title"),
        ExportRefused({
          lang,
          code: err.code,
          minutes,
          back: `/orders?${filterQuery(store, filter)}`,
        }),
        status,
      );
    }
    return csvDownload(c, "orders", csv);
  };

  app.get("/orders.csv", (c) => exportCsv(c, null));

  app.post("/orders.csv", async (c) => {
    const body = await c.req.parseBody();
    const reason = typeof body.reason === "string" ? body.reason : "";
    return await exportCsv(c, reason);
  });

  app.post("/orders/freeze", async (c) => {
    const principal = requirePrincipal(c);
    const body = await c.req.parseBody();
    try {
      await setExportsFrozen(
        db,
        principal,
        body.frozen === "1",
        requestMeta(c),
      );
    } catch (err) {
      if (err instanceof SettingsError) throw new HTTPException(403);
      throw err;
    }
    return c.redirect("/orders", 303);
  });

  app.get("/orders/:storeId/:amazonOrderId", async (c) => {
    const principal = requirePrincipal(c);
    const { storeId, amazonOrderId } = orderKey(c);
    const { order, stores } = await orderScreen(
      db,
      principal,
      storeId,
      amazonOrderId,
    );
    if (!order) throw new HTTPException(404);
    // The switcher takes the stores read with the order.
    c.set(
      "visibleStores",
      () => Promise.resolve(stores.map((s) => ({ id: s.id, name: s.name }))),
    );
    return page(
      c,
      ordersCatalogue.t(c.get("lang"), "order.title", { id: amazonOrderId }),
      OrderPage({
        lang: c.get("lang"),
        order: orderView(order),
        buyer: buyerView(principal, order),
      }),
    );
  });

  // The masked buyer section: what a revealed one swaps back to.
  app.get("/orders/:storeId/:amazonOrderId/buyer", async (c) => {
    const principal = requirePrincipal(c);
    const { storeId, amazonOrderId } = orderKey(c);
    if (!c.req.header("hx-request")) {
      return c.redirect(
        `/orders/${storeId}/${encodeURIComponent(amazonOrderId)}`,
        303,
      );
    }
    const order = await getOrder(db, principal, storeId, amazonOrderId);
    if (!order) throw new HTTPException(404);
    return c.html(
      BuyerSection({
        lang: c.get("lang"),
        storeId,
        amazonOrderId,
        buyer: buyerView(principal, order),
        timeZone: order.timeZone,
      }),
    );
  });

  const revealForm = z.object({ reason: z.string().max(2000).default("") });

  app.post("/orders/:storeId/:amazonOrderId/reveal", async (c) => {
    const principal = requirePrincipal(c);
    const lang = c.get("lang");
    const { storeId, amazonOrderId } = orderKey(c);
    const form = revealForm.safeParse(await c.req.parseBody());
    const reason = form.success ? form.data.reason : "";
    const htmx = c.req.header("hx-request") === "true";
    const order = await getOrder(db, principal, storeId, amazonOrderId);
    if (!order) throw new HTTPException(404);
    c.header("Cache-Control", "no-store");
    let buyer: BuyerView;
    let status: 200 | 400 | 403 | 404 | 423 = 200;
    try {
      const revealed = await revealBuyerData(
        deps,
        principal,
        storeId,
        amazonOrderId,
        reason,
        requestMeta(c),
      );
      buyer = {
        kind: "revealed",
        values: revealed.values,
        expiresAt: revealed.expiresAt,
        hideInSeconds: Math.round(REVEAL_TTL_MS / 1000),
      };
    } catch (err) {
      if (!(err instanceof BuyerDataError)) throw err;
      status = ({
        forbidden: 403,
        reason: 400,
        frozen: 423,
        not_found: 404,
      } as const)[err.code];
      buyer = buyerView(principal, order, {
        error: ordersCatalogue.t(lang, `buyer.error.${err.code}`),
        reason,
      });
    }
    if (htmx) {
      // htmx swaps only 2xx answers: a refusal is the section with its
      // error, said in a header too.
      if (status !== 200) c.header("X-Refused", String(status));
      return c.html(
        BuyerSection({
          lang,
          storeId,
          amazonOrderId,
          buyer,
          timeZone: order.timeZone,
        }),
      );
    }
    return page(
      c,
      ordersCatalogue.t(lang, "order.title", { id: amazonOrderId }),
      OrderPage({ lang, order: orderView(order), buyer }),
      status,
    );
  });

  return app;
}
