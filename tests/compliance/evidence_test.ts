// Issue #18: each evidence line turns red for a seeded violation of its
// promise and green when it is fixed, on the real database.
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { openTestApp } from "../_helpers/app.ts";
import { makeStaff, makeStore } from "../_helpers/staff.ts";
import { ownerOf, testEngine } from "../_helpers/test_db.ts";
import {
  accessReviewLine,
  auditChainLine,
  buyerDataLine,
  disconnectedCredentialsLine,
  logRetentionLine,
  officialAuthorizationLine,
  revealsExportsLine,
  sealedCredentialsLine,
  secretRotationLine,
} from "../../lib/compliance/evidence.ts";
import type {
  EvidenceContext,
  EvidenceProvider,
} from "../../lib/compliance/registry.ts";
import { purgeStore } from "../../lib/policy/purge.ts";
import { recordAudit } from "../../lib/security/audit.ts";
import { verifyAuditTrail } from "../../lib/security/auditor.ts";
import { rowsOf } from "../../db/client.ts";
import { takeAuditCheckpoint } from "../../lib/security/audit_checkpoint.ts";
import { createLogger } from "../../lib/log.ts";
import { createVault, generateVaultKey } from "../../lib/security/vault.ts";
import { ownerContext } from "./_context.ts";

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

async function status(p: EvidenceProvider, ctx: EvidenceContext) {
  const line = await p.evaluate(ctx);
  return `${line.status}:${line.reason}`;
}

/** An app and a store credential, sealed, written as the owner. */
async function credential(
  ctx: EvidenceContext,
  storeId: string,
  token: string | null,
  secretIssuedDaysAgo = 1,
) {
  const owner = ownerOf(ctx.db);
  const [app] = await owner.execute(sql`insert into amazon_apps
      (api, name, client_id_jwe, client_secret_jwe, secret_issued_at)
    values ('sp-api', ${"app-" + crypto.randomUUID()},
      ${await ctx.vault.seal("client-id", "lwa_client_id")},
      ${await ctx.vault.seal("client-secret", "lwa_client_secret")},
      ${ago(secretIssuedDaysAgo)}::timestamptz)
    returning id::text`).then((r) =>
    (r as unknown as { rows?: { id: string }[] }).rows ??
      (r as unknown as { id: string }[])
  );
  await owner.execute(sql`insert into store_credentials
      (store_id, api, app_id, refresh_token_jwe, method, issued_at)
    values (${storeId}::uuid, 'sp-api', ${app.id}::uuid,
      ${token ?? await ctx.vault.seal("refresh", "lwa_refresh_token")},
      'self', now())`);
  return app.id;
}

Deno.test(`evidence (${testEngine}): buyer data 40 days past delivery is red; the purge makes it green`, async () => {
  await using s = await openTestApp();
  const store = await makeStore(s, "Buyer Store");
  const ctx = await ownerContext(s);
  assert.equal(
    await status(buyerDataLine, ctx),
    "green:buyer_data_within_limit",
  );
  const owner = ownerOf(s.t.db);
  await owner.execute(sql`insert into orders (store_id, amazon_order_id,
      marketplace_id, status, fulfillment_channel, purchased_at,
      last_updated_at, delivered_at)
    values (${store}::uuid, '111-0000000-0000001', 'ATVPDKIKX0DER', 'Shipped',
      'AFN', ${ago(45)}::timestamptz, ${ago(40)}::timestamptz,
      ${ago(40)}::timestamptz)`);
  await owner.execute(sql`insert into buyer_pii (store_id, amazon_order_id,
      payload_jwe, purpose, collected_at, purge_after)
    values (${store}::uuid, '111-0000000-0000001',
      ${await s.vault.seal("{}", "buyer_pii")}, 'fulfillment',
      ${ago(45)}::timestamptz, ${ago(10)}::timestamptz)`);
  const red = await buyerDataLine.evaluate(ctx);
  assert.equal(red.status, "red");
  assert.equal(red.figures.find((f) => f.label === "rows_overdue")?.value, 1);
  assert.equal(red.link, "/retention");
  await purgeStore({ db: s.t.db, kv: s.kv }, store);
  assert.equal(
    await status(buyerDataLine, ctx),
    "green:buyer_data_within_limit",
  );
});

