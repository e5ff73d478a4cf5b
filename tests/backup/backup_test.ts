// Issue #14, archives and backups: `deno task backup`/`restore` round trips
// on each engine and across them (PGlite → PostgreSQL and back, when
// DATABASE_URL is set) with identical rows and sequences and an audit chain
// that verifies; a wrong key, a changed byte, a truncated file and a
// non-empty target are each refused with one line, changing nothing.
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { rowsOf } from "../../db/client.ts";
import { createBackup } from "../../lib/backup/backup.ts";
import {
  createBackupWriter,
  decodeBackupKey,
  generateBackupKey,
  linesOf,
  openBackup,
} from "../../lib/backup/container.ts";
import {
  restoreBackup,
  RestoreError,
  SEED_TABLES,
} from "../../lib/backup/restore.ts";
import { targetState } from "../../db/snapshot.ts";
import {
  auditChainIntact,
  verifyAuditChain,
} from "../../lib/security/audit.ts";
import {
  lastCheckpoint,
  takeAuditCheckpoint,
} from "../../lib/security/audit_checkpoint.ts";
import { createLogger } from "../../lib/log.ts";
import { createVault, generateVaultKey } from "../../lib/security/vault.ts";
import { ownerOf } from "../_helpers/test_db.ts";
import {
  ADMIN_URL,
  assertRestored,
  type Engine,
  ENGINES,
  fill,
  openEngineDb,
  picture,
} from "./_fixture.ts";

const AUDITOR = { userId: "", storeIds: [], auditAll: true };
const quiet = createLogger({ sink: () => {} });

