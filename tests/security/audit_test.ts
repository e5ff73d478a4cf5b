// Data Policy §8 and §12: the audit trail is append-only, hash-chained,
// isolated by store, redacted, and exported without formula injection.
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import {
  type Database,
  dbErrorMessage,
  type Principal,
  rowsOf,
} from "../../db/client.ts";
import { registerStore } from "../../db/maintenance.ts";
import { auditEvents } from "../../db/schema.ts";
import {
  auditCsv,
  type AuditEventInput,
  type AuditRow,
  listAudit,
  recordAudit,
  recordAuditInTx,
  streamAudit,
  verifyAuditChain,
} from "../../lib/security/audit.ts";
import { openTestDatabase, ownerOf, testEngine } from "../_helpers/test_db.ts";

const USER_A = "00000000-0000-4000-8000-00000000000a";
const USER_B = "00000000-0000-4000-8000-00000000000b";
const AUDITOR = "00000000-0000-4000-8000-0000000000ad";

interface World {
  db: Database;
  storeA: string;
  storeB: string;
  a: Principal;
  b: Principal;
  auditor: Principal;
}

async function makeWorld(db: Database): Promise<World> {
  const store = (n: number) =>
    registerStore(db, {
      sellerId: `AFAKESELLER${n}`,
      region: "NA",
      name: `Store ${n}`,
      marketplaces: [],
    });
  const storeA = await store(1);
  const storeB = await store(2);
  return {
    db,
    storeA,
    storeB,
    a: { userId: USER_A, storeIds: [storeA] },
    b: { userId: USER_B, storeIds: [storeB] },
    auditor: { userId: AUDITOR, storeIds: [storeA, storeB], auditAll: true },
  };
}

const event = (
  action: string,
  more: Partial<AuditEventInput> = {},
): AuditEventInput => ({
  actorType: "staff",
  action,
  outcome: "success",
  ...more,
});

/** Five events of two stores and none, through three principals. */
async function appendFive(w: World): Promise<number[]> {
  return [
    await recordAudit(w.db, null, event("auth.signin.failed")),
    await recordAudit(
      w.db,
      w.a,
      event("pii.reveal", { storeId: w.storeA, actorId: USER_A }),
    ),
    await recordAudit(
      w.db,
      w.b,
      event("export.csv", { storeId: w.storeB, details: { n: 1 } }),
    ),
    await recordAudit(w.db, w.a, event("grant.revoke", { target: USER_B })),
    await recordAudit(
      w.db,
      w.b,
      event("pii.reveal", { storeId: w.storeB, details: { n: 2 } }),
    ),
  ];
}

interface ChainRow {
  id: number;
  hash: string | null;
  prev_hash: string | null;
}

async function chainOf(db: Database): Promise<ChainRow[]> {
  return rowsOf<ChainRow>(
    await ownerOf(db).execute(
      sql`select id::int as id, hash, prev_hash from audit_events order by id`,
    ),
  ).map((r) => ({ ...r, id: Number(r.id) }));
}

async function countEvents(db: Database): Promise<number> {
  const [{ n }] = rowsOf<{ n: number }>(
    await ownerOf(db).execute(sql`select count(*)::int as n from audit_events`),
  );
  return Number(n);
}

type Statement = ReturnType<typeof sql>;

/** Runs `statements` as owner with the append-only trigger off (tests only). */
async function tamper(db: Database, statements: Statement[]) {
  await ownerOf(db).transaction(async (tx) => {
    await tx.execute(
      sql`alter table audit_events disable trigger audit_events_append_only`,
    );
    for (const statement of statements) await tx.execute(statement);
    await tx.execute(
      sql`alter table audit_events enable trigger audit_events_append_only`,
    );
  });
}

function assertLinked(rows: ChainRow[]) {
  assert.equal(rows[0].prev_hash, null, "the first event has no predecessor");
  for (let i = 0; i < rows.length; i++) {
    assert.match(rows[i].hash ?? "", /^[0-9a-f]{64}$/);
    if (i > 0) {
      assert.equal(
        rows[i].prev_hash,
        rows[i - 1].hash,
        `link to ${rows[i].id}`,
      );
    }
  }
}

