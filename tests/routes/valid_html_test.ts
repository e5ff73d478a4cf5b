// Valid pages (issue #13): every page a signed-in owner can reach — each GET
// of the route table, filled with seeded data in its different states, in
// both languages, plus the error pages and the htmx fragments — passes the
// W3C Nu HTML Checker (npm vnu-jar, run on Java) with no error. One JVM for
// the whole file: every page is written out and checked in one run.
import {
  deletionMessage,
  recordDeletionRequest,
  runDeletionRequest,
} from "../../lib/policy/deletion_requests.ts";
import type { QueueMessage } from "../../lib/queue.ts";
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import * as OTPAuth from "otpauth";
import vnuJar from "vnu-jar";
import { orders, products, stores, syncRuns } from "../../db/schema.ts";
import { upsertBuyerPii } from "../../lib/ingest/buyer_pii.ts";
import { saveApp } from "../../lib/amazon/credentials.ts";
import { startDisconnection } from "../../lib/policy/disconnection.ts";
import { seedDatabase } from "../../bench/seed.ts";
import { startReview } from "../../lib/security/access_review.ts";
import { loadPrincipal } from "../../lib/security/principal.ts";
import {
  issueFirstOwnerToken,
  issueSetupToken,
} from "../../lib/security/staff.ts";
import { ROUTE_ACCESS } from "../../routes/route_access.ts";
import { openTestApp } from "../_helpers/app.ts";
import { makeStaff, makeStore } from "../_helpers/staff.ts";
import { ownerOf, testEngine } from "../_helpers/test_db.ts";

const ORIGIN = "http://127.0.0.1:8000";
const PROVIDERS = {
  GOOGLE_CLIENT_ID: "fake-google-client",
  GOOGLE_CLIENT_SECRET: "fake-google-secret",
  MSENTRA_CLIENT_ID: "fake-entra-client",
  MSENTRA_CLIENT_SECRET: "fake-entra-secret",
  MSENTRA_TENANT_ID: "fake-tenant",
  GITHUB_CLIENT_ID: "fake-github-client",
  GITHUB_CLIENT_SECRET: "fake-github-secret",
};

interface VnuMessage {
  type: string;
  subType?: string;
  url?: string;
  lastLine?: number;
  message: string;
  extract?: string;
}

