// The logical backup's two owner-level operations (`deno task backup` and
// `deno task restore`, lib/backup/): reading every application table's rows,
// the sequences and the migration journal in one consistent snapshot, and
// loading them into an empty database in one transaction. Like
// db/maintenance.ts, this runs on the owner's pool because a backup spans
// every store; `row_security = off` makes PostgreSQL refuse (rather than
// silently filter) should the login be one that row-level security applies
// to, so a backup is never quietly missing a store.
import { sql } from "drizzle-orm";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { type Database, OWNER, rowsOf } from "./client.ts";

const MIGRATIONS_FOLDER = decodeURIComponent(
  new URL("./migrations", import.meta.url).pathname,
);

/** One applied migration, as drizzle's journal table records it. */
export interface AppliedMigration {
  hash: string;
  /** The migration's `when` (milliseconds), as text. */
  createdAt: string;
}

/** A table as the snapshot carries it: its name and the columns written. */
export interface SnapshotTable {
  name: string;
  /** Every stored column (generated columns are recomputed, not written). */
  columns: string[];
  /** Whether a column is GENERATED ALWAYS AS IDENTITY (insert overrides it). */
  identity: boolean;
}

export interface SnapshotSequence {
  name: string;
  /** bigint as text. */
  lastValue: string;
  isCalled: boolean;
}

/** What a snapshot reader hands on, in order: tables (parents first), rows, sequences. */
export interface SnapshotSink {
  begin(info: {
    migrations: AppliedMigration[];
    tables: SnapshotTable[];
  }): Promise<void>;
  table(table: SnapshotTable): Promise<void>;
  /** A batch of the current table's rows, each one JSON object text. */
  rows(json: string[]): Promise<void>;
  sequence(seq: SnapshotSequence): Promise<void>;
}

/** The migrations this code applies, in order (what a restore must match). */
export function codeMigrations(): AppliedMigration[] {
  return readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER }).map((
    m,
  ) => ({ hash: m.hash, createdAt: String(m.folderMillis) }));
}

type Exec = (query: ReturnType<typeof sql>) => Promise<unknown>;