Deno.test(`audit (${testEngine}): appended events form one chain that verifies`, async () => {
  await using t = await openTestDatabase();
  const w = await makeWorld(t.db);
  assert.deepEqual(await verifyAuditChain(t.db, w.auditor), {
    checked: 0,
    firstBrokenId: null,
    reason: null,
  });
  const ids = await appendFive(w);
  assert.deepEqual(ids, [...ids].sort((x, y) => x - y), "ids rise");
  const rows = await chainOf(t.db);
  assert.deepEqual(rows.map((r) => r.id), ids);
  assertLinked(rows);
  assert.deepEqual(await verifyAuditChain(t.db, w.auditor), {
    checked: 5,
    firstBrokenId: null,
    reason: null,
  });
});

Deno.test(`audit (${testEngine}): 50 concurrent appends through several principals still form one chain`, async () => {
  await using t = await openTestDatabase();
  const w = await makeWorld(t.db);
  const writers: [Principal | null, string | null][] = [
    [w.a, w.storeA],
    [w.b, w.storeB],
    [null, null],
    [w.auditor, w.storeB],
    [w.a, null],
  ];
  const ids = await Promise.all(
    Array.from({ length: 50 }, (_, i) => {
      const [scope, storeId] = writers[i % writers.length];
      // Half of them append inside a transaction that keeps working after
      // the append, so the lock is held across other statements.
      if (i % 2 === 0) {
        return recordAudit(t.db, scope, event("sync.run", { storeId }));
      }
      return t.db.asUser(scope ?? { userId: "", storeIds: [] }, async (tx) => {
        const id = await recordAuditInTx(
          tx,
          event("sync.run", { storeId, details: { i } }),
        );
        await tx.execute(sql`select count(*) from stores`);
        return id;
      });
    }),
  );
  assert.equal(new Set(ids).size, 50);
  const rows = await chainOf(t.db);
  assert.equal(rows.length, 50);
  assertLinked(rows);
  const times = rowsOf<{ ok: boolean }>(
    await ownerOf(t.db).execute(sql`
      select bool_and(at >= lag_at) as ok from (
        select at, lag(at) over (order by id) as lag_at from audit_events
      ) x where lag_at is not null`),
  );
  assert.equal(times[0].ok, true, "time rises with the id");
  assert.deepEqual(await verifyAuditChain(t.db, w.auditor), {
    checked: 50,
    firstBrokenId: null,
    reason: null,
  });
});

Deno.test(`audit (${testEngine}): a rolled-back append leaves the chain valid`, async () => {
  await using t = await openTestDatabase();
  const w = await makeWorld(t.db);
  await recordAudit(t.db, w.a, event("auth.signin.succeeded"));
  await assert.rejects(
    t.db.asUser(w.a, async (tx) => {
      await recordAuditInTx(tx, event("grant.revoke", { storeId: w.storeA }));
      throw new Error("the action failed");
    }),
    /the action failed/,
  );
  await recordAudit(t.db, w.a, event("auth.signout"));
  assert.equal(
    await countEvents(t.db),
    2,
    "the audit row went with its action",
  );
  assertLinked(await chainOf(t.db));
  assert.equal((await verifyAuditChain(t.db, w.auditor)).firstBrokenId, null);
});

const columns = sql.raw(
  `actor_type, actor_id, action, target, store_id, outcome, ip, user_agent,
   request_id, details, prev_hash, hash, at`,
);

const tamperings: {
  name: string;
  change: (ids: number[]) => Statement[];
  broken: (ids: number[]) => number | null;
  reason: string | null;
}[] = [
  {
    name: "one byte of a row's details changed",
    change: (ids) => [
      sql`update audit_events set details = '{"n": 3}' where id = ${ids[2]}`,
    ],
    broken: (ids) => ids[2],
    reason: "hash mismatch",
  },
  {
    name: "one byte of a row's action changed",
    change: (ids) => [
      sql`update audit_events set action = 'pii.reveax' where id = ${ids[1]}`,
    ],
    broken: (ids) => ids[1],
    reason: "hash mismatch",
  },
  {
    name: "a row changed and its own hash recomputed",
    // As an owner-level attacker would: the row's own hash is made to fit.
    change: (ids) => [
      sql`update audit_events set outcome = 'failure' where id = ${ids[2]}`,
      sql`update audit_events e set hash = audit_hash(e) where id = ${ids[2]}`,
    ],
    broken: (ids) => ids[3],
    reason: "broken link",
  },
  {
    name: "a middle row deleted",
    change: (ids) => [sql`delete from audit_events where id = ${ids[2]}`],
    broken: (ids) => ids[3],
    reason: "broken link",
  },
  {
    name: "two rows' contents swapped",
    change: (ids) => [
      sql`update audit_events a set (${columns}) = (
            select ${columns} from audit_events b where b.id = case a.id
              when ${ids[1]} then ${ids[3]}::bigint else ${ids[1]}::bigint end)
          where a.id in (${ids[1]}, ${ids[3]})`,
    ],
    broken: (ids) => ids[1],
    reason: "hash mismatch",
  },
  {
    // Only the retention purge may cut the front, and it leaves an anchor
    // (audit_purge); a cut without one is tampering.
    name: "the oldest rows deleted without the purge's anchor",
    change: (ids) => [sql`delete from audit_events where id <= ${ids[1]}`],
    broken: (ids) => ids[2],
    reason: "broken anchor",
  },
];

