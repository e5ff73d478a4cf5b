// Issue #17: the whole life of each request type through the real app, on
// both engines: intake → e-mail link → verification → staff match → scope
// → two approvals → execution (a buyer's personal data erased through the
// retention purge; a store disconnected), questions answered from
// templates, denials with DRP reasons, extensions, withdrawal, expiry of
// unverified requests, duplicates linked, and the audit trail of each step.
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { rowsOf } from "../../db/client.ts";
import { expireUnverified } from "../../lib/requests/expiry.ts";
import { asRequestsSystem } from "../../lib/requests/scope.ts";
import {
  form,
  get,
  openWorld,
  ORDER_ID,
  outbox,
  pathOf,
  requestCount,
  submission,
  type World,
} from "./_world.ts";

/** Submits, follows the verification link; returns the request's id and status path. */
async function submitAndVerify(
  w: World,
  fields: Record<string, string | string[]>,
  ip = "192.0.2.20",
): Promise<{ id: string; status: string }> {
  const before = (await outbox(w)).length;
  const res = await form(w.s, "/request", submission(fields), { ip });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get("location"), "/request/thanks");
  const mails = await outbox(w);
  assert.equal(mails.length, before + 1);
  const verify = mails.at(-1)!;
  assert.equal(verify.template, "verify");
  const link = pathOf(verify.params.link);
  assert.equal((await get(w.s, link)).status, 200);
  const done = await form(w.s, link, {});
  assert.equal(done.status, 200);
  const html = await done.text();
  const status = /href="(\/request\/status\/[^"]+)"/.exec(html)![1];
  return { id: verify.requestId, status };
}

async function staffPost(
  w: World,
  who: { cookie: string },
  id: string,
  step: string,
  fields: Record<string, string> = {},
) {
  return await form(w.s, `/requests/${id}/${step}`, fields, {
    cookie: who.cookie,
  });
}

async function audited(w: World, action: string): Promise<number> {
  const [r] = await w.s.t.db.asUser(
    { userId: "", storeIds: [], auditAll: true },
    async (tx) =>
      rowsOf<{ n: number }>(
        await tx.execute(sql`select count(*)::int as n from audit_events
          where action = ${action}`),
      ),
  );
  return r.n;
}

Deno.test("deletion: a buyer's request erases their personal data after a match, a confirmed scope and two different approvers", async () => {
  const w = await openWorld();
  try {
    const { id, status } = await submitAndVerify(w, {});
    const page = await get(w.s, `/requests/${id}`, { cookie: w.owner.cookie });
    assert.equal(page.status, 200);
    const html = await page.text();
    // The suggestion: the order in Acme, and the buyer e-mail matches.
    assert.match(
      html,
      /Order 111-2223334-4445556 in store Acme: buyer e-mail matches/,
    );
    assert.doesNotMatch(html, /Springfield/, "no other buyer data on the page");
    // Support staff (no requests.manage) cannot see it.
    assert.equal(
      (await get(w.s, `/requests/${id}`, { cookie: w.support.cookie })).status,
      403,
    );

    assert.equal(
      (await staffPost(w, w.owner, id, "match", {
        choice: `order:${w.storeId}`,
        evidence: "Order id and buyer e-mail match our records.",
      })).status,
      303,
    );
    // Approval before the scope is confirmed is refused.
    assert.equal((await staffPost(w, w.owner, id, "approve")).status, 409);
    assert.equal((await staffPost(w, w.owner, id, "scope")).status, 303);
    assert.equal((await staffPost(w, w.owner, id, "approve")).status, 303);
    // The same person cannot approve twice, nor execute with one approval.
    const again = await staffPost(w, w.owner, id, "approve");
    assert.equal(again.status, 409);
    assert.match(await again.text(), /a second, different person must approve/);
    assert.equal(
      (await staffPost(w, w.owner, id, "execute", { confirm: "yes" })).status,
      409,
    );
    assert.equal((await staffPost(w, w.admin, id, "approve")).status, 303);
    // Without the confirmation box nothing runs.
    assert.equal((await staffPost(w, w.admin, id, "execute")).status, 400);
    assert.equal(
      (await staffPost(w, w.admin, id, "execute", { confirm: "yes" })).status,
      303,
    );

    const [left] = await w.s.t.db.asJob(
      w.storeId,
      async (tx) =>
        rowsOf<{ n: number }>(
          await tx.execute(sql`select count(*)::int as n from buyer_pii
        where amazon_order_id = ${ORDER_ID}`),
        ),
    );
    assert.equal(left.n, 0, "the buyer's personal data is gone");
    const after = await (await get(w.s, `/requests/${id}`, {
      cookie: w.owner.cookie,
    })).text();
    assert.match(after, /data-state="completed"/);
    assert.match(after, /Completion record/);
    assert.match(after, /<td>buyer_pii<\/td><td class="num">1<\/td>/);

    // The requester sees it complete, as a page and as the DRP object.
    const mine = await (await get(w.s, status)).text();
    assert.match(mine, /Your request is complete/);
    const drp = await (await get(w.s, `${status}/json`)).json();
    assert.equal(drp.status, "fulfilled");
    assert.equal(typeof drp.request_id, "string");
    assert.ok(drp.received_at && drp.expected_by);
    const templates = (await outbox(w)).map((m) => m.template);
    assert.deepEqual(templates, ["verify", "received", "completed"]);
    for (
      const a of [
        "requests.intake",
        "requests.verify",
        "requests.view",
        "requests.match",
        "requests.scope.confirm",
        "requests.approve",
        "requests.execute",
        "requests.status.view",
      ]
    ) {
      assert.ok(await audited(w, a) > 0, `${a} audited`);
    }
  } finally {
    await w.s[Symbol.asyncDispose]();
  }
});

