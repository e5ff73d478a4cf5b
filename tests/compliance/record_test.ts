// Issue #18: the record of processing is complete. Every column of every
// table that holds personal data (by name pattern or known table,
// lib/compliance/record.ts) is annotated in db/schema.ts, every annotation
// names a real column, and "encrypted" means sealed by the vault.
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { personalData } from "../../db/schema.ts";
import {
  catalogueColumns,
  holdsPersonalData,
  recordCoverageLine,
  recordProblems,
} from "../../lib/compliance/record.ts";
import { openTestApp } from "../_helpers/app.ts";
import { ownerOf, testEngine } from "../_helpers/test_db.ts";
import { ownerContext } from "./_context.ts";

Deno.test(`record (${testEngine}): every column holding personal data is annotated, and every annotation names a column`, async () => {
  await using s = await openTestApp();
  const ctx = await ownerContext(s);
  const columns = await s.t.db.asUser(ctx.principal, catalogueColumns);
  assert.ok(columns.length > 200, "the whole catalogue, not a part of it");
  assert.ok(
    columns.some((c) =>
      c.table === "local_credentials" &&
      c.column === "password_hash"
    ),
    "columns the runtime role may not read are listed too",
  );
  const problems = recordProblems(columns);
  assert.deepEqual(problems.missing, [], "columns without an annotation");
  assert.deepEqual(problems.unknown, [], "annotations of no column");
  assert.deepEqual(problems.mismatched, [], "encrypted means vault-sealed");
  // The live line says the same.
  const line = await recordCoverageLine.evaluate(ctx);
  assert.equal(line.status, "green");
});

Deno.test(`record (${testEngine}): a new personal column without an annotation, or a stale annotation, turns it red`, async () => {
  await using s = await openTestApp();
  const ctx = await ownerContext(s);
  await ownerOf(s.t.db).execute(
    sql`alter table stores add column contact_email text`,
  );
  const line = await recordCoverageLine.evaluate(ctx);
  assert.equal(line.status, "red");
  assert.equal(
    line.figures.find((f) => f.label === "unannotated_columns")?.value,
    "stores.contact_email",
  );
  const columns = await s.t.db.asUser(ctx.principal, catalogueColumns);
  const stale = recordProblems(columns, {
    ...personalData,
    staff_users: {
      ...personalData.staff_users,
      phone: personalData.staff_users.email,
    },
  });
  assert.deepEqual(stale.unknown, ["staff_users.phone"]);
  const unsealed = recordProblems(columns, {
    ...personalData,
    audit_events: {
      ...personalData.audit_events,
      ip: { ...personalData.audit_events.ip, stored: "encrypted" },
    },
  });
  assert.deepEqual(unsealed.mismatched, ["audit_events.ip"]);
});

Deno.test("record: the rule finds staff e-mails and names, IP addresses, requester and buyer data", () => {
  for (
    const [table, column] of [
      ["staff_users", "email"],
      ["staff_users", "display_name"],
      ["audit_events", "ip"],
      ["audit_events", "user_agent"],
      ["incident_reports", "reporter_email"],
      ["data_requests", "requester_name"],
      ["mail_outbox", "to_address"],
      ["buyer_pii", "payload_jwe"],
      ["orders", "buyer_email"],
    ]
  ) assert.ok(holdsPersonalData(table, column), `${table}.${column}`);
  for (
    const [table, column] of [
      ["orders", "amazon_order_id"],
      ["buyer_pii", "store_id"],
      ["products", "title"],
      ["stores", "name"],
      // A request's own bookkeeping is not about the requester.
      ["data_requests", "state"],
      ["data_requests", "due_at"],
    ]
  ) assert.ok(!holdsPersonalData(table, column), `${table}.${column}`);
});
