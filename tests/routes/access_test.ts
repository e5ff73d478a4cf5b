// Table-driven access scenarios (PocketBase style): every registered route,
// for every persona, gets the status its declared permission implies.
import assert from "node:assert/strict";
import { openTestApp, type TestApp } from "../_helpers/app.ts";
import { makeStaff, makeStore } from "../_helpers/staff.ts";
import { testEngine } from "../_helpers/test_db.ts";
import { ROUTE_ACCESS } from "../../routes/route_access.ts";
import {
  can,
  type Permission,
  type RoleName,
} from "../../lib/security/permissions.ts";
import { syncRuns } from "../../db/schema.ts";

const ORIGIN = "http://127.0.0.1:8000";
// Obvious fakes so that every provider route is registered.
const PROVIDERS = {
  GOOGLE_CLIENT_ID: "fake-google-client",
  GOOGLE_CLIENT_SECRET: "fake-google-secret",
  MSENTRA_CLIENT_ID: "fake-entra-client",
  MSENTRA_CLIENT_SECRET: "fake-entra-secret",
  MSENTRA_TENANT_ID: "fake-tenant",
  GITHUB_CLIENT_ID: "fake-github-client",
  GITHUB_CLIENT_SECRET: "fake-github-secret",
};

function handlerRoutes(s: TestApp): string[] {
  return [
    ...new Set(
      s.app.routes.filter((r) => r.method !== "ALL").map((r) =>
        `${r.method} ${r.path}`
      ),
    ),
  ];
}

Deno.test("every registered route declares what it needs, and every declaration is a route", async () => {
  await using s = await openTestApp(PROVIDERS);
  const registered = handlerRoutes(s);
  const undeclared = registered.filter((r) => !(r in ROUTE_ACCESS));
  assert.deepEqual(undeclared, [], "routes without a declared permission");
  const stale = Object.keys(ROUTE_ACCESS).filter((r) =>
    !registered.includes(r)
  );
  assert.deepEqual(stale, [], "declarations without a route");
});

Deno.test("a route missing from the table is refused to everyone (fail closed)", async () => {
  await using s = await openTestApp();
  s.app.get("/undeclared", (c) => c.text("secret"));
  const admin = await makeStaff(s, "owner");
  const res = await s.app.request("/undeclared", {
    headers: { cookie: admin.cookie },
  });
  assert.equal(res.status, 403);
  assert.doesNotMatch(await res.text(), /secret/);
});

type Persona =
  | "anonymous"
  | "viewer of A"
  | "finance of A"
  | "support of B"
  | "admin"
  | "disabled";
const PERSONAS: Persona[] = [
  "anonymous",
  "viewer of A",
  "finance of A",
  "support of B",
  "admin",
  "disabled",
];
const ROLE_OF: Record<Persona, RoleName | null> = {
  anonymous: null,
  "viewer of A": "viewer",
  "finance of A": "finance",
  "support of B": "support",
  admin: "admin",
  disabled: null,
};

/** Which personas hold a grant on store A (the record routes point at A). */
const SEES_STORE_A: Record<Persona, boolean> = {
  anonymous: false,
  "viewer of A": true,
  "finance of A": true,
  "support of B": false,
  admin: true,
  disabled: false,
};

/** A concrete request for a route pattern; `:id` is store A's record. */
function sample(
  route: string,
  storeA: string,
  runA: string,
): { method: string; path: string; storeRecord: boolean } {
  const [method, pattern] = route.split(" ");
  const path = pattern.replace(":token", "0".repeat(64)).replace(
    ":id",
    storeA,
  ).replace(":runId", runA).replace(":dataset", "inventory")
    .replace(":kind", "terms").replace(":version", "1");
  const query = /\/connect\/(website|ads)$/.test(pattern)
    ? "?appId=00000000-0000-4000-8000-000000000000"
    : "";
  return {
    method,
    path: path + query,
    storeRecord: pattern.startsWith("/stores/:id"),
  };
}

/**
 * Routes whose library refuses a second permission besides the table's:
 * the products export holds the catalog, so it needs `catalog.read` too
 * (lib/products/export.ts), or a finance role could export a list it may
 * not open.
 */
const ALSO_NEEDS: Record<string, Permission> = {
  "GET /products.csv": "catalog.read",
  "GET /orders.csv": "orders.read",
  "POST /orders.csv": "orders.read",
  "GET /finance.csv": "finance.read",
  "GET /finance/events.csv": "finance.read",
  "GET /ads.csv": "ads.read",
  "GET /ads/keywords.csv": "ads.read",
  // Brand Analytics is reports.read data (routes/ads.ts).
  "GET /ads/search-terms": "reports.read",
  "GET /profit.csv": "finance.read",
  // Advertising and finance hold export.csv but may not open /inventory.
  "GET /inventory.csv": "inventory.read",
  "GET /incidents.csv": "incidents.manage",
};