Deno.test("revocation: a seller's request disconnects their store once two approvers agree", async () => {
  const w = await openWorld();
  try {
    const { id } = await submitAndVerify(w, {
      type: "revoke",
      relationship: "seller",
      sellerId: w.sellerId,
      orderId: "",
      marketplace: "",
      email: "owner@acme.example",
    });
    const html = await (await get(w.s, `/requests/${id}`, {
      cookie: w.admin.cookie,
    })).text();
    assert.match(html, /Store Acme has this selling partner id/);
    await staffPost(w, w.admin, id, "match", {
      choice: `seller:${w.storeId}`,
      evidence: "Called the account owner back on the number on file.",
    });
    assert.equal((await staffPost(w, w.admin, id, "scope")).status, 303);
    await staffPost(w, w.admin, id, "approve");
    await staffPost(w, w.owner, id, "approve");
    assert.equal(
      (await staffPost(w, w.owner, id, "execute", { confirm: "yes" })).status,
      303,
    );
    assert.ok(
      w.s.messages.some((m) => m.type === "store.disconnect"),
      "the disconnection is queued",
    );
    const [store] = await w.s.t.db.asJob(
      w.storeId,
      async (tx) =>
        rowsOf<{ status: string }>(
          await tx.execute(sql`select status from stores`),
        ),
    );
    assert.equal(store.status, "disconnecting");
  } finally {
    await w.s[Symbol.asyncDispose]();
  }
});

Deno.test("question: answered from a template in the requester's language, and the request completes", async () => {
  const w = await openWorld();
  try {
    const { id, status } = await submitAndVerify(w, {
      type: "question",
      relationship: "other",
      orderId: "",
      marketplace: "",
      email: "curious@example.test",
      description: "How long do you keep order data?",
    });
    const res = await staffPost(w, w.owner, id, "answer", {
      template: "retention",
      text: "Ask again any time.",
    });
    assert.equal(res.status, 303);
    const mine = await (await get(w.s, status)).text();
    assert.match(mine, /buyer personal data at most 30 days/);
    assert.match(mine, /Ask again any time\./);
    const answer = (await outbox(w)).at(-1)!;
    assert.equal(answer.template, "answer");
    assert.match(answer.params.answer, /30 days/);
  } finally {
    await w.s[Symbol.asyncDispose]();
  }
});

