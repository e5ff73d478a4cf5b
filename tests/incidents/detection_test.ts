// Issue #18, detection: each rule fires on its pattern and stays quiet below
// its threshold; a later run adds to the open incident of the same rule and
// subject instead of opening another, and events count once.
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { type Database, rowsOf } from "../../db/client.ts";
import { registerStore, syncRoles } from "../../db/maintenance.ts";
import { ROLES } from "../../lib/security/permissions.ts";
import { staffUsers } from "../../db/schema.ts";
import {
  type DetectionRule,
  networkOf,
  runDetection,
} from "../../lib/incidents/detection.ts";
import { openTestDatabase, ownerOf, testEngine } from "../_helpers/test_db.ts";

const NOW = new Date();
const ago = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);

async function user(db: Database, role: string): Promise<string> {
  await syncRoles(
    db,
    ROLES.map((r) => ({ ...r, permissions: [...r.permissions] })),
  );
  const [u] = await ownerOf(db).insert(staffUsers).values({
    email: `${crypto.randomUUID()}@example.test`,
    displayName: `Test ${role}`,
    kind: "sso",
    role,
    status: "active",
  }).returning();
  return u.id;
}

async function store(db: Database): Promise<string> {
  return await registerStore(db, {
    sellerId: `AFAKE${crypto.randomUUID().slice(0, 6).toUpperCase()}`,
    region: "NA",
    name: "Detect Store",
    marketplaces: [{
      marketplaceId: "ATVPDKIKX0DER",
      countryCode: "US",
      defaultCurrency: "USD",
      domain: "amazon.com",
    }],
  });
}

async function audit(
  db: Database,
  n: number,
  e: {
    action: string;
    actor?: string | null;
    outcome?: string;
    ip?: string | null;
    details?: Record<string, unknown>;
    minutesAgo?: number;
    storeId?: string | null;
  },
) {
  for (let k = 0; k < n; k++) {
    await ownerOf(db).execute(sql`insert into audit_events
      (actor_type, actor_id, action, outcome, ip, details, store_id, at)
      values ('staff', ${e.actor ?? null}, ${e.action},
        ${e.outcome ?? "success"}, ${e.ip ?? null},
        ${JSON.stringify(e.details ?? {})}::jsonb, ${e.storeId ?? null}::uuid,
        ${ago((e.minutesAgo ?? 5) + k * 0.01).toISOString()}::timestamptz)`);
  }
}

async function onlyRule(db: Database, rule: DetectionRule) {
  await ownerOf(db).execute(sql`update detection_rules
    set enabled = (rule = ${rule}), checked_to = null`);
}

async function opened(db: Database, rule: DetectionRule) {
  return rowsOf<{ id: string; events: number; severity: string }>(
    await ownerOf(db).execute(sql`select i.id::text as id, i.severity,
      (select count(*)::int from incident_events e
        where e.incident_id = i.id) as events
      from incidents i where i.rule = ${rule} order by i.ref`),
  );
}

/** Seeds `below` (threshold − 1) events, checks silence, adds one, checks it fires. */
async function firesAtThreshold(
  rule: DetectionRule,
  seed: (db: Database, n: number) => Promise<void>,
) {
  await using t = await openTestDatabase();
  await onlyRule(t.db, rule);
  const [{ threshold }] = rowsOf<{ threshold: number }>(
    await ownerOf(t.db).execute(sql`select threshold from detection_rules
      where rule = ${rule}`),
  );
  if (threshold > 1) {
    await seed(t.db, threshold - 1);
    const quiet = await runDetection(t.db, NOW);
    assert.deepEqual(quiet.map((r) => r.findings), [0], `${rule}: quiet`);
    assert.equal((await opened(t.db, rule)).length, 0);
    await ownerOf(t.db).execute(sql`update detection_rules
      set checked_to = null`);
  }
  await seed(t.db, 1);
  const fired = await runDetection(t.db, NOW);
  assert.deepEqual(fired.map((r) => r.findings), [1], `${rule}: fires`);
  const [incident] = await opened(t.db, rule);
  assert.ok(incident, `${rule}: an incident`);
  // The evidence links point into the portal.
  const [ev] = rowsOf<{ evidence: { href: string }[] }>(
    await ownerOf(t.db).execute(sql`select evidence from incident_events
      where incident_id = ${incident.id}::uuid`),
  );
  const links = typeof ev.evidence === "string"
    ? JSON.parse(ev.evidence)
    : ev.evidence;
  assert.ok(
    links.length > 0 &&
      links.every((l: { href: string }) => l.href.startsWith("/")),
  );
  // Nothing new: the next run adds nothing.
  const again = await runDetection(t.db, new Date(NOW.getTime() + 1000));
  assert.deepEqual(again.map((r) => r.findings), [0], `${rule}: counted once`);
  return { t, incident };
}