for (const c of tamperings) {
  Deno.test(`audit (${testEngine}): verify names the first broken row when ${c.name}`, async () => {
    await using t = await openTestDatabase();
    const w = await makeWorld(t.db);
    const ids = await appendFive(w);
    await recordAudit(t.db, null, event("auth.signout"));
    await tamper(t.db, c.change(ids));
    const report = await verifyAuditChain(t.db, w.auditor);
    assert.equal(report.firstBrokenId, c.broken(ids));
    assert.equal(report.reason, c.reason);
  });
}

Deno.test(`audit (${testEngine}): a principal cannot append an event for a store it does not hold`, async () => {
  await using t = await openTestDatabase();
  const w = await makeWorld(t.db);
  await recordAudit(t.db, w.a, event("pii.reveal", { storeId: w.storeA }));
  for (
    const [scope, storeId] of [
      [w.a, w.storeB],
      [w.b, w.storeA],
      [null, w.storeA],
    ] as const
  ) {
    await assert.rejects(
      recordAudit(t.db, scope, event("pii.reveal", { storeId })),
      (err) => /not in the principal's stores/.test(dbErrorMessage(err)),
    );
  }
  // A direct INSERT is refused: events are appended through audit_append.
  await assert.rejects(
    t.db.asUser(w.a, (tx) =>
      tx.insert(auditEvents).values({
        actorType: "staff",
        action: "pii.reveal",
        outcome: "success",
        storeId: w.storeB,
      })),
    (err) => /permission denied/.test(dbErrorMessage(err)),
  );
  assert.equal(await countEvents(t.db), 1, "nothing was written");
  // Owner-level code (migrations, maintenance) may write any store.
  await ownerOf(t.db).execute(sql`select audit_append('system', 'purge',
    'retention.purge', null, ${w.storeB}::uuid, 'success', null, null, null,
    '{}'::jsonb)`);
  assert.equal(await countEvents(t.db), 2);
  assert.equal((await verifyAuditChain(t.db, w.auditor)).firstBrokenId, null);
});

Deno.test(`audit (${testEngine}): the app role cannot insert audit rows directly; audit_append chains them with the server's time`, async () => {
  await using t = await openTestDatabase();
  const w = await makeWorld(t.db);
  await recordAudit(t.db, w.a, event("auth.signin.succeeded"));
  const before = new Date();
  await assert.rejects(
    t.db.asUser(w.a, (tx) =>
      tx.insert(auditEvents).values({
        actorType: "staff",
        action: "auth.signout",
        outcome: "success",
        at: new Date("2020-01-01T00:00:00Z"),
        hash: "forged",
        prevHash: "forged",
      })),
    (err) => /permission denied/.test(dbErrorMessage(err)),
  );
  assert.equal(await countEvents(t.db), 1, "nothing was written");
  await recordAudit(t.db, w.a, event("auth.signout"));
  const rows = await chainOf(t.db);
  assertLinked(rows);
  const [last] = await t.db.asUser(
    w.auditor,
    (tx) => tx.select().from(auditEvents).where(sql`id = ${rows[1].id}`),
  );
  assert.ok(
    last.at.getTime() >= before.getTime() - 1000,
    "time is the server's",
  );
  assert.equal((await verifyAuditChain(t.db, w.auditor)).firstBrokenId, null);
});

