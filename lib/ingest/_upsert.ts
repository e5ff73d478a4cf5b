// The one write primitive behind every lib/ingest module: an idempotent
// `insert … on conflict (primary key) do update set …` in bounded chunks.
// Replaying the same rows writes the same data and never duplicates; the
// result tells new rows from rewritten ones with `xmax = 0` (a row version
// created by the statement's insert has no updating transaction yet).
//
// Each chunk travels as ONE json parameter expanded server-side with
// json_populate_recordset, typed by the table's own row type. Compared with
// one bind parameter per value this is 3-5x faster on PGlite and PostgreSQL
// (drizzle's per-value query building dominated), and it can never reach
// PostgreSQL's 65535 bind-parameter limit whatever the chunk size; json
// (kept as text) costs the server ~15% less than jsonb (parsed into a tree).
//
// Rows are converted and checked (`prepareUpsert`, no database) apart from
// the statements (`writePrepared`), so a streamed ingest can prepare the
// next batch while the database writes the previous one.
// Table, column and key names all come from the drizzle schema.
import { getTableColumns, is, SQL, sql } from "drizzle-orm";
import {
  getTableConfig,
  type PgColumn,
  type PgTable,
} from "drizzle-orm/pg-core";
import { rowsOf, type Tx } from "../../db/client.ts";
import { cleanText, cleanValue } from "./text.ts";

/** What one write did: rows that are new, and rows that existed and were rewritten. */
export interface WriteResult {
  inserted: number;
  updated: number;
}

/**
 * Raised when rows cannot be stored: before any SQL runs for a bad value, or
 * when the database refuses a chunk (the database error is the `cause`; the
 * message stays short and never repeats the rows, which may be thousands;
 * `rows a-b` are positions in the batch after duplicate keys are merged).
 */
export class IngestError extends Error {
  override name = "IngestError";
}

function refused(
  table: string,
  from: number,
  to: number,
  err: unknown,
): IngestError {
  let cause = err;
  while (cause instanceof Error && cause.cause instanceof Error) {
    cause = cause.cause;
  }
  const reason = cause instanceof Error ? cause.message : String(cause);
  // The database's own error is kept as the cause; the driver's wrapper is
  // dropped because its message repeats the whole chunk as parameters.
  return new IngestError(
    `writing ${table} rows ${from}-${to - 1} failed: ${reason}`,
    { cause },
  );
}

/** Default rows per statement. */
export const DEFAULT_CHUNK_ROWS = 1000;

interface ColumnInfo {
  key: string;
  name: string;
  /** Literal default filled in JS when the value is missing. */
  jsDefault?: () => unknown;
  /** SQL default applied with coalesce() when the value is missing. */
  sqlDefault?: SQL;
  numeric?: { precision: number; scale: number };
}

interface TableInfo {
  name: string;
  /** Every column except identity columns, which the database assigns. */
  columns: ColumnInfo[];
  pkColumns: ColumnInfo[];
  insertList: SQL;
  selectList: SQL;
  pkList: SQL;
  setList: SQL;
  /** Non-key columns without a default: absent from a row, kept as stored. */
  keepable: ColumnInfo[];
  updatable: ColumnInfo[];
}

const infoCache = new WeakMap<PgTable, TableInfo>();

function ident(name: string): SQL {
  return sql.raw(`"${name.replaceAll('"', '""')}"`);
}