Deno.test(`evidence (${testEngine}): a buyer row whose purge date was set past delivery + 30 days is red all the same`, async () => {
  await using s = await openTestApp();
  const store = await makeStore(s, "Late Store");
  const ctx = await ownerContext(s);
  const owner = ownerOf(s.t.db);
  await owner.execute(sql`insert into orders (store_id, amazon_order_id,
      marketplace_id, status, fulfillment_channel, purchased_at,
      last_updated_at, delivered_at)
    values (${store}::uuid, '111-0000000-0000002', 'ATVPDKIKX0DER', 'Shipped',
      'AFN', ${ago(45)}::timestamptz, ${ago(40)}::timestamptz,
      ${ago(40)}::timestamptz)`);
  await owner.execute(sql`insert into buyer_pii (store_id, amazon_order_id,
      payload_jwe, purpose, collected_at, purge_after)
    values (${store}::uuid, '111-0000000-0000002',
      ${await s.vault.seal("{}", "buyer_pii")}, 'fulfillment',
      ${ago(45)}::timestamptz, ${
    new Date(Date.now() + 20 * DAY).toISOString()
  }::timestamptz)`);
  assert.equal(await status(buyerDataLine, ctx), "red:buyer_data_overdue");
  // A recorded legal basis keeps it lawfully: no longer a violation.
  await owner.execute(sql`insert into buyer_pii_extensions (store_id,
      amazon_order_id, basis, until, reason)
    values (${store}::uuid, '111-0000000-0000002', 'tax',
      ${new Date(Date.now() + 20 * DAY).toISOString()}::timestamptz,
      'tax audit of the quarter')`);
  assert.notEqual((await buyerDataLine.evaluate(ctx)).status, "red");
});

Deno.test(`evidence (${testEngine}): API logs purged under a 30-day rule are red for 90 days`, async () => {
  await using s = await openTestApp();
  const store = await makeStore(s, "Log Store");
  const ctx = await ownerContext(s);
  assert.equal(await status(logRetentionLine, ctx), "green:logs_kept");
  await ownerOf(s.t.db).execute(sql`insert into purge_records (store_id,
      category, table_name, rule_days, dry_run, rows_due, rows_deleted,
      status, started_at, finished_at)
    values (${store}::uuid, 'api_request_log', 'api_request_log', 30, false,
      5, 5, 'done', now(), now())`);
  assert.equal(await status(logRetentionLine, ctx), "red:logs_purged_early");
  const later = { ...ctx, now: new Date(Date.now() + 91 * DAY) };
  assert.equal(await status(logRetentionLine, later), "green:logs_kept");
});

Deno.test(`evidence (${testEngine}): a token stored without Amazon's authorization flow is red; its audited authorization makes it green`, async () => {
  await using s = await openTestApp();
  const store = await makeStore(s, "Auth Store");
  const ctx = await ownerContext(s);
  assert.equal(
    await status(officialAuthorizationLine, ctx),
    "green:official_only",
  );
  await ownerOf(s.t.db).execute(
    sql`update stores set status = 'connected' where id = ${store}::uuid`,
  );
  assert.equal(
    await status(officialAuthorizationLine, ctx),
    "red:unofficial_credentials",
    "connected without a credential",
  );
  await credential(ctx, store, null);
  assert.equal(
    await status(officialAuthorizationLine, ctx),
    "red:unofficial_credentials",
    "a hand-entered token",
  );
  await recordAudit(s.t.db, { userId: "", storeIds: [store] }, {
    actorType: "staff",
    actorId: ctx.principal.userId,
    action: "store.connect.self",
    storeId: store,
    outcome: "success",
  });
  assert.equal(
    await status(officialAuthorizationLine, ctx),
    "green:official_only",
  );
});

