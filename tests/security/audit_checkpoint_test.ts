// Data Policy §8 and §12: the audit chain is anchored outside the database.
// A valid chain can still be a trail cut at either end or rewritten with every
// later hash recomputed; the last checkpoint (KV and the log, authenticated
// with a vault-derived key the database never holds) names each of these.
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { type Database, type Principal, rowsOf } from "../../db/client.ts";
import { createLogger } from "../../lib/log.ts";
import {
  auditChainIntact,
  recordAudit,
  verifyAuditChain,
} from "../../lib/security/audit.ts";
import {
  type AuditCheckpoint,
  CHECKPOINT_KEY,
  takeAuditCheckpoint,
} from "../../lib/security/audit_checkpoint.ts";
import { createVault, generateVaultKey } from "../../lib/security/vault.ts";
import { auditCheckpointCron } from "../../jobs/audit_checkpoint.ts";
import { openTestDatabase, ownerOf, testEngine } from "../_helpers/test_db.ts";

const AUDITOR: Principal = {
  userId: "00000000-0000-4000-8000-0000000000ad",
  storeIds: [],
  auditAll: true,
};
const DAY = 86_400_000;

async function setup() {
  const t = await openTestDatabase();
  const kv = await Deno.openKv(":memory:");
  const vault = createVault([{ kid: "k1", key: generateVaultKey() }]);
  const logs: string[] = [];
  const log = createLogger({ sink: (l) => logs.push(l) });
  const append = async (n: number) => {
    const ids: number[] = [];
    for (let i = 0; i < n; i++) {
      ids.push(
        await recordAudit(t.db, null, {
          actorType: "system",
          action: "test.event",
          outcome: "success",
          details: { i },
        }),
      );
    }
    return ids;
  };
  return {
    t,
    kv,
    vault,
    logs,
    append,
    checkpoint: () => takeAuditCheckpoint({ db: t.db, kv, vault, log }),
    verify: () => verifyAuditChain(t.db, AUDITOR, { kv, vault }),
    async [Symbol.asyncDispose]() {
      kv.close();
      await t[Symbol.asyncDispose]();
    },
  };
}

