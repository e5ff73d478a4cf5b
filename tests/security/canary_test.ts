// Data Policy §6 and §7, proved with canaries: distinctive fake credentials
// go through every path the portal has — registration, authorization, token
// refresh, every page, every export, errors, a disconnection with archives —
// and then appear in no page, log line, database row, KV value or archive.
import { createBackup } from "../../lib/backup/backup.ts";
import {
  decodeBackupKey,
  generateBackupKey,
} from "../../lib/backup/container.ts";
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { openTestApp } from "../_helpers/app.ts";
import { makeStaff } from "../_helpers/staff.ts";
import { ownerOf, testEngine } from "../_helpers/test_db.ts";
import { rowsOf } from "../../db/client.ts";
import { registerStore } from "../../db/maintenance.ts";
import { startSandbox } from "../../sandbox/testing.ts";
import { createAccessTokens } from "../../lib/amazon/access_tokens.ts";
import { createLwaClient } from "../../lib/amazon/lwa.ts";
import { runDisconnection } from "../../lib/policy/disconnection.ts";
import { ROUTE_ACCESS } from "../../routes/route_access.ts";
import { createLogger } from "../../lib/log.ts";
import { DATASETS } from "../../lib/sync/datasets/mod.ts";
import { runSync } from "../../lib/sync/runner.ts";
import { scaledPlans, syncRunnerDeps } from "../_helpers/sync.ts";
import { truthRows } from "../_helpers/truth.ts";
import { listOutboxIn } from "../../lib/mail/outbox.ts";
import { asRequestsSystem } from "../../lib/requests/scope.ts";

const ORIGIN = "http://127.0.0.1:8000";
const CANARY_CLIENT_ID = "amzn1.application-oa2-client.CANARYclientid77";
const CANARY_SECRET = "amzn1.oa2-cs.v1.CANARYsecret77";