Deno.test(`audit (${testEngine}): a principal sees its stores' and storeless events; an auditor sees all`, async () => {
  await using t = await openTestDatabase();
  const w = await makeWorld(t.db);
  const ids = await appendFive(w);
  const seen = async (p: Principal, storeId?: string) =>
    (await listAudit(t.db, p, { storeId }, { limit: 100 })).rows.map((r) =>
      r.id
    ).sort((x, y) => x - y);
  assert.deepEqual(await seen(w.a), [ids[0], ids[1], ids[3]]);
  assert.deepEqual(await seen(w.b), [ids[0], ids[2], ids[3], ids[4]]);
  assert.deepEqual(await seen(w.auditor), ids);
  assert.deepEqual(await seen(w.a, w.storeB), [], "denied is an empty list");
  const stranger = { userId: USER_B, storeIds: [] };
  assert.deepEqual(await seen(stranger), [ids[0], ids[3]]);
  // Verifying the trail is for auditors only.
  await assert.rejects(
    verifyAuditChain(t.db, w.a),
    (err) => /needs audit\.read/.test(dbErrorMessage(err)),
  );
});

Deno.test(`audit (${testEngine}): details, target and user agent are redacted before they are stored`, async () => {
  await using t = await openTestDatabase();
  const w = await makeWorld(t.db);
  const canary = "Atzr|FAKE-canary-0123456789";
  const id = await recordAudit(
    t.db,
    w.a,
    event("store.connect", {
      storeId: w.storeA,
      target: `/stores/connect?token=${canary}`,
      userAgent: `agent ${canary}`,
      details: {
        refresh_token: "Atzr|FAKE-canary",
        nested: { note: `got ${canary} back`, list: [canary] },
        status: 400,
      },
    }),
  );
  const [hits] = rowsOf<{ n: number }>(
    await ownerOf(t.db).execute(sql`select count(*)::int as n from audit_events
      where (audit_events.*)::text like '%FAKE-canary%'`),
  );
  assert.equal(Number(hits.n), 0);
  const { rows } = await listAudit(t.db, w.a, {}, { limit: 10 });
  assert.equal(rows[0].id, id);
  assert.deepEqual(rows[0].details, {
    refresh_token: "[redacted]",
    nested: { note: "got [redacted] back", list: ["[redacted]"] },
    status: 400,
  });
});

Deno.test(`audit (${testEngine}): an action that is not a dotted verb is refused before the database`, async () => {
  await using t = await openTestDatabase();
  const w = await makeWorld(t.db);
  for (const action of ["signin", "Auth.signin", "auth..x", "auth.sign in"]) {
    await assert.rejects(recordAudit(t.db, w.a, event(action)));
  }
  assert.equal(await countEvents(t.db), 0);
});

Deno.test(`audit (${testEngine}): the app role cannot update or delete audit events`, async () => {
  await using t = await openTestDatabase();
  const w = await makeWorld(t.db);
  await appendFive(w);
  for (
    const statement of [
      sql`update audit_events set action = 'auth.changed'`,
      sql`delete from audit_events`,
      sql`truncate audit_events`,
      sql`select audit_hash(e) from audit_events e`,
    ]
  ) {
    await assert.rejects(
      t.db.asUser(w.auditor, (tx) => tx.execute(statement)),
      (err) => /permission denied/.test(dbErrorMessage(err)),
    );
  }
  assert.equal(await countEvents(t.db), 5);
});

/** 24 events over 24 hours, written as owner with fixed times. */
async function fixtureEvents(w: World): Promise<{ ids: number[]; t0: Date }> {
  const t0 = new Date("2026-03-01T00:00:00Z");
  const actions = [
    "auth.signin.failed",
    "auth.signout",
    "authx.other",
    "pii.reveal",
  ];
  const values = Array.from({ length: 24 }, (_, i) => ({
    at: new Date(t0.getTime() + i * 3_600_000),
    actorType: "staff" as const,
    actorId: i % 3 === 0 ? USER_A : USER_B,
    action: actions[i % actions.length],
    storeId: [w.storeA, w.storeB, null][i % 3],
    outcome: "success" as const,
  }));
  const rows = await ownerOf(w.db).insert(auditEvents).values(values)
    .returning({ id: auditEvents.id });
  return { ids: rows.map((r) => r.id), t0 };
}

async function allPages(
  w: World,
  p: Principal,
  filter: Parameters<typeof listAudit>[2],
  limit: number,
): Promise<number[]> {
  const out: number[] = [];
  let before: number | undefined;
  for (let guard = 0; guard < 100; guard++) {
    const page = await listAudit(w.db, p, filter, { before, limit });
    assert.ok(page.rows.length <= limit);
    out.push(...page.rows.map((r) => r.id));
    if (page.nextBefore === null) return out;
    before = page.nextBefore;
  }
  throw new Error("pagination did not end");
}

