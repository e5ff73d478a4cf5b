// Shared fixtures of the data-request tests: an app with a store, an order
// with buyer data, staff with requests.manage, and helpers that submit the
// public form, read the outbox and walk the links the e-mails carry.
import { sql } from "drizzle-orm";
import { rowsOf } from "../../db/client.ts";
import { upsertBuyerPii } from "../../lib/ingest/buyer_pii.ts";
import { upsertOrders } from "../../lib/ingest/orders.ts";
import { asRequestsSystem } from "../../lib/requests/scope.ts";
import { openTestApp, type TestApp } from "../_helpers/app.ts";
import { makeStaff, makeStore, type TestStaff } from "../_helpers/staff.ts";

export const ORIGIN = "http://127.0.0.1:8000";
export const ORDER_ID = "111-2223334-4445556";
export const BUYER_EMAIL = "jane.buyer@example.test";

export interface World {
  s: TestApp;
  storeId: string;
  sellerId: string;
  owner: TestStaff;
  admin: TestStaff;
  support: TestStaff;
}

export async function openWorld(
  env: Record<string, string> = {},
): Promise<World> {
  const s = await openTestApp({ PUBLIC_URL: ORIGIN, ...env });
  const storeId = await makeStore(s, "Acme");
  const [store] = rowsOf<{ seller_id: string }>(
    await s.t.db.asJob(
      storeId,
      (tx) =>
        tx.execute(sql`select seller_id from stores where id = ${storeId}`),
    ),
  );
  const now = new Date();
  await s.t.db.asJob(storeId, async (tx) => {
    await upsertOrders(tx, [{
      storeId,
      amazonOrderId: ORDER_ID,
      marketplaceId: "ATVPDKIKX0DER",
      status: "Shipped",
      fulfillmentChannel: "AFN",
      purchasedAt: new Date(now.getTime() - 5 * 86_400_000),
      lastUpdatedAt: now,
    }]);
    await upsertBuyerPii(tx, s.vault, [{
      storeId,
      amazonOrderId: ORDER_ID,
      collectedAt: now,
      deliveredAt: now,
      payload: {
        name: "Jane Q. Buyer",
        email: BUYER_EMAIL,
        addressLine1: "1 Main Street",
        city: "Springfield",
        countryCode: "US",
      },
    }]);
  });
  return {
    s,
    storeId,
    sellerId: store.seller_id,
    owner: await makeStaff(s, "owner"),
    admin: await makeStaff(s, "admin"),
    support: await makeStaff(s, "support", { storeIds: [storeId] }),
  };
}

export function form(
  s: TestApp,
  path: string,
  fields: Record<string, string | string[]>,
  opts: { cookie?: string; ip?: string; lang?: string } = {},
): Promise<Response> {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) {
    for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
  }
  return Promise.resolve(s.app.request(`${ORIGIN}${path}`, {
    method: "POST",
    headers: {
      origin: ORIGIN,
      "accept-language": opts.lang ?? "en",
      "content-type": "application/x-www-form-urlencoded",
      ...(opts.cookie ? { cookie: opts.cookie } : {}),
    },
    body,
  }, {
    remoteAddr: {
      hostname: opts.ip ?? "192.0.2.10",
      port: 40000,
      transport: "tcp",
    },
  }));
}

export function get(
  s: TestApp,
  path: string,
  opts: { cookie?: string; lang?: string } = {},
): Promise<Response> {
  return Promise.resolve(s.app.request(`${ORIGIN}${path}`, {
    headers: {
      "accept-language": opts.lang ?? "en",
      ...(opts.cookie ? { cookie: opts.cookie } : {}),
    },
  }, {
    remoteAddr: { hostname: "192.0.2.10", port: 40000, transport: "tcp" },
  }));
}

/** A complete, valid submission of the public form. */
export function submission(
  over: Record<string, string | string[]> = {},
): Record<string, string | string[]> {
  return {
    type: "delete",
    name: "Jane Q. Buyer",
    email: BUYER_EMAIL,
    relationship: "buyer",
    orderId: ORDER_ID,
    marketplace: "ATVPDKIKX0DER",
    categories: ["buyer_pii"],
    stores: "",
    from: "",
    to: "",
    description: "Please delete my data.",
    website: "",
    ...over,
  };
}

export interface Mail {
  requestId: string;
  to: string;
  template: string;
  params: Record<string, string>;
  state: string;
}

/** Every message in the outbox, oldest first. */
export async function outbox(w: World): Promise<Mail[]> {
  return await asRequestsSystem(w.s.t.db, async (tx) =>
    rowsOf<
      {
        request_id: string;
        to_address: string;
        template: string;
        params: unknown;
        state: string;
      }
    >(
      await tx.execute(sql`select request_id::text, to_address, template,
        params, state from mail_outbox order by created_at, id`),
    ).map((r) => ({
      requestId: r.request_id,
      to: r.to_address,
      template: r.template,
      params: (typeof r.params === "string"
        ? JSON.parse(r.params)
        : r.params) as Record<string, string>,
      state: r.state,
    })));
}

/** How many requests exist. */
export async function requestCount(w: World): Promise<number> {
  const [r] = await asRequestsSystem(
    w.s.t.db,
    async (tx) =>
      rowsOf<{ n: number }>(
        await tx.execute(sql`select count(*)::int as n from data_requests`),
      ),
  );
  return r.n;
}

/** The path of a link in an e-mail (its origin is ORIGIN). */
export const pathOf = (link: string) => new URL(link).pathname;
