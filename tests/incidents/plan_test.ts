// The incident-response plan (Amazon: reviewed at least every 6 months): each
// publication is a new version, a review is recorded against the current
// one, and the next review falls due 6 months after the last; the dashboard
// summary warns when it is due or when there is no plan.
import assert from "node:assert/strict";
import { syncRoles } from "../../db/maintenance.ts";
import { staffUsers } from "../../db/schema.ts";
import {
  planState,
  publishPlan,
  recordPlanReview,
} from "../../lib/incidents/plan.ts";
import { incidentSummary } from "../../lib/incidents/summary.ts";
import { IncidentError } from "../../lib/incidents/model.ts";
import { ROLES } from "../../lib/security/permissions.ts";
import { loadPrincipal } from "../../lib/security/principal.ts";
import { openTestDatabase, ownerOf, testEngine } from "../_helpers/test_db.ts";

const T0 = new Date("2026-01-10T09:00:00Z");
const months = (n: number) => {
  const d = new Date(T0);
  d.setUTCMonth(d.getUTCMonth() + n);
  return d;
};

Deno.test(`response plan (${testEngine}): versions, reviews and the 6-month clock`, async () => {
  await using t = await openTestDatabase();
  await syncRoles(
    t.db,
    ROLES.map((r) => ({ ...r, permissions: [...r.permissions] })),
  );
  const [u] = await ownerOf(t.db).insert(staffUsers).values({
    email: "lead@example.test",
    displayName: "Incident Lead",
    kind: "sso",
    role: "admin",
    status: "active",
  }).returning();
  const admin = (await loadPrincipal(t.db, u.id, "session"))!;

  const none = await incidentSummary(t.db, admin, T0);
  assert.deepEqual(none?.plan, { dueAt: null, overdue: true, none: true });
  await assert.rejects(
    recordPlanReview(t.db, admin, { note: "Nothing to review" }, {}, T0),
    (e) => e instanceof IncidentError && e.code === "no_plan",
  );
  await assert.rejects(
    publishPlan(t.db, admin, { body: "too short" }, {}, T0),
    (e) => e instanceof IncidentError && e.code === "invalid",
  );

  assert.equal(
    await publishPlan(
      t.db,
      admin,
      {
        body: "Roles, kinds, procedures, escalation, contacts: version one.",
      },
      {},
      T0,
    ),
    1,
  );
  let s = await planState(t.db, admin, months(5));
  assert.equal(s.current?.version, 1);
  assert.deepEqual(s.dueAt, months(6));
  assert.equal(s.overdue, false);
  assert.equal((await planState(t.db, admin, months(7))).overdue, true);
  assert.equal(
    (await incidentSummary(t.db, admin, months(7)))?.plan.overdue,
    true,
  );

  await recordPlanReview(
    t.db,
    admin,
    {
      note: "Reviewed; contacts still right",
    },
    {},
    months(7),
  );
  s = await planState(t.db, admin, months(8));
  assert.deepEqual(s.dueAt, months(13));
  assert.equal(s.overdue, false);
  assert.equal(s.reviews[0].version, 1);

  assert.equal(
    await publishPlan(
      t.db,
      admin,
      {
        body: "Roles, kinds, procedures, escalation, contacts: version two.",
        note: "New escalation line",
      },
      {},
      months(8),
    ),
    2,
  );
  s = await planState(t.db, admin, months(8));
  assert.deepEqual(s.versions.map((v) => v.version), [2, 1]);
  assert.match(s.current!.body, /version two/);
  // An older version stays readable as it was.
  assert.match(
    (await planState(t.db, admin, months(8), 1)).current!.body,
    /version one/,
  );
});