Deno.test(`canaries (${testEngine}): no credential appears in any page, export, log, row, KV value, archive or backup`, async () => {
  const sb = await startSandbox({
    stores: 1,
    orders: 40,
    days: 45,
    clientId: CANARY_CLIENT_ID,
    clientSecret: CANARY_SECRET,
    restrictedRole: true,
    timeScale: 2000,
    usagePlans: scaledPlans(2000),
    reportPollsToDone: 2,
  });
  const archiveDir = await Deno.makeTempDir();
  try {
    await using s = await openTestApp({
      PUBLIC_URL: ORIGIN,
      AMAZON_BASE_URL: sb.url,
    });
    const refreshToken = sb.sandbox.credentials(0).refreshToken;
    const canaries = [CANARY_CLIENT_ID, CANARY_SECRET, refreshToken];
    const owner = await makeStaff(s, "owner");
    const seen: string[] = [];
    const request = async (
      method: string,
      path: string,
      form?: Record<string, string>,
    ) => {
      const res = await s.app.request(`${ORIGIN}${path}`, {
        method,
        headers: {
          cookie: owner.cookie,
          origin: ORIGIN,
          ...(form
            ? { "content-type": "application/x-www-form-urlencoded" }
            : {}),
        },
        body: form ? new URLSearchParams(form).toString() : undefined,
      });
      seen.push(
        `${method} ${path} ${res.status}\n${
          [...res.headers].join("\n")
        }\n${await res.text()}`,
      );
      return res;
    };

    // Credentials go in through the pages.
    await request("POST", "/admin/amazon-apps", {
      api: "sp-api",
      name: "Custodian",
      clientId: CANARY_CLIENT_ID,
      clientSecret: CANARY_SECRET,
      secretIssuedAt: new Date().toISOString().slice(0, 10),
    });
    const [seller] = sb.sandbox.sellers;
    const storeId = await registerStore(s.t.db, {
      sellerId: seller.sellerId,
      region: seller.region,
      name: "Canary store",
      marketplaces: seller.marketplaceIds.map((id) => ({
        marketplaceId: id,
        countryCode: "US",
        defaultCurrency: "USD",
        domain: "amazon.com",
      })),
    });
    const [{ id: appId }] = rowsOf<{ id: string }>(
      await ownerOf(s.t.db).execute(sql`select id from amazon_apps`),
    );
    // A wrong paste (an error path), then the right one.
    await request("POST", `/stores/${storeId}/connect/self`, {
      appId,
      refreshToken: `${refreshToken}x`,
    });
    const connected = await request("POST", `/stores/${storeId}/connect/self`, {
      appId,
      refreshToken,
    });
    assert.equal(connected.status, 200);
    // Tokens are used the way a sync uses them.
    const tokens = createAccessTokens({
      db: s.t.db,
      kv: s.kv,
      vault: s.vault,
      lwa: createLwaClient({ tokenUrl: `${sb.url}/auth/o2/token` }),
    });
    const accessToken = await tokens.get(storeId, "sp-api");
    canaries.push(accessToken);

    // A full sync of every dataset, logging into the app's log lines.
    const syncDeps = syncRunnerDeps({
      db: s.t.db,
      kv: s.kv,
      vault: s.vault,
      log: createLogger({ level: "debug", sink: (l) => s.logs.push(l) }),
      sandboxUrl: sb.url,
      datasets: DATASETS,
      timeScale: 2000,
    });
    let lastRun = "";
    for (const d of DATASETS) {
      const out = await runSync(syncDeps, {
        storeId,
        dataset: d.name,
        trigger: "manual",
      });
      assert.ok(
        out.status === "succeeded",
        `${d.name}: ${JSON.stringify(out)}`,
      );
      lastRun = out.runId;
    }
    // Buyer data (restricted role) is personal data: it must stay sealed.
    const buyers = truthRows(seller).buyerPii.flatMap((p) =>
      [p.payload.email, p.payload.addressLine1].filter(
        (v): v is string => typeof v === "string" && v.length > 8,
      )
    );
    assert.ok(buyers.length > 0, "the sync fetched buyer data");
    const pii = rowsOf<{ n: number }>(
      await ownerOf(s.t.db).execute(
        sql`select count(*)::int as n from buyer_pii`,
      ),
    );
    assert.ok(pii[0].n > 0);

    // Every GET page, every export, a few errors.
    for (const route of Object.keys(ROUTE_ACCESS)) {
      const [method, pattern] = route.split(" ");
      if (method !== "GET" || pattern.startsWith("/auth/")) continue;
      if (pattern.includes("connect")) continue; // leaves the portal for Amazon
      await request(
        "GET",
        pattern.replace(":id", storeId).replace(":token", "0".repeat(64))
          .replace(":runId", lastRun),
      );
    }
    await request("GET", "/audit/export.csv");
    await request("GET", `/stores/${storeId}/nope`);
    await request("POST", "/admin/amazon-apps", {
      clientSecret: CANARY_SECRET,
    });

    // A data request about a synced order (issue #17): the public form, the
    // e-mailed link, staff's page with its match suggestion, an answer.
    // Every e-mail it causes is searched below, as the outbox renders it.
    const asked = truthRows(seller).buyerPii[0].amazonOrderId;
    await request("POST", "/request", {
      type: "question",
      name: "Canary Requester",
      email: "canary.requester@example.test",
      relationship: "buyer",
      orderId: asked,
      marketplace: seller.marketplaceIds[0],
      description: "What do you hold about this order?",
      website: "",
    });
    const verifyMail = (await asRequestsSystem(
      s.t.db,
      (tx) => listOutboxIn(tx),
    )).find((m) => m.template === "verify")!;
    const verifyPath = new URL(
      /http\S+\/request\/verify\/\S+/.exec(verifyMail.body)![0],
    ).pathname;
    await request("GET", verifyPath);
    await request("POST", verifyPath, {});
    await request("GET", `/requests/${verifyMail.requestId}`);
    await request("POST", `/requests/${verifyMail.requestId}/answer`, {
      template: "no_data",
      text: "",
    });
    await request("GET", "/requests/outbox");
    const mail = (await asRequestsSystem(s.t.db, (tx) => listOutboxIn(tx)))
      .map((m) => `${m.to}\n${m.subject}\n${m.body}`);
    assert.equal(mail.length, 3, "verify, received, answer");

    // KV as a sync leaves it (the access token is cached there, sealed).
    const kv: string[] = [];
    for await (const e of s.kv.list({ prefix: [] })) {
      kv.push(JSON.stringify({ key: e.key, value: e.value }));
    }

    // A disconnection that archives everything it may.
    await request("POST", `/stores/${storeId}/disconnect`, {
      catalog: "archive",
      inventory: "archive",
      orders: "archive",
      buyer_pii: "delete",
      sales_traffic: "archive",
      advertising: "archive",
      finance: "archive",
      brand_analytics: "archive",
      sync: "archive",
      api_logs: "keep",
      reason: "Canary run",
      confirm: "yes",
    });
    const [{ id: disconnectionId }] = rowsOf<{ id: string }>(
      await ownerOf(s.t.db).execute(sql`select id from store_disconnections`),
    );
    await runDisconnection(
      { db: s.t.db, kv: s.kv, vault: s.vault, archiveDir },
      storeId,
      disconnectionId,
    );

    // Now look everywhere.
    const tables = rowsOf<{ name: string }>(
      await ownerOf(s.t.db).execute(sql`select table_name as name
        from information_schema.tables where table_schema = 'public'`),
    ).map((r) => r.name);
    const database: string[] = [];
    for (const table of tables) {
      database.push(JSON.stringify(rowsOf(
        await ownerOf(s.t.db).execute(
          sql`select coalesce(json_agg(t), '[]') as rows from ${
            sql.identifier(table)
          } t`,
        ),
      )));
    }
    for await (const e of s.kv.list({ prefix: [] })) {
      kv.push(JSON.stringify({ key: e.key, value: e.value }));
    }
    const archives: string[] = [];
    for await (
      const e of Deno.readDir(`${archiveDir}/${storeId}/${disconnectionId}`)
    ) {
      archives.push(
        await Deno.readTextFile(
          `${archiveDir}/${storeId}/${disconnectionId}/${e.name}`,
        ),
      );
    }
    assert.ok(archives.length >= 5, "archives were written");
    // A backup of it all (deno task backup), as bytes.
    const backupFile = `${archiveDir}/canary.backup`;
    await createBackup({
      db: s.t.db,
      key: decodeBackupKey(generateBackupKey()),
    }, backupFile);
    const backups = [
      new TextDecoder("latin1").decode(await Deno.readFile(backupFile)),
    ];
    const places: Record<string, string[]> = {
      pages: seen,
      logs: s.logs,
      database,
      kv,
      archives,
      backups,
      mail,
    };
    for (const [where, texts] of Object.entries(places)) {
      for (const canary of canaries) {
        const hit = texts.find((t) => t.includes(canary));
        assert.equal(hit, undefined, `a credential leaked into ${where}`);
      }
      for (const value of buyers) {
        const hit = texts.find((t) => t.includes(value));
        assert.equal(hit, undefined, `buyer data leaked into ${where}`);
      }
    }
    assert.ok(seen.length > 15, "many pages were visited");
    // The search itself sees content: what is not secret is found.
    assert.ok(database.some((t) => t.includes("Canary store")));
    assert.ok(seen.some((t) => t.includes("Canary store")));
    assert.ok(kv.some((t) => t.includes("lwa_access")));
  } finally {
    await sb.close();
    await Deno.remove(archiveDir, { recursive: true });
  }
});
