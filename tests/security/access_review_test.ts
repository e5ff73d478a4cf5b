// Data Policy §5: the periodic access review. Lines for every role and
// grant with last use, the 90-day unused flag, revocations that take effect,
// no completion with open lines, and the due date after the interval.
import assert from "node:assert/strict";
import { and, asc, eq, gt } from "drizzle-orm";
import { openTestApp, type TestApp } from "../_helpers/app.ts";
import {
  makeStaff,
  makeStore,
  SESSION_POLICY,
  type TestStaff,
} from "../_helpers/staff.ts";
import { ownerOf, testEngine } from "../_helpers/test_db.ts";
import {
  accessReviewItems,
  accessReviews,
  auditEvents,
  staffUsers,
  storeGrants,
} from "../../db/schema.ts";
import {
  AccessReviewError,
  type AccessReviewErrorCode,
  completeReview,
  decideItem,
  listCompletedReviews,
  listReviewLines,
  reviewStatus,
  startReview,
  touchGrantUse,
} from "../../lib/security/access_review.ts";
import {
  loadPrincipal,
  type StaffPrincipal,
} from "../../lib/security/principal.ts";
import { readSession } from "../../lib/security/sessions.ts";
import { UserAdminError } from "../../lib/security/users.ts";

const DAY = 86_400_000;
const NOW = new Date("2026-06-18T08:00:00Z");
const daysAgo = (n: number) => new Date(NOW.getTime() - n * DAY);

async function principal(
  s: TestApp,
  staff: TestStaff,
): Promise<StaffPrincipal> {
  const p = await loadPrincipal(s.t.db, staff.id, staff.sessionId);
  assert.ok(p);
  return p;
}

async function refused(
  fn: () => Promise<unknown>,
  code: AccessReviewErrorCode,
): Promise<void> {
  await assert.rejects(fn, (err: unknown) => {
    assert.ok(err instanceof AccessReviewError, String(err));
    assert.equal(err.code, code);
    return true;
  });
}

async function setGrant(
  s: TestApp,
  userId: string,
  storeId: string,
  grantedAt: Date,
  lastUsedAt: Date | null,
) {
  await ownerOf(s.t.db).update(storeGrants).set({ grantedAt, lastUsedAt })
    .where(
      and(eq(storeGrants.userId, userId), eq(storeGrants.storeId, storeId)),
    );
}

/** Everyone created `days` ago, so the review cycle starts then. */
async function backdateStaff(s: TestApp, days: number) {
  await ownerOf(s.t.db).update(staffUsers).set({ createdAt: daysAgo(days) });
}

interface World {
  s: TestApp;
  a: string;
  b: string;
  reviewer: StaffPrincipal;
  fresh: TestStaff;
  stale: TestStaff;
  leaver: TestStaff;
}

async function world(s: TestApp): Promise<World> {
  const a = await makeStore(s, "Store A");
  const b = await makeStore(s, "Store B");
  const reviewer = await principal(
    s,
    await makeStaff(s, "admin", { email: "reviewer@example.test" }),
  );
  const fresh = await makeStaff(s, "operations", {
    email: "fresh@example.test",
    storeIds: [a],
  });
  const stale = await makeStaff(s, "finance", {
    email: "stale@example.test",
    storeIds: [a, b],
  });
  const leaver = await makeStaff(s, "viewer", {
    email: "leaver@example.test",
    storeIds: [b],
  });
  await makeStaff(s, "viewer", {
    email: "gone@example.test",
    status: "disabled",
    storeIds: [a],
  });
  await backdateStaff(s, 200);
  await ownerOf(s.t.db).update(staffUsers).set({ lastSeenAt: daysAgo(1) })
    .where(eq(staffUsers.id, fresh.id));
  // fresh uses A daily; stale used A 120 days ago and never used B (granted
  // 100 days ago); leaver's B was granted 10 days ago and not used yet.
  await setGrant(s, fresh.id, a, daysAgo(150), daysAgo(1));
  await setGrant(s, stale.id, a, daysAgo(150), daysAgo(120));
  await setGrant(s, stale.id, b, daysAgo(100), null);
  await setGrant(s, leaver.id, b, daysAgo(10), null);
  return { s, a, b, reviewer, fresh, stale, leaver };
}