Deno.test(`detection (${testEngine}): many reveals or exports by one user`, async () => {
  let actor = "";
  const { incident } = await firesAtThreshold(
    "reveal_export_burst",
    async (db, n) => {
      actor ||= await user(db, "support");
      await audit(db, n, { action: "pii.reveal", actor });
    },
  );
  assert.equal(incident.severity, "high");
});

Deno.test(`detection (${testEngine}): a privileged sign-in from a new network, not from a known one`, async () => {
  await using t = await openTestDatabase();
  await onlyRule(t.db, "privileged_new_network");
  const admin = await user(t.db, "admin");
  const viewer = await user(t.db, "viewer");
  // Known network: signed in from 203.0.113.0/24 a month ago.
  await audit(t.db, 1, {
    action: "auth.signin.succeeded",
    actor: admin,
    ip: "203.0.113.7",
    minutesAgo: 30 * 24 * 60,
  });
  await audit(t.db, 1, {
    action: "auth.signin.succeeded",
    actor: admin,
    ip: "203.0.113.99",
  });
  // A viewer is not privileged.
  await audit(t.db, 1, {
    action: "auth.signin.succeeded",
    actor: viewer,
    ip: "198.51.100.5",
  });
  assert.deepEqual((await runDetection(t.db, NOW)).map((r) => r.findings), [
    0,
  ]);
  await audit(t.db, 1, {
    action: "auth.signin.succeeded",
    actor: admin,
    ip: "198.51.100.5",
    minutesAgo: -0.01,
  });
  assert.deepEqual(
    (await runDetection(t.db, new Date(NOW.getTime() + 1000))).map((r) =>
      r.findings
    ),
    [1],
  );
  assert.equal((await opened(t.db, "privileged_new_network")).length, 1);
});

Deno.test(`detection (${testEngine}): repeated sign-in failures from one address`, async () => {
  await firesAtThreshold("signin_failures", async (db, n) => {
    await audit(db, n, {
      action: "auth.signin.failed",
      outcome: "failure",
      ip: "192.0.2.10",
    });
  });
});

Deno.test(`detection (${testEngine}): a spike of 401/403 answers from Amazon`, async () => {
  let storeId = "";
  const { incident } = await firesAtThreshold(
    "amazon_auth_errors",
    async (db, n) => {
      storeId ||= await store(db);
      for (let k = 0; k < n; k++) {
        await ownerOf(db).execute(sql`insert into api_request_log
          (store_id, at, api, operation, http_status, latency_ms)
          values (${storeId}::uuid, ${ago(5).toISOString()}::timestamptz,
            'sp-api', 'getOrders', ${k % 2 ? 403 : 401}, 12)`);
      }
    },
  );
  assert.equal(incident.severity, "high");
});

Deno.test(`detection (${testEngine}): vault decryption failures`, async () => {
  await firesAtThreshold("vault_failures", async (db, n) => {
    await audit(db, n, {
      action: "vault.open.failed",
      outcome: "failure",
      details: { purpose: "buyer_pii" },
    });
  });
});

Deno.test(`detection (${testEngine}): exports tried while frozen; other refusals do not count`, async () => {
  let actor = "";
  await firesAtThreshold("frozen_export_attempts", async (db, n) => {
    actor ||= await user(db, "finance");
    // Rate-limited refusals are not frozen ones.
    await audit(db, 5, {
      action: "export.csv",
      outcome: "denied",
      actor,
      details: { refused: "rate_limited" },
    });
    await audit(db, n, {
      action: "export.csv",
      outcome: "denied",
      actor,
      details: { refused: "frozen" },
    });
  });
});

Deno.test(`detection (${testEngine}): a later burst adds to the open incident of the same subject`, async () => {
  await using t = await openTestDatabase();
  await onlyRule(t.db, "signin_failures");
  await ownerOf(t.db).execute(sql`update detection_rules set threshold = 2
    where rule = 'signin_failures'`);
  await audit(t.db, 2, {
    action: "auth.signin.failed",
    outcome: "failure",
    ip: "192.0.2.20",
    minutesAgo: 3,
  });
  await runDetection(t.db, NOW);
  await audit(t.db, 2, {
    action: "auth.signin.failed",
    outcome: "failure",
    ip: "192.0.2.20",
    minutesAgo: -0.5,
  });
  await runDetection(t.db, new Date(NOW.getTime() + 60_000));
  const rows = await opened(t.db, "signin_failures");
  assert.equal(rows.length, 1);
  assert.equal(rows[0].events, 2);
  // A disabled rule never runs.
  await ownerOf(t.db).execute(sql`update detection_rules set enabled = false`);
  assert.deepEqual(await runDetection(t.db, NOW), []);
});

Deno.test("detection: networks are /24 for IPv4 and /48 for IPv6", () => {
  assert.equal(networkOf("203.0.113.7"), "203.0.113.0/24");
  assert.equal(networkOf("2001:db8:1:2::5"), "2001:db8:1::/48");
});