Deno.test(`audit (${testEngine}): keyset pages return every row exactly once, newest first, under each filter`, async () => {
  await using t = await openTestDatabase();
  const w = await makeWorld(t.db);
  const { ids, t0 } = await fixtureEvents(w);
  const at = (i: number) => new Date(t0.getTime() + i * 3_600_000);
  const expect = (keep: (i: number) => boolean) =>
    ids.filter((_, i) => keep(i)).sort((x, y) => y - x);
  const cases: [
    string,
    Parameters<typeof listAudit>[2],
    (i: number) => boolean,
  ][] = [
    ["no filter", {}, () => true],
    ["actor", { actorId: USER_A }, (i) => i % 3 === 0],
    ["action prefix", { action: "auth." }, (i) => i % 4 < 2],
    ["store", { storeId: w.storeB }, (i) => i % 3 === 1],
    ["time range", { from: at(5), to: at(17) }, (i) => i >= 5 && i < 17],
    [
      "combined",
      { action: "auth.", storeId: w.storeA, from: at(2) },
      (i) => i % 4 < 2 && i % 3 === 0 && i >= 2,
    ],
  ];
  for (const [name, filter, keep] of cases) {
    for (const limit of [1, 4, 7, 100]) {
      assert.deepEqual(
        await allPages(w, w.auditor, filter, limit),
        expect(keep),
        `${name}, ${limit} a page`,
      );
    }
  }
  // The same filters never widen what RLS shows: user A sees no store B row.
  assert.deepEqual(
    await allPages(w, w.a, {}, 5),
    expect((i) => i % 3 !== 1),
  );
  // The export stream walks the same keyset in bounded batches.
  const batches: number[][] = [];
  for await (const batch of streamAudit(t.db, w.auditor, {}, 5)) {
    assert.ok(batch.length <= 5);
    batches.push(batch.map((r) => r.id));
  }
  assert.equal(batches.length, 5);
  assert.deepEqual(batches.flat(), expect(() => true));
  // Owner-written fixtures are chained like any other row.
  assert.equal((await verifyAuditChain(t.db, w.auditor)).firstBrokenId, null);
});

Deno.test("audit csv: RFC 4180 quoting, CRLF lines and no spreadsheet formulas", () => {
  const row = (over: Partial<AuditRow>): AuditRow => ({
    id: 7,
    at: new Date("2026-03-01T09:00:00.123Z"),
    actorType: "staff",
    actorId: null,
    action: "export.csv",
    target: null,
    storeId: null,
    outcome: "success",
    ip: null,
    userAgent: null,
    requestId: null,
    details: {},
    hash: "ab",
    prevHash: null,
    ...over,
  });
  const csv = auditCsv([
    row({ target: 'a,b "c"', userAgent: "line1\nline2" }),
    row({ id: 8, target: '=HYPERLINK("http://x")', actorId: "+1", ip: "-2" }),
    row({ id: 9, target: "@SUM(A1)", actorId: "\tx", ip: "\ry" }),
    row({ id: 10, details: { note: "Atzr|FAKE-canary-0123" } }),
  ], true);
  const lines = csv.split("\r\n");
  assert.equal(lines.at(-1), "", "ends with CRLF");
  assert.equal(
    lines[0],
    "id,at,actor_type,actor_id,action,target,store_id,outcome,ip,user_agent,request_id,details,prev_hash,hash",
  );
  assert.equal(
    lines[1],
    '7,2026-03-01T09:00:00.123Z,staff,,export.csv,"a,b ""c""",,success,,"line1\nline2",,{},,ab',
  );
  assert.equal(
    lines[2],
    `8,2026-03-01T09:00:00.123Z,staff,'+1,export.csv,"'=HYPERLINK(""http://x"")",,success,'-2,,,{},,ab`,
  );
  assert.equal(
    lines[3],
    `9,2026-03-01T09:00:00.123Z,staff,'\tx,export.csv,'@SUM(A1),,success,"'\ry",,,{},,ab`,
  );
  assert.ok(!csv.includes("FAKE-canary"), "exports are redacted");
  assert.ok(lines[4].includes('"{""note"":""[redacted]""}"'));
  assert.equal(auditCsv([], false), "");
  assert.equal(auditCsv([row({})], false).split("\r\n").length, 2);
});