Deno.test(`evidence (${testEngine}): a plain credential is red, a retired key amber, all sealed green`, async () => {
  await using s = await openTestApp();
  const store = await makeStore(s, "Seal Store");
  const ctx = await ownerContext(s);
  assert.equal(await status(sealedCredentialsLine, ctx), "green:all_sealed");
  await credential(ctx, store, "not-a-sealed-value");
  const red = await sealedCredentialsLine.evaluate(ctx);
  assert.equal(red.status, "red");
  assert.equal(red.figures.find((f) => f.label === "plain_values")?.value, 1);
  await ownerOf(s.t.db).execute(sql`update store_credentials
    set refresh_token_jwe = ${await ctx.vault.seal("r", "lwa_refresh_token")}`);
  assert.equal(await status(sealedCredentialsLine, ctx), "green:all_sealed");
  // A new key in front of the ring: the old values wait for rotation.
  const ring = createVault([
    { kid: "next", key: generateVaultKey() },
    { kid: ctx.vault.activeKid, key: generateVaultKey() },
  ]);
  assert.equal(
    await status(sealedCredentialsLine, { ...ctx, vault: ring }),
    "amber:rotation_pending",
  );
  // A ring without the key the values were sealed under cannot open them.
  const lost = createVault([{ kid: "other", key: generateVaultKey() }]);
  assert.equal(
    await status(sealedCredentialsLine, { ...ctx, vault: lost }),
    "red:unknown_key",
  );
});

Deno.test(`evidence (${testEngine}): an LWA secret past 180 days is red, near it amber, rotated green`, async () => {
  await using s = await openTestApp();
  const store = await makeStore(s, "Rotate Store");
  const ctx = await ownerContext(s);
  assert.equal(await status(secretRotationLine, ctx), "green:no_secrets");
  const app = await credential(ctx, store, null, 200);
  assert.equal(await status(secretRotationLine, ctx), "red:secret_overdue");
  await ownerOf(s.t.db).execute(sql`update amazon_apps
    set secret_issued_at = ${ago(160)}::timestamptz where id = ${app}::uuid`);
  assert.equal(await status(secretRotationLine, ctx), "amber:secret_due_soon");
  await ownerOf(s.t.db).execute(sql`update amazon_apps
    set secret_issued_at = now() where id = ${app}::uuid`);
  assert.equal(await status(secretRotationLine, ctx), "green:secrets_current");
});

Deno.test(`evidence (${testEngine}): no access review for 120 days is red; a completed review makes it green`, async () => {
  await using s = await openTestApp();
  const ctx = await ownerContext(s);
  assert.equal(await status(accessReviewLine, ctx), "green:review_current");
  await ownerOf(s.t.db).execute(
    sql`update staff_users set created_at = ${ago(120)}::timestamptz`,
  );
  assert.equal(await status(accessReviewLine, ctx), "red:review_overdue");
  await ownerOf(s.t.db).execute(sql`insert into access_reviews
      (started_by, due_at, completed_at, completed_by)
    values (${ctx.principal.userId}::uuid, now(), now(),
      ${ctx.principal.userId}::uuid)`);
  assert.equal(await status(accessReviewLine, ctx), "green:review_current");
});

Deno.test(`evidence (${testEngine}): a reveal without a reason, or by a role without the permission, is red for 90 days`, async () => {
  await using s = await openTestApp();
  const store = await makeStore(s, "Reveal Store");
  const support = await makeStaff(s, "support", { storeIds: [store] });
  const viewer = await makeStaff(s, "viewer", { storeIds: [store] });
  const ctx = await ownerContext(s);
  const reveal = (actorId: string, reason?: string) =>
    recordAudit(s.t.db, { userId: "", storeIds: [store] }, {
      actorType: "staff",
      actorId,
      action: "pii.reveal",
      storeId: store,
      outcome: "success",
      details: reason ? { reason } : {},
    });
  await reveal(support.id, "customer asked for a replacement");
  assert.equal(
    await status(revealsExportsLine, ctx),
    "green:reveals_justified",
  );
  await reveal(viewer.id, "curious about the buyer");
  assert.equal(
    await status(revealsExportsLine, ctx),
    "red:reveal_without_permission",
  );
  await reveal(support.id);
  const red = await revealsExportsLine.evaluate(ctx);
  assert.equal(red.reason, "reveal_without_reason");
  assert.equal(red.figures.find((f) => f.label === "reveals")?.value, 3);
  const later = { ...ctx, now: new Date(Date.now() + 91 * DAY) };
  assert.equal(
    await status(revealsExportsLine, later),
    "green:reveals_justified",
  );
});