function tableInfo(table: PgTable): TableInfo {
  const cached = infoCache.get(table);
  if (cached) return cached;
  const config = getTableConfig(table);
  const all = Object.entries(
    getTableColumns(table) as Record<string, PgColumn>,
  );
  const pkColumns: PgColumn[] = config.primaryKeys[0]?.columns ??
    all.filter(([, c]) => c.primary).map(([, c]) => c);
  if (pkColumns.length === 0) {
    throw new IngestError(`table ${config.name} has no primary key`);
  }
  const pkNames = new Set(pkColumns.map((c) => c.name));
  const columns: ColumnInfo[] = [];
  for (const [key, column] of all) {
    if (column.generatedIdentity) continue;
    const info: ColumnInfo = { key, name: column.name };
    if (column.defaultFn) {
      const fn = column.defaultFn;
      const probe = fn();
      if (is(probe, SQL)) info.sqlDefault = probe;
      else info.jsDefault = fn;
    } else if (column.default !== undefined) {
      const value = column.default;
      if (is(value, SQL)) info.sqlDefault = value;
      else info.jsDefault = () => value;
    }
    if (column.columnType === "PgNumeric") {
      const { precision, scale } = column as unknown as {
        precision?: number;
        scale?: number;
      };
      info.numeric = { precision: precision ?? 1000, scale: scale ?? 0 };
    }
    columns.push(info);
  }
  const updatable = columns.filter((c) => !pkNames.has(c.name));
  const info: TableInfo = {
    name: config.name,
    columns,
    pkColumns: columns.filter((c) => pkNames.has(c.name)),
    insertList: sql.join(columns.map((c) => ident(c.name)), sql`, `),
    selectList: sql.join(
      columns.map((c) =>
        c.sqlDefault
          ? sql`coalesce(r.${ident(c.name)}, ${c.sqlDefault})`
          : sql`r.${ident(c.name)}`
      ),
      sql`, `,
    ),
    pkList: sql.join(pkColumns.map((c) => ident(c.name)), sql`, `),
    setList: setListOf(updatable),
    updatable,
    keepable: updatable.filter((c) => !c.jsDefault && !c.sqlDefault),
  };
  infoCache.set(table, info);
  return info;
}

function setListOf(columns: readonly ColumnInfo[]): SQL {
  return sql.join(
    columns.map((c) => sql`${ident(c.name)} = excluded.${ident(c.name)}`),
    sql`, `,
  );
}

const DECIMAL = /^-?(\d+)(?:\.(\d+))?$/;

/** Digits of a whole part without its leading zeros ("007" → 1, "0" → 1). */
function significantDigits(whole: string): number {
  let zeros = 0;
  while (zeros < whole.length - 1 && whole.charCodeAt(zeros) === 48) zeros++;
  return whole.length - zeros;
}

/**
 * Turns one row into the JSON object json_populate_recordset reads (keys are
 * column names), checking numeric values on the way: money is a decimal
 * string that PostgreSQL must not round (never a float).
 */
function toRecord(
  info: TableInfo,
  row: Record<string, unknown>,
  index: number,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of info.columns) {
    let v = row[c.key];
    if ((v === undefined || v === null) && c.jsDefault) v = c.jsDefault();
    if (v === undefined || v === null) continue;
    if (c.numeric) {
      const m = typeof v === "string" ? DECIMAL.exec(v) : null;
      if (
        !m || (m[2]?.length ?? 0) > c.numeric.scale ||
        significantDigits(m[1]) > c.numeric.precision - c.numeric.scale
      ) {
        throw new IngestError(
          `${info.name}.${c.name} in row ${index} must be a decimal string with at most ${c.numeric.scale} decimals (got ${
            JSON.stringify(v)
          })`,
        );
      }
    }
    // Text PostgreSQL cannot store (NUL, lone surrogates) is cleaned here,
    // for every column and inside json values (see text.ts).
    out[c.name] = v instanceof Date ? v.toISOString() : cleanValue(v);
  }
  return out;
}

/** The row's key as a string, or undefined when the database assigns part of it. */
function pkOf(
  info: TableInfo,
  row: Record<string, unknown>,
): string | undefined {
  let key = "";
  for (const c of info.pkColumns) {
    let v = row[c.key];
    if ((v === undefined || v === null) && c.jsDefault) v = c.jsDefault();
    if (v === undefined || v === null) return undefined;
    key += (v instanceof Date ? v.toISOString() : cleanText(String(v))) +
      "\u0000";
  }
  return key;
}

/** Keeps the last row for each primary key: one statement may not touch a row twice. */
function dedupe<R extends Record<string, unknown>>(
  info: TableInfo,
  rows: readonly R[],
): readonly R[] {
  const seen = new Map<string, number>();
  for (let i = 0; i < rows.length; i++) {
    seen.set(pkOf(info, rows[i]) ?? `\u0001${i}`, i);
  }
  if (seen.size === rows.length) return rows;
  return [...seen.values()].sort((a, b) => a - b).map((i) => rows[i]);
}

/** Converts and checks every row before any SQL runs. */
function toRecords(
  info: TableInfo,
  rows: readonly Record<string, unknown>[],
): Record<string, unknown>[] {
  return rows.map((row, i) => toRecord(info, row, i));
}

function chunkSize(opts: { chunkRows?: number }): number {
  const n = opts.chunkRows ?? DEFAULT_CHUNK_ROWS;
  if (!Number.isInteger(n) || n < 1) {
    throw new IngestError("chunkRows must be a positive whole number");
  }
  return n;
}