Deno.test("security report and other requests: denial with a DRP reason, extension with notice, hold and resume, withdrawal", async () => {
  const w = await openWorld();
  try {
    const sec = await submitAndVerify(w, {
      type: "security",
      relationship: "other",
      orderId: "",
      marketplace: "",
      email: "finder@example.test",
      description: "Your login page leaks a version header.",
    }, "192.0.2.31");
    assert.equal(
      (await staffPost(w, w.owner, sec.id, "hold", {
        reason: "Waiting for the security team",
      })).status,
      303,
    );
    assert.equal(
      (await staffPost(w, w.owner, sec.id, "resume", {
        reason: "Team is on it",
      })).status,
      303,
    );
    const due = new Date(Date.now() + 45 * 86_400_000).toISOString().slice(
      0,
      10,
    );
    assert.equal(
      (await staffPost(w, w.owner, sec.id, "extend", {
        due,
        reason: "The analysis needs a vendor's answer.",
      })).status,
      303,
    );
    const ext = (await outbox(w)).at(-1)!;
    assert.equal(ext.template, "extended");
    assert.equal(ext.params.due, due);
    // An extension past 90 days from receipt is refused beside its field.
    const far = new Date(Date.now() + 200 * 86_400_000).toISOString().slice(
      0,
      10,
    );
    const bad = await staffPost(w, w.owner, sec.id, "extend", {
      due: far,
      reason: "Too far away now.",
    });
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /id="due-error"/);
    assert.equal(
      (await staffPost(w, w.owner, sec.id, "answer", {
        template: "security_thanks",
        text: "",
      })).status,
      303,
    );

    const other = await submitAndVerify(w, {
      type: "other",
      relationship: "business",
      orderId: "",
      marketplace: "",
      email: "partner@example.test",
      description: "Please send me all invoices of 2019.",
    }, "192.0.2.32");
    const denied = await staffPost(w, w.owner, other.id, "deny", {
      code: "claim_not_covered",
      explanation: "Invoices are not personal data we hold about you.",
    });
    assert.equal(denied.status, 303);
    const drp = await (await get(w.s, `${other.status}/json`)).json();
    assert.equal(drp.status, "denied");
    assert.equal(drp.reason, "claim_not_covered");
    // A closed request takes no more steps.
    assert.equal(
      (await staffPost(w, w.owner, other.id, "deny", {
        code: "other",
        explanation: "Second denial attempt.",
      })).status,
      409,
    );

    const wd = await submitAndVerify(w, {
      type: "question",
      relationship: "other",
      orderId: "",
      marketplace: "",
      email: "changed.mind@example.test",
      description: "Never mind.",
    }, "192.0.2.33");
    const res = await form(w.s, `${wd.status}/withdraw`, { confirm: "yes" });
    assert.equal(res.status, 303);
    const drp2 = await (await get(w.s, `${wd.status}/json`)).json();
    assert.equal(drp2.status, "revoked");
    assert.equal((await outbox(w)).at(-1)!.template, "withdrawn");
  } finally {
    await w.s[Symbol.asyncDispose]();
  }
});

Deno.test("unverified requests expire after 7 days; duplicates are linked to the first", async () => {
  const w = await openWorld();
  try {
    await form(w.s, "/request", submission(), { ip: "192.0.2.41" });
    await form(w.s, "/request", submission(), { ip: "192.0.2.42" });
    assert.equal(await requestCount(w), 2);
    const rows = await asRequestsSystem(
      w.s.t.db,
      async (tx) =>
        rowsOf<{ id: string; duplicate_of: string | null }>(
          await tx.execute(sql`select id::text, duplicate_of::text
          from data_requests order by received_at`),
        ),
    );
    assert.equal(rows[0].duplicate_of, null);
    assert.equal(rows[1].duplicate_of, rows[0].id);
    const page = await (await get(w.s, `/requests/${rows[1].id}`, {
      cookie: w.owner.cookie,
    })).text();
    assert.match(page, /Duplicate of DR-/);

    // The dashboard counts them against their due dates (requests.manage).
    const dash = await (await get(w.s, "/", { cookie: w.owner.cookie }))
      .text();
    assert.match(dash, /id="data-requests"/);
    assert.match(dash, /2 open, 0 overdue, 0 due within 7 days/);
    const other = await (await get(w.s, "/", { cookie: w.support.cookie }))
      .text();
    assert.doesNotMatch(other, /id="data-requests"/);

    assert.equal(await expireUnverified(w.s.t.db, new Date()), 0);
    const later = new Date(Date.now() + 7 * 86_400_000 + 60_000);
    assert.equal(await expireUnverified(w.s.t.db, later), 2);
    const mail = (await outbox(w)).find((m) => m.template === "verify")!;
    // The link of an expired request no longer works.
    const res = await form(w.s, pathOf(mail.params.link), {});
    assert.equal(res.status, 410);
  } finally {
    await w.s[Symbol.asyncDispose]();
  }
});