const q = async <T>(exec: Exec, query: ReturnType<typeof sql>) =>
  rowsOf<T>(await exec(query));

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** The application's tables (schema public), parents before children. */
async function listTables(exec: Exec): Promise<SnapshotTable[]> {
  const cols = await q<
    { tbl: string; col: string; identity: string; generated: string }
  >(
    exec,
    sql`select c.relname as tbl, a.attname as col,
      a.attidentity as identity, a.attgenerated as generated
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
    join pg_attribute a on a.attrelid = c.oid and a.attnum > 0
      and not a.attisdropped
    where c.relkind in ('r', 'p')
    order by c.relname, a.attnum`,
  );
  const fks = await q<{ child: string; parent: string }>(
    exec,
    sql`select distinct cc.relname as child, pc.relname as parent
    from pg_constraint k
    join pg_class cc on cc.oid = k.conrelid
    join pg_class pc on pc.oid = k.confrelid
    join pg_namespace n on n.oid = cc.relnamespace and n.nspname = 'public'
    where k.contype = 'f' and k.conrelid <> k.confrelid
      and not k.condeferrable`,
  );
  const tables = new Map<string, SnapshotTable>();
  for (const c of cols) {
    const t = tables.get(c.tbl) ??
      { name: c.tbl, columns: [], identity: false };
    tables.set(c.tbl, t);
    if (c.generated !== "") continue;
    t.columns.push(c.col);
    if (c.identity === "a") t.identity = true;
  }
  // Parents first (a depth-first topological order, by name for stability).
  // A deferred key (a store's primary marketplace) is checked at commit, so
  // it orders nothing and may close a cycle.
  const parents = new Map<string, string[]>();
  for (const { child, parent } of fks) {
    parents.set(child, [...(parents.get(child) ?? []), parent]);
  }
  const ordered: SnapshotTable[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (name: string) => {
    if (state.get(name) === "done") return;
    if (state.get(name) === "visiting") {
      throw new Error(`foreign keys form a cycle through ${name}`);
    }
    state.set(name, "visiting");
    for (const p of (parents.get(name) ?? []).sort()) {
      if (tables.has(p)) visit(p);
    }
    state.set(name, "done");
    ordered.push(tables.get(name)!);
  };
  for (const name of [...tables.keys()].sort()) visit(name);
  return ordered;
}

async function primaryKeyOf(exec: Exec, table: string): Promise<string[]> {
  const rows = await q<{ col: string }>(
    exec,
    sql`select a.attname as col
    from pg_index i
    join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
    where i.indrelid = ${`public.${ident(table)}`}::regclass and i.indisprimary
    order by array_position(i.indkey::int2[], a.attnum)`,
  );
  return rows.map((r) => r.col);
}

async function journalOf(exec: Exec): Promise<AppliedMigration[] | null> {
  const [present] = await q<{ found: boolean }>(
    exec,
    sql`select to_regclass('drizzle.__drizzle_migrations') is not null as found`,
  );
  if (!present.found) return null;
  return (await q<{ hash: string; created_at: string }>(
    exec,
    sql`select hash, created_at::text as created_at
      from drizzle.__drizzle_migrations order by id`,
  )).map((r) => ({ hash: r.hash, createdAt: r.created_at }));
}

/**
 * Reads the whole database in one REPEATABLE READ, read-only snapshot and
 * hands it to `sink` batch by batch (a cursor per table, so no table has to
 * fit in memory). Tables in `exclude` are announced with no rows. Returns
 * the rows read per table.
 */
export async function readSnapshot(
  db: Database,
  sink: SnapshotSink,
  opts: { exclude?: readonly string[]; batchSize?: number } = {},
): Promise<Record<string, number>> {
  const exclude = new Set(opts.exclude ?? []);
  const batch = opts.batchSize ?? 1000;
  return await db[OWNER].transaction(async (tx) => {
    const exec: Exec = (query) => tx.execute(query);
    await exec(
      sql`set transaction isolation level repeatable read, read only`,
    );
    await exec(sql`set local row_security = off`);
    // Times as UTC, whatever the server's zone: the same text on both engines.
    await exec(sql`set local timezone = 'UTC'`);
    const migrations = await journalOf(exec);
    if (!migrations || migrations.length === 0) {
      throw new Error("the database has not been migrated: nothing to back up");
    }
    const tables = await listTables(exec);
    await sink.begin({ migrations, tables });
    const counts: Record<string, number> = {};
    for (const table of tables) {
      await sink.table(table);
      counts[table.name] = 0;
      if (exclude.has(table.name)) continue;
      const key = await primaryKeyOf(exec, table.name);
      const order = (key.length > 0 ? key : table.columns).map(ident).join(
        ", ",
      );
      const list = table.columns.map(ident).join(", ");
      await exec(sql.raw(`declare custodian_snapshot no scroll cursor for
        select row_to_json(t)::text as j
        from (select ${list} from public.${
        ident(table.name)
      } order by ${order}) t`));
      for (;;) {
        const rows = await q<{ j: string }>(
          exec,
          sql.raw(`fetch forward ${batch} from custodian_snapshot`),
        );
        if (rows.length > 0) {
          counts[table.name] += rows.length;
          await sink.rows(rows.map((r) => r.j));
        }
        if (rows.length < batch) break;
      }
      await exec(sql.raw(`close custodian_snapshot`));
    }
    const sequences = await q<{ name: string }>(
      exec,
      sql`select c.relname as name from pg_class c
      join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
      where c.relkind = 'S' order by c.relname`,
    );
    for (const { name } of sequences) {
      const [s] = await q<{ last_value: string; is_called: boolean }>(
        exec,
        sql.raw(`select last_value::text as last_value, is_called
          from public.${ident(name)}`),
      );
      await sink.sequence({
        name,
        lastValue: s.last_value,
        isCalled: s.is_called,
      });
    }
    return counts;
  });
}

/** What a restore's target holds before it starts. */
export interface TargetState {
  /** Null when the database was never migrated. */
  migrations: AppliedMigration[] | null;
  /** Tables holding rows, other than those `seedTables` names. */
  occupied: { table: string; rows: number }[];
}

/**
 * Whether a database is empty enough to restore into: never migrated, or
 * migrated with rows only in the tables the migrations and start-up fill
 * themselves (`seedTables`), which the backup's rows replace.
 */
export async function targetState(
  db: Database,
  seedTables: readonly string[],
): Promise<TargetState> {
  const exec: Exec = (query) => db[OWNER].execute(query);
  const migrations = await journalOf(exec);
  const occupied: { table: string; rows: number }[] = [];
  const tables = await q<{ name: string }>(
    exec,
    sql`select c.relname as name from pg_class c
    join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
    where c.relkind in ('r', 'p') order by c.relname`,
  );
  for (const { name } of tables) {
    if (seedTables.includes(name)) continue;
    const [r] = await q<{ n: number }>(
      exec,
      sql.raw(`select count(*)::int as n from public.${ident(name)}`),
    );
    if (Number(r.n) > 0) occupied.push({ table: name, rows: Number(r.n) });
  }
  return { migrations, occupied };
}

/** One item a restore loads, in the order readSnapshot produced them. */
export type SnapshotItem =
  | { kind: "table"; table: SnapshotTable }
  | { kind: "rows"; json: string[] }
  | { kind: "sequence"; sequence: SnapshotSequence };

/** The audit chain of the loaded rows, checked before the load commits. */
export interface LoadedChain {
  checked: number;
  firstBrokenId: number | null;
  reason: string | null;
}

/**
 * Loads a snapshot into a migrated, empty database in one transaction: the
 * seed tables are emptied first (the snapshot has their rows), user
 * triggers are off during the load (the audit chain's rows keep their own
 * ids, times and hashes), rows go in parents first, sequences are set, and
 * the audit chain is verified before commit. Any failure rolls everything
 * back. `check` may veto the load (it throws) after the rows are in.
 */
export async function loadSnapshot(
  db: Database,
  items: AsyncIterable<SnapshotItem>,
  opts: {
    seedTables: readonly string[];
    check?: (loaded: {
      rows: Record<string, number>;
      chain: LoadedChain;
    }) => void | Promise<void>;
  },
): Promise<{ rows: Record<string, number>; chain: LoadedChain }> {
  return await db[OWNER].transaction(async (tx) => {
    const exec: Exec = (query) => tx.execute(query);
    await exec(sql`set local row_security = off`);
    const triggered = await q<{ name: string }>(
      exec,
      sql`select distinct c.relname as name from pg_trigger g
      join pg_class c on c.oid = g.tgrelid
      join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
      where not g.tgisinternal order by 1`,
    );
    for (const { name } of triggered) {
      await exec(
        sql.raw(`alter table public.${ident(name)} disable trigger user`),
      );
    }
    for (const name of opts.seedTables) {
      await exec(sql.raw(`delete from public.${ident(name)}`));
    }
    const rows: Record<string, number> = {};
    let current: SnapshotTable | null = null;
    for await (const item of items) {
      if (item.kind === "table") {
        current = item.table;
        rows[current.name] = 0;
      } else if (item.kind === "rows") {
        if (!current) throw new Error("rows before their table");
        const list = current.columns.map(ident).join(", ");
        await exec(sql`insert into ${sql.raw(`public.${ident(current.name)}`)}
          (${sql.raw(list)}) ${
          sql.raw(current.identity ? "overriding system value" : "")
        }
          select ${sql.raw(list)} from json_populate_recordset(
            null::${sql.raw(`public.${ident(current.name)}`)},
            ${`[${item.json.join(",")}]`}::json)`);
        rows[current.name] += item.json.length;
      } else {
        const s = item.sequence;
        await exec(sql`select setval(${`public.${ident(s.name)}`}::regclass,
          ${s.lastValue}::bigint, ${s.isCalled})`);
      }
    }
    for (const { name } of triggered) {
      await exec(
        sql.raw(`alter table public.${ident(name)} enable trigger user`),
      );
    }
    const [v] = await q<
      { checked: string; first_broken_id: string | null; reason: string | null }
    >(
      exec,
      sql`select checked::text, first_broken_id::text, reason
        from audit_verify_since(null)`,
    );
    const chain: LoadedChain = {
      checked: Number(v.checked),
      firstBrokenId: v.first_broken_id === null
        ? null
        : Number(v.first_broken_id),
      reason: v.reason,
    };
    await opts.check?.({ rows, chain });
    return { rows, chain };
  });
}