/** Rows converted, checked and serialised, ready for one table's statements. */
export interface PreparedWrite {
  readonly table: PgTable;
  readonly mode: "upsert" | "insert";
  /** One json array per statement, with the rows' positions in the batch. */
  readonly chunks: readonly {
    json: string;
    from: number;
    to: number;
    /**
     * Columns these rows leave out (undefined, not null): an upsert keeps
     * their stored values (absent is not null).
     */
    absent?: readonly string[];
  }[];
}

function prepare(
  table: PgTable,
  rows: readonly Record<string, unknown>[],
  mode: PreparedWrite["mode"],
  opts: { chunkRows?: number },
): PreparedWrite {
  const info = tableInfo(table);
  const size = chunkSize(opts);
  const batch = mode === "upsert" ? dedupe(info, rows) : rows;
  const records = toRecords(info, batch);
  const chunks: {
    json: string;
    from: number;
    to: number;
    absent?: string[];
  }[] = [];
  // Rows are chunked in order; a chunk also ends where the set of columns
  // the rows leave out (undefined) changes, so each statement updates only
  // the columns its rows carry.
  const absentOf = (row: Record<string, unknown>) =>
    mode === "upsert"
      ? info.keepable.filter((c) => row[c.key] === undefined).map((c) => c.name)
      : [];
  let at = 0;
  while (at < records.length) {
    const absent = absentOf(batch[at]);
    const sig = absent.join(",");
    let end = at + 1;
    while (
      end < records.length && end - at < size &&
      absentOf(batch[end]).join(",") === sig
    ) end++;
    chunks.push({
      json: JSON.stringify(records.slice(at, end)),
      from: at,
      to: end,
      ...(absent.length ? { absent } : {}),
    });
    at = end;
  }
  return { table, mode, chunks };
}

/**
 * Converts and checks rows for an idempotent upsert on the table's primary
 * key, `chunkRows` rows per statement, without touching the database. Throws
 * IngestError for a bad value. Duplicate keys keep the last row.
 */
export function prepareUpsert<T extends PgTable>(
  table: T,
  rows: readonly T["$inferInsert"][],
  opts: { chunkRows?: number } = {},
): PreparedWrite {
  return prepare(
    table,
    rows as readonly Record<string, unknown>[],
    "upsert",
    opts,
  );
}

/**
 * Runs prepared statements. An upsert replaces every non-key column by the
 * incoming value (null means NULL; a column the row leaves out (undefined)
 * keeps its stored value unless it has a default, which applies), so a replay leaves the same data and reports the rows as
 * `updated`. `insertOnly` runs an upsert's rows as plain inserts, which cost
 * the database ~20% less and fail on the first existing key (see
 * isDuplicateKey): for rows that are almost always new, as in a backfill.
 */
export async function writePrepared(
  tx: Tx,
  prepared: PreparedWrite,
  opts: { insertOnly?: boolean } = {},
): Promise<WriteResult> {
  const result: WriteResult = { inserted: 0, updated: 0 };
  const { table } = prepared;
  const info = tableInfo(table);
  const onBad = badRowHandlers.get(tx);
  for (const { json, from, to, absent } of prepared.chunks) {
    const chunkOpts = { ...opts, absent };
    if (!onBad) {
      addResult(
        result,
        await writeChunk(tx, prepared, info, json, from, to, chunkOpts),
      );
      continue;
    }
    // A handler is registered: the chunk runs in a savepoint, and when the
    // database refuses it, row by row, so one row it cannot store is
    // reported and the rest are written.
    try {
      addResult(
        result,
        await tx.transaction((sp) =>
          writeChunk(sp as Tx, prepared, info, json, from, to, chunkOpts)
        ),
      );
      continue;
    } catch (err) {
      if (!isRowError(err)) throw err;
    }
    const rows = JSON.parse(json) as unknown[];
    for (let i = 0; i < rows.length; i++) {
      try {
        addResult(
          result,
          await tx.transaction((sp) =>
            writeChunk(
              sp as Tx,
              prepared,
              info,
              JSON.stringify([rows[i]]),
              from + i,
              from + i + 1,
              chunkOpts,
            )
          ),
        );
      } catch (err) {
        if (!isRowError(err)) throw err;
        onBad({
          table: info.name,
          row: from + i,
          reason: (err as Error).message,
        });
      }
    }
  }
  return result;
}