Deno.test(`access review (${testEngine}): one line per user's role and per grant, with last use and the 90-day flag`, async () => {
  await using s = await openTestApp();
  const w = await world(s);
  const started = await startReview(s.t.db, w.reviewer, NOW, 90);
  // 4 users not disabled (reviewer, fresh, stale, leaver) + 4 grants.
  assert.equal(started.lines, 8);
  const lines = await listReviewLines(s.t.db, w.reviewer, started.reviewId);
  const view = lines.map((l) => [
    l.email,
    l.storeName ?? `role:${l.role}`,
    l.flaggedUnused,
  ]);
  assert.deepEqual(view, [
    ["fresh@example.test", "role:operations", false],
    ["fresh@example.test", "Store A", false],
    ["leaver@example.test", "role:viewer", true],
    ["leaver@example.test", "Store B", false],
    ["reviewer@example.test", "role:admin", true],
    ["stale@example.test", "role:finance", true],
    ["stale@example.test", "Store A", true],
    ["stale@example.test", "Store B", true],
  ]);
  const staleA = lines.find((l) =>
    l.email === "stale@example.test" && l.storeName === "Store A"
  )!;
  assert.equal(staleA.lastUsedAt?.toISOString(), daysAgo(120).toISOString());
  assert.equal(started.flagged, 5);
  assert.ok(lines.every((l) => l.decision === null));
  const [audit] = await ownerOf(s.t.db).select().from(auditEvents).where(
    eq(auditEvents.action, "access_review.start"),
  );
  assert.equal(audit.target, started.reviewId);
  assert.equal((audit.details as { lines: number }).lines, 8);
  await refused(
    () => startReview(s.t.db, w.reviewer, NOW, 90),
    "already_open",
  );
});

Deno.test(`access review (${testEngine}): revoking a grant line revokes the grant; revoking a role line disables the user at once`, async () => {
  await using s = await openTestApp();
  const w = await world(s);
  const { reviewId } = await startReview(s.t.db, w.reviewer, NOW, 90);
  const lines = await listReviewLines(s.t.db, w.reviewer, reviewId);
  const staleB = lines.find((l) =>
    l.email === "stale@example.test" && l.storeName === "Store B"
  )!;
  const leaverRole = lines.find((l) =>
    l.email === "leaver@example.test" && l.storeId === null
  )!;
  const r = await decideItem(s.t.db, s.kv, w.reviewer, staleB.id, "revoke", {
    now: NOW,
  });
  assert.equal(r.line.decision, "revoke");
  const staleGrants = await ownerOf(s.t.db).select().from(storeGrants).where(
    eq(storeGrants.userId, w.stale.id),
  );
  assert.deepEqual(staleGrants.map((g) => g.storeId), [w.a]);
  assert.deepEqual(
    (await loadPrincipal(s.t.db, w.stale.id, "x"))?.storeIds,
    [w.a],
  );

  await decideItem(s.t.db, s.kv, w.reviewer, leaverRole.id, "revoke");
  const [leaver] = await ownerOf(s.t.db).select().from(staffUsers).where(
    eq(staffUsers.id, w.leaver.id),
  );
  assert.equal(leaver.status, "disabled");
  assert.equal(
    await readSession(s.kv, SESSION_POLICY, w.leaver.sessionId),
    null,
  );
  const res = await s.app.request("/", {
    headers: { cookie: w.leaver.cookie },
  });
  assert.equal(res.status, 303);

  await refused(
    () => decideItem(s.t.db, s.kv, w.reviewer, staleB.id, "confirm"),
    "already_decided",
  );
  await refused(
    () => decideItem(s.t.db, s.kv, w.reviewer, 999_999, "confirm"),
    "not_found",
  );
  const actions = (await ownerOf(s.t.db).select().from(auditEvents).orderBy(
    asc(auditEvents.id),
  )).map((e) => e.action).filter((a) =>
    /^(grant|user|access_review)\./.test(a)
  );
  assert.deepEqual(actions, [
    "access_review.start",
    "grant.revoke",
    "access_review.decide",
    "user.disable",
    "access_review.decide",
  ]);
});