Deno.test(`evidence (${testEngine}): a tampered audit chain is red; restored, verified and checkpointed it is green`, async () => {
  await using s = await openTestApp();
  const ctx = await ownerContext(s);
  for (let i = 0; i < 3; i++) {
    await recordAudit(s.t.db, null, {
      actorType: "system",
      action: "test.event",
      outcome: "success",
      details: { i },
    });
  }
  assert.equal(await status(auditChainLine, ctx), "amber:no_checkpoint");
  const checkpoint = () =>
    takeAuditCheckpoint({
      db: s.t.db,
      kv: s.kv,
      vault: s.vault,
      log: createLogger({ level: "error", sink: () => {} }),
    });
  const verify = () =>
    verifyAuditTrail(s.t.db, ctx.principal, {}, { kv: s.kv, vault: s.vault });
  await checkpoint();
  assert.equal(
    await status(auditChainLine, ctx),
    "amber:full_verification_due",
  );
  await verify();
  assert.equal(await status(auditChainLine, ctx), "green:chain_intact");
  const later = { ...ctx, now: new Date(Date.now() + 8 * DAY) };
  assert.equal(
    await status(auditChainLine, later),
    "amber:full_verification_due",
    "a full verification vouches for 7 days",
  );

  const edit = (id: number, target: string | null) =>
    ownerOf(s.t.db).transaction(async (tx) => {
      await tx.execute(
        sql`alter table audit_events disable trigger audit_events_append_only`,
      );
      await tx.execute(
        sql`update audit_events set target = ${target} where id = ${id}`,
      );
      await tx.execute(
        sql`alter table audit_events enable trigger audit_events_append_only`,
      );
    });
  const ids = async () =>
    rowsOf<{ id: number }>(
      await ownerOf(s.t.db).execute(
        sql`select id::int as id from audit_events order by id`,
      ),
    ).map((r) => Number(r.id));
  // A row after the checkpoint: seen by the page itself.
  await recordAudit(s.t.db, null, {
    actorType: "system",
    action: "test.event",
    outcome: "success",
  });
  const last = (await ids()).at(-1)!;
  await edit(last, "rewritten");
  assert.equal(await status(auditChainLine, ctx), "red:chain_broken");
  await edit(last, null);
  assert.equal(await status(auditChainLine, ctx), "green:chain_intact");
  // A row before the checkpoint: found by the full verification, which
  // the page then shows.
  const first = (await ids())[0];
  await edit(first, "rewritten");
  await verify();
  assert.equal(await status(auditChainLine, ctx), "red:chain_broken");
  await edit(first, null);
  await verify();
  await checkpoint();
  assert.equal(await status(auditChainLine, ctx), "green:chain_intact");
});

Deno.test(`evidence (${testEngine}): a revoked store that keeps its token is red; deleting it makes it green`, async () => {
  await using s = await openTestApp();
  const store = await makeStore(s, "Revoked Store");
  const ctx = await ownerContext(s);
  await credential(ctx, store, null);
  assert.equal(
    await status(disconnectedCredentialsLine, ctx),
    "green:tokens_removed",
  );
  await ownerOf(s.t.db).execute(
    sql`update stores set status = 'revoked' where id = ${store}::uuid`,
  );
  assert.equal(
    await status(disconnectedCredentialsLine, ctx),
    "red:tokens_kept",
  );
  await ownerOf(s.t.db).execute(
    sql`delete from store_credentials where store_id = ${store}::uuid`,
  );
  assert.equal(
    await status(disconnectedCredentialsLine, ctx),
    "green:tokens_removed",
  );
});