Deno.test(`access scenarios (${testEngine}): every route × anonymous, viewer of A, finance of A, support of B, admin, disabled`, async () => {
  await using s = await openTestApp(PROVIDERS);
  const a = await makeStore(s, "Store A");
  const b = await makeStore(s, "Store B");
  // A failed sync run of store A, for the run and retry routes.
  const runA = await s.t.db.asJob(a, async (tx) => {
    const [row] = await tx.insert(syncRuns).values({
      storeId: a,
      dataset: "inventory",
      trigger: "schedule",
      status: "failed",
      error: "sample",
    }).returning({ id: syncRuns.id });
    return row.id;
  });
  const cookies: Record<Persona, string | null> = {
    anonymous: null,
    "viewer of A": (await makeStaff(s, "viewer", { storeIds: [a] })).cookie,
    "finance of A": (await makeStaff(s, "finance", { storeIds: [a] })).cookie,
    "support of B": (await makeStaff(s, "support", { storeIds: [b] })).cookie,
    admin: (await makeStaff(s, "admin")).cookie,
    disabled: (await makeStaff(s, "owner", { status: "disabled" })).cookie,
  };
  const failures: string[] = [];
  for (const [route, access] of Object.entries(ROUTE_ACCESS)) {
    // Signing out would end the persona's session for the later routes.
    if (route.startsWith("POST /auth/signout")) continue;
    for (const persona of PERSONAS) {
      const { method, path, storeRecord } = sample(route, a, runA);
      const headers: Record<string, string> = { origin: ORIGIN };
      if (cookies[persona]) headers.cookie = cookies[persona]!;
      if (method === "POST") {
        headers["content-type"] = "application/x-www-form-urlencoded";
      }
      const res = await s.app.request(`${ORIGIN}${path}`, {
        method,
        headers,
        body: method === "POST" ? "" : undefined,
      });
      await res.body?.cancel();
      const role = ROLE_OF[persona];
      const signedIn = role !== null;
      let expected: string;
      let ok: boolean;
      if (access === "public") {
        expected = "not an access refusal";
        ok = res.status !== 401 && res.status !== 403 &&
          !(res.headers.get("location") ?? "").startsWith("/auth/signin?next");
      } else if (!signedIn) {
        expected = method === "GET" ? "303 to sign-in" : "401";
        ok = method === "GET"
          ? res.status === 303 &&
            (res.headers.get("location") ?? "").startsWith("/auth/signin?next=")
          : res.status === 401;
      } else if (
        (access !== "signed-in" && !can(role, access)) ||
        (ALSO_NEEDS[route] !== undefined && !can(role, ALSO_NEEDS[route]))
      ) {
        expected = "403";
        ok = res.status === 403;
      } else if (storeRecord && !SEES_STORE_A[persona]) {
        // Another store's record is not found, not forbidden.
        expected = "404";
        ok = res.status === 404;
      } else if (storeRecord && route === "GET /stores/:id") {
        expected = "200";
        ok = res.status === 200;
      } else if (storeRecord) {
        expected = "allowed (the store is found)";
        ok = ![401, 403, 404].includes(res.status);
      } else {
        expected = "allowed";
        ok = res.status !== 401 && res.status !== 403;
      }
      if (!ok) {
        failures.push(
          `${route} as ${persona}: got ${res.status}, expected ${expected}`,
        );
      }
    }
  }
  assert.deepEqual(failures, []);
});

Deno.test(`signed-in POST /auth/signout ends the session; the cookie then opens nothing (${testEngine})`, async () => {
  await using s = await openTestApp();
  const owner = await makeStaff(s, "owner");
  const before = await s.app.request("/", {
    headers: { cookie: owner.cookie },
  });
  assert.equal(before.status, 200);
  await before.body?.cancel();
  const out = await s.app.request(`${ORIGIN}/auth/signout`, {
    method: "POST",
    headers: { cookie: owner.cookie, origin: ORIGIN },
  });
  assert.equal(out.status, 303);
  const after = await s.app.request("/", { headers: { cookie: owner.cookie } });
  assert.equal(after.status, 303);
  assert.match(after.headers.get("location") ?? "", /^\/auth\/signin/);
});

Deno.test(`stores (${testEngine}): an admin registers an own seller account; bad input changes nothing`, async () => {
  await using s = await openTestApp();
  const admin = await makeStaff(s, "admin");
  const post = (body: string) =>
    s.app.request(`${ORIGIN}/stores`, {
      method: "POST",
      headers: {
        cookie: admin.cookie,
        origin: ORIGIN,
        "content-type": "application/x-www-form-urlencoded",
      },
      body,
    });
  const bad = await post(
    "sellerId=nope&region=NA&name=X&marketplaceIds=A1PA6795UKMFR9",
  );
  assert.equal(bad.status, 400);
  const html = await bad.text();
  assert.match(html, /Seller id: a selling partner id/);
  assert.match(html, /Name: 2 to 120 characters/);
  const list = await s.app.request("/stores", {
    headers: { cookie: admin.cookie },
  });
  assert.doesNotMatch(
    await list.text(),
    /<td><a href="\/stores\//,
    "nothing registered",
  );

  const wrongRegion = await post(
    "sellerId=A1B2C3D4E5F6G7&region=NA&name=Own+US&marketplaceIds=A1PA6795UKMFR9",
  );
  assert.equal(wrongRegion.status, 400);
  assert.match(
    await wrongRegion.text(),
    /Every marketplace must belong to the NA region/,
  );

  const ok = await post(
    "sellerId=a1b2c3d4e5f6g7&region=NA&name=Own+US&marketplaceIds=ATVPDKIKX0DER&marketplaceIds=A2EUQ1WTGCTBG2",
  );
  assert.equal(ok.status, 303);
  const location = ok.headers.get("location")!;
  const detail =
    await (await s.app.request(location, { headers: { cookie: admin.cookie } }))
      .text();
  assert.match(detail, /A1B2C3D4E5F6G7/);
  assert.match(detail, /amazon\.ca/);
  const dup = await post(
    "sellerId=A1B2C3D4E5F6G7&region=NA&name=Again&marketplaceIds=ATVPDKIKX0DER",
  );
  assert.equal(dup.status, 400);
  assert.match(await dup.text(), /already registered in NA/);
});