Deno.test(`access review (${testEngine}): the reviewer cannot revoke their own role line; nothing is recorded then`, async () => {
  await using s = await openTestApp();
  const w = await world(s);
  const { reviewId } = await startReview(s.t.db, w.reviewer, NOW, 90);
  const own = (await listReviewLines(s.t.db, w.reviewer, reviewId)).find((l) =>
    l.userId === w.reviewer.userId
  )!;
  await assert.rejects(
    () => decideItem(s.t.db, s.kv, w.reviewer, own.id, "revoke"),
    (err: unknown) => err instanceof UserAdminError && err.code === "self",
  );
  const [item] = await ownerOf(s.t.db).select().from(accessReviewItems).where(
    eq(accessReviewItems.id, own.id),
  );
  assert.equal(item.decision, null);
});

Deno.test(`access review (${testEngine}): cannot complete with undecided lines; completes once all are decided`, async () => {
  await using s = await openTestApp();
  const w = await world(s);
  const { reviewId } = await startReview(s.t.db, w.reviewer, NOW, 90);
  const lines = await listReviewLines(s.t.db, w.reviewer, reviewId);
  for (const l of lines.slice(1)) {
    await decideItem(s.t.db, s.kv, w.reviewer, l.id, "confirm");
  }
  await refused(() => completeReview(s.t.db, w.reviewer), "undecided_lines");
  const [open] = await ownerOf(s.t.db).select().from(accessReviews);
  assert.equal(open.completedAt, null);
  await decideItem(s.t.db, s.kv, w.reviewer, lines[0].id, "confirm");
  const done = await completeReview(s.t.db, w.reviewer, { now: NOW });
  assert.deepEqual(done, {
    reviewId,
    confirmed: lines.length,
    revoked: 0,
  });
  const history = await listCompletedReviews(s.t.db, w.reviewer);
  assert.equal(history.length, 1);
  assert.equal(history[0].completedBy, "reviewer@example.test");
  assert.equal(history[0].total, lines.length);
  assert.equal(history[0].flagged, 5);
  await refused(() => completeReview(s.t.db, w.reviewer), "no_open_review");
  const [event] = await ownerOf(s.t.db).select().from(auditEvents).where(
    eq(auditEvents.action, "access_review.complete"),
  );
  assert.equal(event.outcome, "success");
  assert.equal(event.actorId, w.reviewer.userId);
});

Deno.test(`access review (${testEngine}): the review is due an interval after the last one (or after the first account)`, async () => {
  await using s = await openTestApp();
  const reviewer = await principal(s, await makeStaff(s, "owner"));
  await backdateStaff(s, 30);
  let st = await reviewStatus(s.t.db, reviewer, NOW, 90);
  assert.equal(st.lastCompletedAt, null);
  assert.equal(st.openReview, null);
  assert.equal(st.dueAt.toISOString(), daysAgo(30 - 90).toISOString());
  assert.equal(st.due, false);
  assert.equal(st.remind, false);
  // 14 days before the due date the dashboard starts reminding.
  st = await reviewStatus(s.t.db, reviewer, daysAgo(-50), 90);
  assert.deepEqual([st.due, st.remind], [false, true]);
  st = await reviewStatus(s.t.db, reviewer, daysAgo(-60), 90);
  assert.deepEqual([st.due, st.remind], [true, true]);
  // A shorter interval from configuration is honoured.
  st = await reviewStatus(s.t.db, reviewer, NOW, 30);
  assert.equal(st.due, true);

  const later = daysAgo(-60);
  const { reviewId } = await startReview(s.t.db, reviewer, later, 90);
  st = await reviewStatus(s.t.db, reviewer, later, 90);
  assert.equal(st.openReview?.id, reviewId);
  assert.equal(st.openReview?.total, 1);
  assert.equal(st.openReview?.decided, 0);
  assert.equal(st.due, true, "still due until completed");
  for (const l of await listReviewLines(s.t.db, reviewer, reviewId)) {
    await decideItem(s.t.db, s.kv, reviewer, l.id, "confirm");
  }
  await completeReview(s.t.db, reviewer, { now: later });
  st = await reviewStatus(s.t.db, reviewer, later, 90);
  assert.equal(st.lastCompletedAt?.toISOString(), later.toISOString());
  assert.equal(
    st.dueAt.toISOString(),
    new Date(later.getTime() + 90 * DAY).toISOString(),
  );
  assert.deepEqual([st.due, st.remind, st.openReview], [false, false, null]);
  st = await reviewStatus(
    s.t.db,
    reviewer,
    new Date(later.getTime() + 91 * DAY),
    90,
  );
  assert.equal(st.due, true);
});