/** Runs the checker once over `files`; its messages, by file name. */
async function checkHtml(files: string[]): Promise<VnuMessage[]> {
  const out = await new Deno.Command("java", {
    args: [
      "-Xss2m",
      "-jar",
      String(vnuJar),
      "--format",
      "json",
      "--exit-zero-always",
      "--stdout",
      ...files,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert.ok(
    out.success && text.startsWith("{"),
    `the checker ran: ${new TextDecoder().decode(out.stderr).slice(0, 500)}`,
  );
  return (JSON.parse(text) as { messages: VnuMessage[] }).messages;
}

/** An htmx fragment inside the smallest valid document, to check it too. */
const asDocument = (fragment: string) =>
  `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>fragment</title></head><body>${fragment}</body></html>`;

Deno.test(`valid pages (${testEngine}): every page an owner can reach passes the Nu HTML Checker`, async () => {
  await using s = await openTestApp({ PUBLIC_URL: ORIGIN, ...PROVIDERS });
  const owner = await makeStaff(s, "owner");
  const viewer = await makeStaff(s, "viewer");
  const principal = (await loadPrincipal(s.t.db, owner.id, owner.sessionId))!;

  // Seeded stores: one connected, one only registered; a third being
  // disconnected. Runs in every state, an app of each API, an open review.
  const seeded = await seedDatabase(s.t.db, s.vault, {
    seed: 13,
    stores: 2,
    orders: 60,
    days: 20,
    anchor: new Date(),
  });
  const [connected, registered] = seeded.stores.map((x) => x.id);
  await ownerOf(s.t.db).update(stores).set({ status: "connected" }).where(
    eq(stores.id, connected),
  );
  const closing = await makeStore(s, "Closing store");
  const withAll = { ...principal, storeIds: [connected, registered, closing] };
  for (const api of ["sp-api", "ads"] as const) {
    await s.t.db.asUser(withAll, (tx) =>
      saveApp(tx, s.vault, {
        api,
        name: `Our ${api} app`,
        applicationId: api === "sp-api"
          ? "amzn1.sp.solution.00000000-0000-4000-8000-0000000c0de1"
          : null,
        clientId: "amzn1.application-oa2-client.0123456789abcdef",
        clientSecret: "amzn1.oa2-cs.v1.0123456789abcdef",
        secretIssuedAt: new Date(),
      }));
  }
  const started = new Date();
  const runs = await ownerOf(s.t.db).insert(syncRuns).values(
    (["queued", "running", "succeeded", "failed", "cancelled"] as const).map(
      (status, i) => ({
        storeId: connected,
        dataset: ["orders", "inventory", "catalog", "returns", "settlements"][
          i
        ],
        trigger: "manual" as const,
        status,
        startedAt: new Date(started.getTime() - i * 1000),
        heartbeatAt: status === "running" ? started : null,
        finishedAt: status === "running" || status === "queued"
          ? null
          : started,
        rowsInserted: 1234,
        rowsUpdated: 56,
        rowsSkipped: 7,
        apiCalls: 89,
        error: status === "failed" ? "SP-API answered 500" : null,
        emptyReason: status === "cancelled" ? "no_data_for_period" : null,
        progress: status === "running"
          ? { done: 2, total: 5, step: "marketplace ATVPDKIKX0DER" }
          : null,
        badRows: status === "failed"
          ? [{ line: 12, source: "report 1", reason: "bad date" }]
          : null,
        badRowCount: status === "failed" ? 1 : 0,
      }),
    ),
  ).returning({ id: syncRuns.id, status: syncRuns.status });
  await startDisconnection(s.t.db, withAll, closing, {
    choices: {
      catalog: "delete",
      inventory: "delete",
      orders: "archive",
      buyer_pii: "delete",
      sales_traffic: "keep",
      advertising: "delete",
      finance: "keep",
      brand_analytics: "delete",
      sync: "delete",
      api_logs: "keep",
    },
    reason: "The account is closed",
  });
  const invited = await makeStaff(s, "finance", {
    storeIds: [connected],
    status: "invited",
    kind: "local",
  });
  await startReview(s.t.db, principal, new Date(), 90);
  // An Amazon deletion request, carried out (its certificate page).
  const deletionMessages: QueueMessage[] = [];
  const deletionId = await recordDeletionRequest(
    {
      db: s.t.db,
      enqueue: (m) => Promise.resolve(void deletionMessages.push(m)),
    },
    withAll,
    {
      amazonReference: "AMZ-DEL-13",
      receivedAt: new Date().toISOString().slice(0, 16),
      storeIds: [registered],
      categories: ["buyer_pii", "orders"],
      fromAt: "",
      toAt: "",
      orderIds: "",
      confirm: "yes",
    },
  );
  await runDeletionRequest(
    { db: s.t.db },
    deletionMessage.parse(deletionMessages[0]),
  );

  // An order of the connected store, with buyer data to reveal.
  const [anOrder] = await ownerOf(s.t.db).select().from(orders).where(
    eq(orders.storeId, connected),
  ).limit(1);
  await s.t.db.asJob(connected, (tx) =>
    upsertBuyerPii(tx, s.vault, [{
      storeId: connected,
      amazonOrderId: anOrder.amazonOrderId,
      collectedAt: new Date(),
      deliveredAt: new Date(),
      payload: {
        name: "Jane <b>Buyer</b>",
        addressLine1: "1 Main Street",
        city: "Springfield",
        countryCode: "US",
      },
    }]));
  const orderPath = `/orders/${connected}/${anOrder.amazonOrderId}`;
  const [aProduct] = await ownerOf(s.t.db).select().from(products).where(
    eq(products.storeId, connected),
  ).limit(1);

  // Every GET route of the table, with its parameters filled in.
  const runOf = (status: string) => runs.find((r) => r.status === status)!.id;
  const values: Record<string, string[]> = {
    ":id": [connected, registered, closing],
    ":requestId": [deletionId],
    ":runId": [runOf("running"), runOf("failed"), runOf("cancelled")],
    ":storeId": [connected],
    ":amazonOrderId": [anOrder.amazonOrderId],
    ":asin": [aProduct.asin],
    ":token": [
      await issueFirstOwnerToken(s.kv),
      await issueSetupToken(s.kv, invited.id),
    ],
  };
  const pages: { name: string; path: string; html?: boolean }[] = [];
  const covered = new Set<string>();
  const skipped: Record<string, string> = {
    // Not HTML: health answers, the CSV export.
    "GET /healthz": "json",
    "GET /readyz": "json",
    "GET /audit/export.csv": "csv",
    "GET /retention/deletion-requests/:requestId/certificate.json": "json",
    "GET /orders.csv": "csv",
    "GET /products.csv": "csv",
    "GET /inventory.csv": "csv",
    "GET /profit.csv": "csv",
    "GET /profit/costs/template.csv": "csv",
    "GET /profit/rates/template.csv": "csv",
  };
  for (const key of Object.keys(ROUTE_ACCESS)) {
    if (!key.startsWith("GET ")) continue;
    covered.add(key);
    if (skipped[key]) continue;
    const pattern = key.slice(4);
    let paths = [pattern];
    for (const [param, choices] of Object.entries(values)) {
      if (!pattern.includes(param)) continue;
      paths = paths.flatMap((p) =>
        pattern === "/users/:id"
          ? [p.replace(":id", invited.id)]
          : choices.map((c) => p.replace(param, c))
      );
    }
    if (pattern === "/users/:id") paths = [`/users/${invited.id}`];
    if (pattern.includes(":token")) {
      // A first-owner link (an owner exists: refused) and a setup link.
      paths = pattern.startsWith("/auth/first-owner")
        ? [pattern.replace(":token", values[":token"][0])]
        : [pattern.replace(":token", values[":token"][1])];
    }
    for (const path of paths) pages.push({ name: key, path });
  }
  // The same pages' other states.
  pages.push(
    {
      name: "jobs, a refused schedule",
      path: "/admin/jobs?invalid=sync.orders&schedule=99+*+*+*+*&enabled=1",
    },
    { name: "users, filtered", path: "/users?role=finance&status=invited" },
    { name: "audit, filtered by actor", path: `/audit?actor=${owner.id}` },
    { name: "404", path: "/no/such/page" },
    { name: "orders, filtered", path: "/orders?status=Shipped&size=100" },
    { name: "orders, by total", path: "/orders?size=50&sort=total" },
    { name: "orders, none match", path: "/orders?q=NO-SUCH-ORDER" },
    { name: "orders, a bad filter", path: "/orders?from=2026-02-31" },
    {
      name: "audit, a date that does not exist",
      path: "/audit?from=2026-02-31&to=03%2F12%2F2026",
    },
    { name: "products, by sales", path: "/products?sort=sales&size=100" },
    {
      name: "products, filtered",
      path: "/products?days=7&status=buyable&marketplace=ATVPDKIKX0DER",
    },
    { name: "products, none match", path: "/products?q=NO-SUCH-PRODUCT" },
    { name: "products, a bad period", path: "/products?from=2026-02-31" },
    {
      name: "product, 90 days",
      path: `/products/${connected}/${aProduct.asin}?days=90`,
    },
    {
      name: "inventory, low cover by suggestion",
      path: "/inventory?alert=low_cover&sort=suggestion&size=100",
    },
    { name: "inventory, one store", path: `/inventory?store=${connected}` },
    { name: "inventory, none match", path: "/inventory?q=NO-SUCH-SKU" },
    { name: "inventory, a bad filter", path: "/inventory?sort=nope" },
    {
      name: "profit per order, converted",
      path: "/profit?from=2026-01-01&to=2026-12-31&by=order&in=EUR",
    },
    { name: "profit per day", path: "/profit?by=day&size=25" },
    { name: "profit, a bad filter", path: "/profit?from=2026-02-31" },
    { name: "costs, filtered", path: "/profit/costs?q=NO-SUCH-SKU" },
  );

  const dir = await Deno.makeTempDir({ prefix: "vnu-" });
  try {
    const files = new Map<string, string>();
    let n = 0;
    const write = async (label: string, html: string) => {
      const file = `${dir}/${String(++n).padStart(3, "0")}.html`;
      await Deno.writeTextFile(file, html);
      files.set(`file:${file}`, label);
    };
    const fetchPage = (
      path: string,
      cookie: string,
      lang: string,
      hx = false,
    ) =>
      s.app.request(`${ORIGIN}${path}`, {
        headers: {
          cookie,
          "accept-language": lang,
          ...(hx ? { "hx-request": "true", "hx-target": "users-table" } : {}),
        },
      });
    for (const lang of ["en", "zh-CN"]) {
      for (const p of pages) {
        const res = await fetchPage(p.path, owner.cookie, lang);
        const type = res.headers.get("content-type") ?? "";
        if (res.status >= 300 && res.status < 400) {
          await res.body?.cancel(); // a redirect to Amazon or to a form
          continue;
        }
        assert.ok(type.startsWith("text/html"), `${p.path}: ${type}`);
        const html = await res.text();
        if (p.path.endsWith("/sync/status")) {
          await write(`${lang} ${p.path} (fragment)`, asDocument(html));
          continue;
        }
        assert.ok(html.startsWith("<!DOCTYPE html>"), `${p.path}: doctype`);
        assert.ok(res.status < 500, `${p.path}: ${res.status}`);
        await write(`${lang} ${p.name} ${p.path} (${res.status})`, html);
      }
      // A refusal as a person without the permission sees it.
      const denied = await fetchPage("/audit", viewer.cookie, lang);
      assert.equal(denied.status, 403);
      await write(`${lang} 403 /audit`, await denied.text());
      // The products list as a catalog-only role sees it.
      const catalogOnly = await fetchPage("/products", viewer.cookie, lang);
      assert.equal(catalogOnly.status, 200);
      await write(`${lang} viewer /products`, await catalogOnly.text());
      // htmx fragments, in a document.
      for (
        const path of [
          "/users?sort=role",
          `/stores/${closing}/disconnections`,
          "/orders/totals",
          `${orderPath}/buyer`,
        ]
      ) {
        const res = await fetchPage(path, owner.cookie, lang, true);
        await write(`${lang} ${path} (htmx)`, asDocument(await res.text()));
      }
    }
    // The enrolment with its QR code and the recovery codes (the invited
    // local account sets its password and enrols), then the account page of
    // a local account in its states: refused forms, a new authenticator.
    const post = (
      path: string,
      cookie: string,
      body: Record<string, string>,
      lang = "en",
    ) =>
      s.app.request(`${ORIGIN}${path}`, {
        method: "POST",
        headers: {
          origin: ORIGIN,
          cookie,
          "accept-language": lang,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams(body).toString(),
      });
    const localPassword = "Ledger-Quartz-Harbor-4";
    const setup = await post(`/auth/setup/${values[":token"][1]}`, "", {
      password: localPassword,
      confirm: localPassword,
    });
    assert.equal(setup.status, 303);
    const enrollCookie = setup.headers.get("set-cookie")!.split(";")[0];
    let secret = "";
    for (const lang of ["en", "zh-CN"]) {
      const html = await (await fetchPage("/auth/enroll", enrollCookie, lang))
        .text();
      secret = /data-testid="totp-secret">([A-Z2-7]+)</.exec(html)![1];
      await write(`${lang} enrolment with its QR code`, html);
    }
    const codeOf = (steps = 0) =>
      new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) })
        .generate({ timestamp: Date.now() + steps * 30_000 });
    const enrolled = await post("/auth/enroll", enrollCookie, {
      code: codeOf(),
    });
    assert.equal(enrolled.status, 200);
    const local = enrolled.headers.getSetCookie().find((c) =>
      c.startsWith("__Host-custodian_session=")
    )!.split(";")[0];
    await write("en recovery codes after enrolment", await enrolled.text());
    for (const lang of ["en", "zh-CN"]) {
      await write(
        `${lang} account page of a local account`,
        await (await fetchPage("/account", local, lang)).text(),
      );
      for (
        const [path, body] of [
          ["/account/time-zone", { timeZone: "Mars/Olympus_Mons" }],
          ["/account/recovery-codes", { password: "Not-The-Password-1" }],
          ["/account/authenticator", { password: localPassword }],
        ] as const
      ) {
        const res = await post(path, local, body, lang);
        assert.equal(res.status, 400, path);
        await write(`${lang} ${path} refused`, await res.text());
      }
    }
    const codes = await post("/account/recovery-codes", local, {
      password: localPassword,
    });
    assert.equal(codes.status, 200);
    await write("en new recovery codes", await codes.text());
    const started = await post("/account/authenticator", local, {
      password: localPassword,
      code: codeOf(1),
    });
    assert.equal(started.status, 303);
    for (const lang of ["en", "zh-CN"]) {
      await write(
        `${lang} new authenticator`,
        await (await fetchPage("/account/authenticator", local, lang)).text(),
      );
    }
    const wrong = await post("/account/authenticator/confirm", local, {
      code: "12345",
    });
    assert.equal(wrong.status, 400);
    await write("en new authenticator, a wrong code", await wrong.text());
    await write(
      "en account page, a notice",
      await (await fetchPage("/account?done=others_ended&count=2", local, "en"))
        .text(),
    );

    // The buyer-data reveal (a fragment, and the page without htmx).
    for (const hx of [true, false]) {
      const res = await s.app.request(`${ORIGIN}${orderPath}/reveal`, {
        method: "POST",
        headers: {
          cookie: owner.cookie,
          origin: ORIGIN,
          "content-type": "application/x-www-form-urlencoded",
          ...(hx ? { "hx-request": "true" } : {}),
        },
        body: "reason=Checking+the+page+is+valid+HTML",
      });
      assert.equal(res.status, 200);
      const html = await res.text();
      await write(
        `reveal ${hx ? "(htmx)" : "(page)"}`,
        hx ? asDocument(html) : html,
      );
    }
    // The restock settings refused, with an error on each field.
    for (const lang of ["en", "zh-CN"]) {
      const res = await post(`/stores/${connected}/restock`, owner.cookie, {
        leadTimeDays: "-1",
        coverDays: "2.5",
        alertDays: "",
      }, lang);
      assert.equal(res.status, 400);
      await write(`${lang} restock settings refused`, await res.text());
    }
    // Every GET route was visited (a new route must be added above).
    const gets = Object.keys(ROUTE_ACCESS).filter((k) =>
      k.startsWith("GET ")
    );
    assert.deepEqual([...covered].sort(), gets.sort());
    assert.ok(files.size > 60, `${files.size} documents checked`);

    const messages = await checkHtml([...files.keys()].map((f) => f.slice(5)));
    const errors = messages.filter((m) =>
      m.type === "error" || m.type === "non-document-error"
    );
    assert.deepEqual(
      errors.map((e) =>
        `${
          files.get(e.url ?? "") ?? e.url
        }:${e.lastLine}: ${e.message} [${e.extract?.trim()}]`
      ),
      [],
      "the Nu HTML Checker finds no error",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
