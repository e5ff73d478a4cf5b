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
import {
  adCampaigns,
  adKeywords,
  adTargets,
  orders,
  products,
  serviceProviders,
  settlements,
  stores,
  syncRuns,
} from "../../db/schema.ts";
import { upsertBuyerPii } from "../../lib/ingest/buyer_pii.ts";
import { saveApp } from "../../lib/amazon/credentials.ts";
import { startDisconnection } from "../../lib/policy/disconnection.ts";
import { seedDatabase } from "../../bench/seed.ts";
import { startReview } from "../../lib/security/access_review.ts";
import { loadPrincipal } from "../../lib/security/principal.ts";
import { reportIncident } from "../../lib/incidents/report.ts";
import { addNote } from "../../lib/incidents/records.ts";
import {
  issueFirstOwnerToken,
  issueSetupToken,
} from "../../lib/security/staff.ts";
import { ROUTE_ACCESS } from "../../routes/route_access.ts";
import { openTestApp } from "../_helpers/app.ts";
import { makeStaff, makeStore } from "../_helpers/staff.ts";
import { makeDataRequest } from "../_helpers/requests.ts";
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
  // An incident (issue #18) with a notice and a note, for its page.
  const incidentId = await reportIncident(
    s.t.db,
    withAll,
    {
      kind: "mistaken_export",
      what: "Sent an export to the wrong <person>",
      when: "",
      stores: [connected],
      data: ["orders"],
    },
    "UTC",
    {},
  );
  await addNote(s.t.db, withAll, incidentId, { note: "Checked" }, {});
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

  // A settlement of the connected store (the seed writes them).
  const [aSettlement] = await ownerOf(s.t.db).select().from(settlements)
    .where(eq(settlements.storeId, connected)).limit(1);
  // A service provider in the register (its review already overdue).
  const [provider] = await ownerOf(s.t.db).insert(serviceProviders).values({
    name: "Harbor <Mail>",
    service: "email",
    purpose: "Sends notices",
    dataCategories: ["requesters"],
    region: "Singapore",
    safeguards: ["encrypted_transmission"],
    hasAgreement: true,
    agreementSignedOn: "2025-01-01",
    reviewDueOn: "2026-01-01",
  }).returning({ id: serviceProviders.id });
  // An advertised campaign, keyword and target of the connected store.
  const [aCampaign] = await ownerOf(s.t.db).select().from(adCampaigns).where(
    eq(adCampaigns.storeId, connected),
  ).limit(1);
  const [aKeyword] = await ownerOf(s.t.db).select().from(adKeywords).where(
    eq(adKeywords.storeId, connected),
  ).limit(1);
  const [aTarget] = await ownerOf(s.t.db).select().from(adTargets).where(
    eq(adTargets.storeId, connected),
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
    ":settlementId": [aSettlement.settlementId],
    ":version": ["1"],
    ":kind": ["policy", "privacy", "terms"],
    ":providerId": [provider.id],
    ":campaignId": [aCampaign?.campaignId ?? "1"],
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
    "GET /finance.csv": "csv",
    "GET /finance/events.csv": "csv",
    "GET /ads.csv": "csv",
    "GET /ads/keywords.csv": "csv",
    "GET /request/status/:token/json": "json",
    "GET /profit.csv": "csv",
    "GET /incidents.csv": "csv",
    "GET /profit/costs/template.csv": "csv",
    "GET /profit/rates/template.csv": "csv",
  };
  // A data request (issue #17): its staff page, its links.
  const dataRequest = await makeDataRequest(s, ORIGIN);
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
    if (pattern.startsWith("/ads/keywords/:storeId/")) {
      paths = [`/ads/keywords/${connected}/${aKeyword?.keywordId ?? "1"}`];
    }
    if (pattern.startsWith("/ads/targets/:storeId/")) {
      paths = [`/ads/targets/${connected}/${aTarget?.targetId ?? "1"}`];
    }
    if (pattern === "/requests/:id") paths = [`/requests/${dataRequest.id}`];
    if (pattern === "/incidents/:id") paths = [`/incidents/${incidentId}`];
    if (pattern.includes(":token")) {
      // A first-owner link (an owner exists: refused) and a setup link.
      paths = pattern.startsWith("/auth/first-owner")
        ? [pattern.replace(":token", values[":token"][0])]
        : pattern === "/request/verify/:token"
        ? [dataRequest.verifyPath]
        : pattern === "/request/status/:token"
        ? [dataRequest.statusPath]
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
    { name: "settlements, a bad date", path: "/finance?from=2026-02-31" },
    { name: "settlements, none match", path: "/finance?currency=JPY" },
    {
      name: "financial events, filtered",
      path: "/finance/events?type=ShipmentEvent&dir=asc&size=100",
    },
    { name: "financial events, none match", path: "/finance/events?order=X" },
    { name: "providers, retired", path: "/providers?status=retired" },
    { name: "providers, a bad filter", path: "/providers?sort=nope" },
    { name: "documents, saved", path: "/documents?saved=company" },
    { name: "ads, by name, 7 days", path: "/ads?days=7&sort=name&size=100" },
    { name: "ads, none match", path: "/ads?q=NO-SUCH-CAMPAIGN" },
    { name: "ads, a bad period", path: "/ads?from=2026-02-31" },
    { name: "ads keywords, targets only", path: "/ads/keywords?kind=target" },
    { name: "ads keywords, none match", path: "/ads/keywords?q=NO-SUCH" },
    { name: "search terms, not bid on", path: "/ads/search-terms?bid=no" },
    { name: "requests, every state", path: "/requests?state=" },
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
      // The data-request form refused, each field's error beside it.
      const refused = await s.app.request(`${ORIGIN}/request`, {
        method: "POST",
        headers: {
          origin: ORIGIN,
          "accept-language": lang,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: "type=delete&email=nope&relationship=buyer&from=2026-02-31" +
          "&to=2026-01-01&website=",
      });
      assert.equal(refused.status, 400);
      await write(`${lang} /request refused`, await refused.text());
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
    // The documents' editor: a refused draft, a preview (the providers on
    // the privacy page's), refused company details and provider form.
    for (const lang of ["en", "zh-CN"]) {
      const refused = await post("/documents/policy/preview", owner.cookie, {
        base: "1",
        title: "",
        body: "",
        changeNote: "",
      }, lang);
      assert.equal(refused.status, 400);
      await write(`${lang} draft refused`, await refused.text());
      const preview = await post("/documents/privacy/preview", owner.cookie, {
        base: "1",
        title: "Privacy <Policy>",
        body:
          "Intro\n\n1. Who We Are\n\nThe <b>Company</b>.\nSecond line.\n\n- one\n- two",
        changeNote: "Checked",
      }, lang);
      assert.equal(preview.status, 200);
      await write(`${lang} privacy preview`, await preview.text());
      const company = await post("/documents/company", owner.cookie, {
        name: "",
        email: "nope",
        address: "",
      }, lang);
      assert.equal(company.status, 400);
      await write(`${lang} company details refused`, await company.text());
      const form = await post("/providers", owner.cookie, {
        name: "",
        reviewDueOn: "2026-02-31",
        hasAgreement: "yes",
      }, lang);
      assert.equal(form.status, 400);
      await write(`${lang} provider refused`, await form.text());
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