Deno.test(`access review (${testEngine}): only access.review may run it`, async () => {
  await using s = await openTestApp();
  const auditor = await principal(s, await makeStaff(s, "auditor"));
  await refused(() => reviewStatus(s.t.db, auditor, NOW, 90), "forbidden");
  await refused(() => startReview(s.t.db, auditor, NOW, 90), "forbidden");
  assert.equal(
    (await ownerOf(s.t.db).select().from(accessReviews)).length,
    0,
  );
  const denied = await ownerOf(s.t.db).select().from(auditEvents).where(
    eq(auditEvents.action, "access_review.start"),
  );
  assert.deepEqual(denied.map((e) => e.outcome), ["denied"]);
});

Deno.test(`access review (${testEngine}): a dry run of the start writes nothing`, async () => {
  await using s = await openTestApp();
  const w = await world(s);
  const before = await ownerOf(s.t.db).select().from(auditEvents);
  const dry = await startReview(s.t.db, w.reviewer, NOW, 90, { dryRun: true });
  assert.equal(dry.lines, 8);
  assert.equal(
    (await ownerOf(s.t.db).select().from(accessReviews)).length,
    0,
  );
  assert.equal(
    (await ownerOf(s.t.db).select().from(accessReviewItems)).length,
    0,
  );
  const after = await ownerOf(s.t.db).select().from(auditEvents).where(
    gt(auditEvents.id, before.reduce((m, e) => Math.max(m, e.id), 0)),
  );
  assert.deepEqual(after, []);
});

Deno.test(`access review (${testEngine}): touchGrantUse stamps last use of the user's grants once per day`, async () => {
  await using s = await openTestApp();
  const a = await makeStore(s, "Store A");
  const b = await makeStore(s, "Store B");
  const user = await makeStaff(s, "viewer", { storeIds: [a, b] });
  const other = await makeStaff(s, "viewer", { storeIds: [a] });
  const p = await principal(s, user);
  assert.equal(await touchGrantUse(s.t.db, s.kv, p, NOW), true);
  const lastUse = async (id: string) =>
    (await ownerOf(s.t.db).select().from(storeGrants).where(
      eq(storeGrants.userId, id),
    )).map((g) => g.lastUsedAt?.toISOString() ?? null);
  assert.deepEqual(await lastUse(user.id), [
    NOW.toISOString(),
    NOW.toISOString(),
  ]);
  assert.deepEqual(await lastUse(other.id), [null]);
  const [row] = await ownerOf(s.t.db).select().from(staffUsers).where(
    eq(staffUsers.id, user.id),
  );
  assert.equal(row.lastSeenAt?.toISOString(), NOW.toISOString());
  // Later the same day: throttled, nothing written.
  const sameDay = new Date(NOW.getTime() + 3_600_000);
  assert.equal(await touchGrantUse(s.t.db, s.kv, p, sameDay), false);
  assert.deepEqual(await lastUse(user.id), [
    NOW.toISOString(),
    NOW.toISOString(),
  ]);
  const nextDay = new Date(NOW.getTime() + DAY);
  assert.equal(await touchGrantUse(s.t.db, s.kv, p, nextDay), true);
  assert.deepEqual(await lastUse(user.id), [
    nextDay.toISOString(),
    nextDay.toISOString(),
  ]);
});