/** Runs `statements` as owner with the append-only trigger off, as an attacker holding the owner would. */
async function tamper(db: Database, statements: ReturnType<typeof sql>[]) {
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

/** Changes row `id` and recomputes its hash and every later link and hash. */
const rewriteFrom = (id: number) => [
  sql`update audit_events set outcome = 'failure' where id = ${id}`,
  sql.raw(`do $$
    declare r record; prev text;
    begin
      select hash into prev from audit_events where id < ${id} order by id desc limit 1;
      for r in select id from audit_events where id >= ${id} order by id loop
        update audit_events set prev_hash = prev where id = r.id;
        update audit_events e set hash = audit_hash(e) where e.id = r.id
          returning e.hash into prev;
      end loop;
    end $$`),
];

const attacks: {
  name: string;
  change: (ids: number[]) => ReturnType<typeof sql>[];
  problem: RegExp;
  /** What the chain itself finds (nothing when absent). */
  chain?: string;
}[] = [
  {
    name: "the newest rows are deleted",
    change: (ids) => [sql`delete from audit_events where id >= ${ids[4]}`],
    problem: /is missing: rows were deleted from the end/,
  },
  {
    name: "the oldest rows are deleted",
    change: (ids) => [sql`delete from audit_events where id <= ${ids[1]}`],
    problem: /of the \d+ rows of \d{4}-\d{2}-\d{2} are missing/,
    // Rows cut from the front without the purge's anchor
    // (0021_purge_categories.sql): the chain finds that too.
    chain: "broken anchor",
  },
  {
    name: "a row is rewritten and every later hash recomputed",
    change: (ids) => rewriteFrom(ids[2]),
    problem: /no longer has the hash of the last checkpoint/,
  },
  {
    name: "the whole trail is deleted",
    change: () => [sql`delete from audit_events`],
    problem: /is missing/,
  },
];

for (const attack of attacks) {
  Deno.test(`audit checkpoint (${testEngine}): verify reports it when ${attack.name}`, async () => {
    await using s = await setup();
    const ids = await s.append(6);
    const taken = await s.checkpoint();
    assert.equal(taken.ok, true);
    assert.ok(auditChainIntact(await s.verify()));

    await tamper(s.t.db, attack.change(ids));
    const report = await s.verify();
    // The chain alone finds nothing wrong (it is valid from end to end),
    // or less than the checkpoint does …
    assert.equal(report.reason, attack.chain ?? null);
    // … the checkpoint does.
    assert.match(report.checkpoint?.problem ?? "", attack.problem);
    assert.equal(auditChainIntact(report), false);

    // The next checkpoint refuses to pin the tampered trail, says so in the
    // log, and leaves the last one in place.
    const before = (await s.kv.get(CHECKPOINT_KEY)).versionstamp;
    const next = await s.checkpoint();
    assert.equal(next.ok, false);
    assert.equal((await s.kv.get(CHECKPOINT_KEY)).versionstamp, before);
    assert.ok(
      s.logs.some((l) =>
        JSON.parse(l).event === "audit.checkpoint.mismatch" &&
        attack.problem.test(l)
      ),
    );
  });
}

Deno.test(`audit checkpoint (${testEngine}): a checkpoint is signed, kept in KV and logged; honest appends keep matching`, async () => {
  await using s = await setup();
  assert.equal((await s.verify()).checkpoint, null, "none taken yet");
  const ids = await s.append(3);
  const taken = await s.checkpoint();
  assert.ok(taken.ok);
  const c = taken.checkpoint;
  assert.equal(c.count, 3);
  assert.equal(c.headId, ids[2]);
  assert.match(c.headHash ?? "", /^[0-9a-f]{64}$/);
  assert.equal(Object.values(c.days).reduce((a, b) => a + b, 0), 3);
  assert.equal(c.kid, "k1");
  assert.deepEqual((await s.kv.get(CHECKPOINT_KEY)).value, c);
  const line = s.logs.map((l) => JSON.parse(l)).find((e) =>
    e.event === "audit.checkpoint"
  );
  assert.equal(line.headHash, c.headHash);
  assert.equal(line.mac, c.mac);

  // The database holds nothing of the key: no value in it can make the MAC.
  const [dump] = rowsOf<{ text: string }>(
    await ownerOf(s.t.db).execute(
      sql`select string_agg(t::text, '') as text from audit_events t`,
    ),
  );
  assert.ok(!dump.text.includes(c.mac));

  await s.append(2);
  const report = await s.verify();
  assert.equal(report.checkpoint?.problem, null);
  assert.ok(auditChainIntact(report));
  const next = await s.checkpoint();
  assert.ok(next.ok);
  assert.equal(next.checkpoint.count, 5);
});

Deno.test(`audit checkpoint (${testEngine}): a forged or altered checkpoint is not trusted`, async () => {
  await using s = await setup();
  await s.append(3);
  const taken = await s.checkpoint();
  assert.ok(taken.ok);
  const forged: AuditCheckpoint = { ...taken.checkpoint, count: 2 };
  await s.kv.set(CHECKPOINT_KEY, forged);
  assert.match(
    (await s.verify()).checkpoint?.problem ?? "",
    /not authentic/,
  );
  // Another key ring (an attacker's own vault) does not verify either.
  await s.kv.set(CHECKPOINT_KEY, taken.checkpoint);
  const other = createVault([{ kid: "k1", key: generateVaultKey() }]);
  const report = await verifyAuditChain(s.t.db, AUDITOR, {
    kv: s.kv,
    vault: other,
  });
  assert.match(report.checkpoint?.problem ?? "", /not authentic/);
});

Deno.test(`audit checkpoint (${testEngine}): rows past the 90-day floor may be purged from the front`, async () => {
  await using s = await setup();
  const old = new Date(Date.now() - 120 * DAY);
  for (let i = 0; i < 3; i++) {
    await ownerOf(s.t.db).execute(sql`insert into audit_events
      (actor_type, action, outcome, at)
      values ('system', 'test.old', 'success', ${old.toISOString()}::timestamptz)`);
  }
  await s.append(4);
  assert.ok((await s.checkpoint()).ok);
  // The retention purge (Data Policy §9), as the owner runs it.
  await ownerOf(s.t.db).transaction(async (tx) => {
    await tx.execute(sql`select set_config('app.audit_purge', 'on', true)`);
    await tx.execute(
      sql`delete from audit_events where at < now() - interval '90 days'`,
    );
  });
  const report = await s.verify();
  assert.equal(report.checked, 4);
  assert.equal(report.checkpoint?.problem, null);
  assert.ok(auditChainIntact(report));
  assert.ok((await s.checkpoint()).ok);
});

Deno.test(`audit checkpoint (${testEngine}): rows changed since the last checkpoint are refused before they are pinned`, async () => {
  await using s = await setup();
  await s.append(2);
  assert.ok((await s.checkpoint()).ok);
  const later = await s.append(2);
  await tamper(s.t.db, [
    sql`update audit_events set action = 'test.changed' where id = ${later[0]}`,
  ]);
  const next = await s.checkpoint();
  assert.equal(next.ok, false);
  assert.match(
    next.ok ? "" : next.problem,
    new RegExp(`row #${later[0]}: hash mismatch`),
  );
});

Deno.test(`audit checkpoint (${testEngine}): the cron job takes one`, async () => {
  await using s = await setup();
  await s.append(1);
  const job = auditCheckpointCron({
    db: s.t.db,
    kv: s.kv,
    vault: s.vault,
    log: createLogger({ sink: () => {} }),
  });
  assert.equal(job.schedule, "*/15 * * * *");
  await job.run();
  assert.equal((await s.kv.get(CHECKPOINT_KEY)).value !== null, true);
});