async function tempDir() {
  const dir = await Deno.makeTempDir({ prefix: "custodian-backup-" });
  return {
    dir,
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

async function roundTrip(from: Engine, to: Engine, migratedTarget: boolean) {
  await using tmp = await tempDir();
  await using source = await openEngineDb(from, { migrated: true });
  const vault = createVault([{ kid: "k", key: generateVaultKey() }]);
  await fill(source.db, vault);
  // The source's checkpoint, in the KV the restored portal will use: it
  // pins a trail the restore will not have (the backup's own event).
  await using kv = await Deno.openKv(":memory:");
  const before = await picture(source.db);
  const key = decodeBackupKey(generateBackupKey());
  const file = `${tmp.dir}/custodian.backup`;
  const made = await createBackup(
    { db: source.db, key, chunkBytes: 64 * 1024 },
    file,
  );
  assert.ok(made.bytes > 0 && made.totalRows > 1000);
  assert.equal(made.rows.buyer_pii, 0, "buyer data is never read");
  assert.ok(
    (await takeAuditCheckpoint({ db: source.db, kv, vault, log: quiet })).ok,
  );
  // The backup is audited with its file name and expiry.
  const [event] = rowsOf<{ details: { file: string; expiresAt: string } }>(
    await ownerOf(source.db).execute(
      sql`select details from audit_events where action = 'backup.create'`,
    ),
  );
  assert.deepEqual(event.details, {
    file: "custodian.backup",
    expiresAt: made.expiresAt.toISOString(),
  });
  assert.equal(
    made.expiresAt.getTime() - made.createdAt.getTime(),
    90 * 86_400_000,
  );
  // Nothing readable in the file: no row text, no table name.
  const bytes = await Deno.readFile(file);
  const text = new TextDecoder().decode(bytes);
  assert.ok(!text.includes("ünïcode") && !text.includes("order_items"));

  await using target = await openEngineDb(to, { migrated: migratedTarget });
  const restored = await restoreBackup(
    { db: target.db, key, anchor: { kv, vault, log: quiet } },
    file,
  );
  assert.equal(restored.totalRows, made.totalRows);
  assertRestored(before, await picture(target.db));
  // The restored chain verifies, against its own events and the new
  // checkpoint; the restore is audited with the checkpoint it replaced.
  const report = await verifyAuditChain(target.db, AUDITOR, { kv, vault });
  assert.ok(auditChainIntact(report), JSON.stringify(report));
  assert.equal(report.checked, restored.auditChecked + 1);
  const [restoreEvent] = rowsOf<{ details: Record<string, unknown> }>(
    await ownerOf(target.db).execute(
      sql`select details from audit_events where action = 'backup.restore'`,
    ),
  );
  assert.equal(restoreEvent.details.file, "custodian.backup");
  assert.equal(restoreEvent.details.fromEngine, from);
  assert.ok(restoreEvent.details.replacedCheckpoint);
  assert.equal((await lastCheckpoint(kv))?.count, report.checked);
  // The app's runtime role works on the restored database, as at start.
  await target.db.ping();
  const stores = await target.db.asUser(
    { userId: "", storeIds: [] },
    async (tx) => rowsOf(await tx.execute(sql`select id from stores`)),
  );
  assert.equal(stores.length, 0, "row-level security still isolates stores");
}

for (const engine of ENGINES) {
  Deno.test(`backup: round trip on ${engine} (into a migrated empty database)`, async () => {
    await roundTrip(engine, engine, true);
  });
  Deno.test(`backup: round trip on ${engine} (into a never-migrated database)`, async () => {
    await roundTrip(engine, engine, false);
  });
}

if (ADMIN_URL) {
  Deno.test("backup: PGlite → PostgreSQL", async () => {
    await roundTrip("pglite", "postgres", false);
  });
  Deno.test("backup: PostgreSQL → PGlite", async () => {
    await roundTrip("postgres", "pglite", true);
  });
}

const ENGINE: Engine = ADMIN_URL ? "postgres" : "pglite";

Deno.test(`backup: wrong key, a changed byte, a truncated file, a non-empty target are refused with one line, changing nothing (${ENGINE})`, async () => {
  await using tmp = await tempDir();
  await using source = await openEngineDb(ENGINE, { migrated: true });
  await fill(source.db);
  const key = decodeBackupKey(generateBackupKey());
  const file = `${tmp.dir}/b.backup`;
  await createBackup({ db: source.db, key, chunkBytes: 16 * 1024 }, file);
  const good = await Deno.readFile(file);

  await using target = await openEngineDb(ENGINE, { migrated: true });
  const empty = await picture(target.db);
  const refused = async (
    path: string,
    k: Uint8Array<ArrayBuffer>,
    code: string,
    line: RegExp,
  ) => {
    const err = await restoreBackup({ db: target.db, key: k }, path).then(
      () => null,
      (e) => e,
    );
    assert.ok(err instanceof RestoreError, String(err));
    assert.equal(err.code, code);
    assert.match(err.message, line);
    assert.ok(!err.message.includes("\n"), "one line");
    assert.deepEqual(await picture(target.db), empty, "nothing changed");
  };
  await refused(
    file,
    decodeBackupKey(generateBackupKey()),
    "wrong_key",
    /^restore refused: BACKUP_KEY does not open this backup \(wrong key\)$/,
  );
  for (const at of [good.length - 10, Math.floor(good.length / 2), 300]) {
    const changed = good.slice();
    changed[at] ^= 0x01;
    await Deno.writeFile(`${tmp.dir}/changed.backup`, changed);
    await refused(
      `${tmp.dir}/changed.backup`,
      key,
      "tampered",
      /^restore refused: the backup failed authentication .*\(the file was changed\)$/,
    );
  }
  for (const length of [good.length - 1, Math.floor(good.length / 2)]) {
    await Deno.writeFile(`${tmp.dir}/cut.backup`, good.slice(0, length));
    await refused(
      `${tmp.dir}/cut.backup`,
      key,
      "truncated",
      /^restore refused: the backup is truncated .*\(it ends before its final chunk\)$/,
    );
  }
  // Cut exactly at a frame boundary: the last whole chunk is not the final one.
  const frames = frameEnds(good);
  assert.ok(frames.length > 2, "several chunks");
  await Deno.writeFile(`${tmp.dir}/cut.backup`, good.slice(0, frames[1]));
  await refused(`${tmp.dir}/cut.backup`, key, "truncated", /truncated/);
  // Two chunks swapped.
  const swapped = new Uint8Array(good.length);
  swapped.set(good.slice(0, frames[0]));
  const a = good.slice(frames[0], frames[1]);
  const b = good.slice(frames[1], frames[2]);
  swapped.set(b, frames[0]);
  swapped.set(a, frames[0] + b.length);
  swapped.set(good.slice(frames[2]), frames[2]);
  await Deno.writeFile(`${tmp.dir}/swapped.backup`, swapped);
  await refused(`${tmp.dir}/swapped.backup`, key, "tampered", /chunk 2/);
  // Something appended after the final chunk.
  await Deno.writeFile(
    `${tmp.dir}/longer.backup`,
    new Uint8Array([...good, 0]),
  );
  await refused(`${tmp.dir}/longer.backup`, key, "tampered", /after its final/);
  // Not a backup at all.
  await Deno.writeTextFile(`${tmp.dir}/other.txt`, "hello");
  await refused(`${tmp.dir}/other.txt`, key, "not_backup", /not a Custodian/);

  // A database with data in it (the source itself) is refused.
  const full = await picture(source.db);
  const err = await restoreBackup({ db: source.db, key }, file).then(
    () => null,
    (e) => e,
  );
  assert.ok(err instanceof RestoreError);
  assert.equal(err.code, "not_empty");
  assert.match(
    err.message,
    /^restore refused: the target database is not empty \(.+ rows.*\); restore needs an empty database$/,
  );
  assert.deepEqual(await picture(source.db), full, "nothing changed");
  // An expired backup is refused too.
  const late = new Date(Date.now() + 91 * 86_400_000);
  const expired = await restoreBackup({ db: target.db, key, now: late }, file)
    .then(() => null, (e) => e);
  assert.equal(expired?.code, "expired");
  assert.deepEqual(await picture(target.db), empty);
  // And the good file still restores into the untouched target.
  await restoreBackup({ db: target.db, key }, file);
});

/** Byte offsets where each frame ends (after the header). */
function frameEnds(file: Uint8Array): number[] {
  const view = new DataView(file.buffer, file.byteOffset);
  const magic = "CUSTODIAN-BACKUP/1\n".length;
  let at = magic + 4 + view.getUint32(magic);
  const ends: number[] = [];
  while (at < file.length) {
    at += 5 + view.getUint32(at + 1);
    ends.push(at);
  }
  return ends;
}

Deno.test("backup container: chunks stream through, any size", async () => {
  await using tmp = await tempDir();
  const key = decodeBackupKey(generateBackupKey());
  const path = `${tmp.dir}/c`;
  const out = await Deno.open(path, { write: true, createNew: true });
  const w = await createBackupWriter(out, key, {
    createdAt: "x",
    expiresAt: "y",
    engine: "pglite",
    excluded: [],
  }, 1000);
  const lines = Array.from(
    { length: 500 },
    (_, i) => `line ${i} ${"é".repeat(i % 37)}`,
  );
  for (const l of lines) await w.write(`${l}\n`);
  await w.finish();
  out.close();
  const opened = await openBackup(path, key);
  const got: string[] = [];
  for await (const l of linesOf(opened.chunks())) got.push(l);
  assert.deepEqual(got, lines);
});

Deno.test(`backup: the seed tables are exactly what a fresh migration fills (${ENGINE})`, async () => {
  // A migration that writes rows into a new table must name it in
  // SEED_TABLES, or every restore into a migrated database is refused.
  await using fresh = await openEngineDb(ENGINE, { migrated: true });
  const state = await targetState(fresh.db, []);
  assert.deepEqual(
    state.occupied.map((o) => o.table).sort(),
    [...SEED_TABLES].sort(),
  );
});
