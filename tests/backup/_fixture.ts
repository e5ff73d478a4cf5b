// Databases on a chosen engine, filled with a bit of everything, and a
// comparable picture of a whole database (every table's rows, every
// sequence), for the backup tests.
import assert from "node:assert/strict";
import postgres from "postgres";
import { type Database, openDatabase } from "../../db/client.ts";
import { readSnapshot } from "../../db/snapshot.ts";
import { prepareDatabase } from "../../lib/setup.ts";
import { seedDatabase } from "../../bench/seed.ts";
import { staffUsers, storeGrants } from "../../db/schema.ts";
import { recordAudit } from "../../lib/security/audit.ts";
import { createHold, updateRule } from "../../lib/policy/retention.ts";
import {
  createVault,
  generateVaultKey,
  type Vault,
} from "../../lib/security/vault.ts";
import { ownerOf } from "../_helpers/test_db.ts";

export type Engine = "pglite" | "postgres";
export const ADMIN_URL = Deno.env.get("DATABASE_URL");
export const ENGINES: Engine[] = ADMIN_URL ? ["pglite", "postgres"] : [
  "pglite",
];

export interface EngineDb extends AsyncDisposable {
  db: Database;
  url?: string;
}

/** A fresh database on `engine`: migrated (as the app leaves it) or never touched. */
export async function openEngineDb(
  engine: Engine,
  opts: { migrated: boolean },
): Promise<EngineDb> {
  if (engine === "pglite") {
    const db = await openDatabase({});
    if (opts.migrated) await prepareDatabase(db);
    return { db, [Symbol.asyncDispose]: () => db.close() };
  }
  assert.ok(ADMIN_URL, "DATABASE_URL is set for postgres");
  const name = `custodian_t_${crypto.randomUUID().replaceAll("-", "")}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const db = await openDatabase({ databaseUrl: url.toString(), poolSize: 4 });
  if (opts.migrated) await prepareDatabase(db);
  return {
    db,
    url: url.toString(),
    async [Symbol.asyncDispose]() {
      await db.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.unsafe(`drop role if exists "custodian_app_${name}"`);
      await admin.end();
    },
  };
}

export const ANCHOR = new Date("2026-11-01T00:00:00Z");

/** Two stores of sandbox data, staff, grants, audit events, a changed rule, a hold. */
export async function fill(db: Database, vault?: Vault): Promise<void> {
  const v = vault ?? createVault([{ kid: "t", key: generateVaultKey() }]);
  const seeded = await seedDatabase(db, v, {
    seed: 14,
    stores: 2,
    orders: 120,
    days: 40,
    anchor: ANCHOR,
  });
  const [owner] = await ownerOf(db).insert(staffUsers).values({
    email: `owner-${crypto.randomUUID()}@example.test`,
    displayName: "Owner",
    role: "owner",
    kind: "sso",
    status: "active",
  }).returning();
  const storeIds = seeded.stores.map((s) => s.id);
  await ownerOf(db).insert(storeGrants).values({
    userId: owner.id,
    storeId: storeIds[0],
  });
  const principal = { userId: owner.id, storeIds };
  for (const [i, storeId] of [null, ...storeIds].entries()) {
    await recordAudit(db, principal, {
      actorType: "staff",
      actorId: owner.id,
      action: "test.event",
      target: `t${i}`,
      storeId,
      outcome: "success",
      details: { n: i, text: "ünïcode ✓", nested: { a: [1, 2.5, null] } },
    });
  }
  await updateRule(db, principal, {
    category: "sync_runs",
    days: 200,
    reason: "kept shorter for the test",
  });
  await createHold(db, principal, {
    storeId: storeIds[1],
    category: "orders",
    fromAt: "",
    toAt: "",
    recordIds: "o-1, o-2",
    reason: "litigation",
    owner: "Legal",
    reviewOn: "2027-01-01",
  });
}

/** Every table's rows (JSON text, key order) and every sequence of a database. */
export interface Picture {
  tables: Map<string, string[]>;
  sequences: Map<string, string>;
}

export async function picture(db: Database): Promise<Picture> {
  const tables = new Map<string, string[]>();
  const sequences = new Map<string, string>();
  let current = "";
  await readSnapshot(db, {
    begin: async () => {},
    table: (t) => {
      current = t.name;
      tables.set(current, []);
      return Promise.resolve();
    },
    rows: (json) => {
      tables.get(current)!.push(...json);
      return Promise.resolve();
    },
    sequence: (s) => {
      sequences.set(s.name, `${s.lastValue}/${s.isCalled}`);
      return Promise.resolve();
    },
  });
  return { tables, sequences };
}

/**
 * The restored picture equals the source's, but for buyer personal data
 * (never backed up) and the restore's own audit event (one more row, one
 * more id drawn).
 */
export function assertRestored(source: Picture, restored: Picture): void {
  assert.deepEqual(
    [...restored.tables.keys()].sort(),
    [...source.tables.keys()].sort(),
  );
  assert.ok(
    source.tables.get("buyer_pii")!.length > 0,
    "the source had buyer data",
  );
  assert.deepEqual(restored.tables.get("buyer_pii"), [], "no buyer data");
  let compared = 0;
  for (const [name, rows] of source.tables) {
    if (name === "buyer_pii") continue;
    const got = restored.tables.get(name)!;
    if (name === "audit_events") {
      assert.equal(got.length, rows.length + 1, "plus the restore's event");
      assert.deepEqual(got.slice(0, rows.length), rows, name);
      assert.equal(JSON.parse(got[rows.length]).action, "backup.restore");
    } else {
      assert.deepEqual(got, rows, name);
    }
    compared += rows.length;
  }
  assert.ok(compared > 1000, `a real amount of data compared (${compared})`);
  for (const [name, value] of source.sequences) {
    if (name === "audit_events_id_seq") {
      const [n] = value.split("/");
      assert.equal(
        restored.sequences.get(name),
        `${BigInt(n) + 1n}/true`,
        name,
      );
    } else {
      assert.equal(restored.sequences.get(name), value, name);
    }
  }
}