async function writeChunk(
  tx: Tx,
  prepared: PreparedWrite,
  info: TableInfo,
  json: string,
  from: number,
  to: number,
  opts: { insertOnly?: boolean; absent?: readonly string[] },
): Promise<WriteResult> {
  const absent = new Set(opts.absent ?? []);
  const kept = info.updatable.filter((c) => !absent.has(c.name));
  // Every column absent: the key is touched (no-op update) so the row still
  // counts as written.
  const setList = absent.size === 0
    ? info.setList
    : kept.length
    ? setListOf(kept)
    : setListOf(info.pkColumns.slice(0, 1));
  const tail = prepared.mode === "upsert" && !opts.insertOnly
    ? sql`on conflict (${info.pkList}) do update set ${setList}
        returning (xmax = 0) as fresh`
    : sql`returning true as fresh`;
  const written = sql`
      insert into ${prepared.table} (${info.insertList})
      select ${info.selectList}
      from json_populate_recordset(null::${prepared.table}, ${json}::json) as r
      ${tail}`;
  const [counts] = rowsOf<{ inserted: number; total: number }>(
    await run(
      tx,
      sql`
        with written as (${written})
        select (count(*) filter (where fresh))::int as inserted,
               count(*)::int as total
        from written`,
      info.name,
      from,
      to,
    ),
  );
  return {
    inserted: counts.inserted,
    updated: counts.total - counts.inserted,
  };
}

/**
 * Whether the database refused the rows for what they hold: a data
 * exception (class 22: bad value, too long, invalid text), an integrity
 * violation other than a duplicate key (class 23: not null, check, foreign
 * key) or a program limit (class 54: an index row too large). Anything else
 * (connection, permission, row-level security) fails the write.
 */
function isRowError(err: unknown): boolean {
  if (!(err instanceof IngestError) || isDuplicateKey(err)) return false;
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^(22|23|54)/.test(code)) return true;
  }
  return false;
}

/** A row the database refused: its table, position in the batch, and why. */
export interface RefusedRow {
  table: string;
  row: number;
  reason: string;
}

const badRowHandlers = new WeakMap<Tx, (row: RefusedRow) => void>();

/**
 * Within `tx`, rows the database refuses are reported to `handler` and the
 * rest of their batch is written (each chunk in a savepoint, row by row
 * after a refusal), instead of the write failing. Duplicate keys of plain
 * inserts still fail (isDuplicateKey: the caller falls back to upserts).
 */
export function reportRefusedRows(
  tx: Tx,
  handler: (row: RefusedRow) => void,
): void {
  badRowHandlers.set(tx, handler);
}

/**
 * Idempotent upsert on the table's primary key, `chunkRows` rows per
 * statement: prepareUpsert then writePrepared.
 */
export async function upsertRows<T extends PgTable>(
  tx: Tx,
  table: T,
  rows: readonly T["$inferInsert"][],
  opts: { chunkRows?: number } = {},
): Promise<WriteResult> {
  if (rows.length === 0) return { inserted: 0, updated: 0 };
  return await writePrepared(tx, prepareUpsert(table, rows, opts));
}

/** Plain inserts in chunks, for append-only tables (no key to replay on). */
export async function insertRows<T extends PgTable>(
  tx: Tx,
  table: T,
  rows: readonly T["$inferInsert"][],
  opts: { chunkRows?: number } = {},
): Promise<WriteResult> {
  if (rows.length === 0) return { inserted: 0, updated: 0 };
  return await writePrepared(
    tx,
    prepare(table, rows as readonly Record<string, unknown>[], "insert", opts),
  );
}

async function run(
  tx: Tx,
  query: SQL,
  table: string,
  from: number,
  to: number,
): Promise<unknown> {
  try {
    return await tx.execute(query);
  } catch (err) {
    throw refused(table, from, to, err);
  }
}

/** Whether a write failed on an existing primary key or unique value. */
export function isDuplicateKey(err: unknown): boolean {
  for (let e = err; e instanceof Error; e = e.cause) {
    if ((e as { code?: unknown }).code === "23505") return true;
  }
  return false;
}

/** Adds `b` into `a` and returns `a`. */
export function addResult(a: WriteResult, b: WriteResult): WriteResult {
  a.inserted += b.inserted;
  a.updated += b.updated;
  return a;
}
