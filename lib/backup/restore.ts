// `deno task restore FILE`: loads a backup (backup.ts) into an empty
// database, on either engine. Nothing is changed until the whole file has
// been read and authenticated once; then the target is checked (empty, and
// this code's schema), migrated if it never was, and loaded in one
// transaction that verifies the audit chain before it commits. Audited as
// `backup.restore`. The audit checkpoint kept in Deno KV (outside the
// database and outside the backup) describes the trail as it was before: a
// restore records that checkpoint in its own audit event, then re-anchors
// the trail with a new checkpoint of the restored chain.
import type { Database } from "../../db/client.ts";
import {
  codeMigrations,
  loadSnapshot,
  type SnapshotItem,
  type SnapshotSequence,
  type SnapshotTable,
  targetState,
} from "../../db/snapshot.ts";
import { recordAudit } from "../security/audit.ts";
import {
  CHECKPOINT_KEY,
  lastCheckpoint,
  takeAuditCheckpoint,
} from "../security/audit_checkpoint.ts";
import type { Logger } from "../log.ts";
import type { Vault } from "../security/vault.ts";
import {
  type BackupErrorCode,
  BackupFileError,
  linesOf,
  openBackup,
} from "./container.ts";
import { type BackupEnd, type BackupMeta, LINE } from "./backup.ts";

/**
 * Tables the migrations and start-up fill themselves (retention rules, the
 * role matrix): a database holding only these is empty; the backup's rows
 * replace theirs.
 */
export const SEED_TABLES = [
  "documents",
  "detection_rules",
  "portal_settings",
  "retention_rules",
  "roles",
] as const;

export type RestoreErrorCode =
  | BackupErrorCode
  | "not_empty"
  | "schema"
  | "expired"
  | "content";

/** Why a restore was refused, as one line; nothing was changed. */
export class RestoreError extends Error {
  override name = "RestoreError";
  constructor(readonly code: RestoreErrorCode, message: string) {
    super(`restore refused: ${message}`);
  }
}

export interface RestoreResult {
  createdAt: Date;
  expiresAt: Date;
  rows: Record<string, number>;
  totalRows: number;
  sequences: number;
  auditChecked: number;
}

const ROW_BATCH = 500;
const ROW_BATCH_BYTES = 4 * 1024 * 1024;

const basename = (path: string) => path.slice(path.lastIndexOf("/") + 1);

/** The backup's lines as items for db/snapshot.ts, rows in batches. */
async function* itemsOf(
  lines: AsyncIterable<string>,
): AsyncGenerator<SnapshotItem> {
  let batch: string[] = [];
  let bytes = 0;
  for await (const line of lines) {
    const kind = line.slice(0, 1);
    const body = line.slice(2);
    if (kind === LINE.row) {
      batch.push(body);
      bytes += body.length;
      if (batch.length >= ROW_BATCH || bytes >= ROW_BATCH_BYTES) {
        yield { kind: "rows", json: batch };
        batch = [];
        bytes = 0;
      }
      continue;
    }
    if (batch.length > 0) {
      yield { kind: "rows", json: batch };
      batch = [];
      bytes = 0;
    }
    if (kind === LINE.table) {
      yield { kind: "table", table: JSON.parse(body) as SnapshotTable };
    } else if (kind === LINE.sequence) {
      yield {
        kind: "sequence",
        sequence: JSON.parse(body) as SnapshotSequence,
      };
    }
  }
  if (batch.length > 0) yield { kind: "rows", json: batch };
}

/**
 * Reads the whole file once, authenticating every chunk and checking its
 * structure (meta first, end last, row counts as the end says).
 */
async function verifyFile(
  chunks: () => AsyncIterable<Uint8Array>,
): Promise<{ meta: BackupMeta; end: BackupEnd }> {
  let meta: BackupMeta | null = null;
  let end: BackupEnd | null = null;
  let table: string | null = null;
  const counted: Record<string, number> = {};
  let sequences = 0;
  for await (const line of linesOf(chunks())) {
    if (end) {
      throw new RestoreError("content", "the backup has lines after its end");
    }
    const kind = line.slice(0, 1);
    if (line[1] !== "\t") {
      throw new RestoreError("content", "the backup's content is malformed");
    }
    if (!meta) {
      if (kind !== LINE.meta) {
        throw new RestoreError(
          "content",
          "the backup does not start with its description",
        );
      }
      meta = JSON.parse(line.slice(2)) as BackupMeta;
      continue;
    }
    if (kind === LINE.row) {
      if (table === null) {
        throw new RestoreError(
          "content",
          "the backup has rows outside a table",
        );
      }
      counted[table]++;
    } else if (kind === LINE.table) {
      table = (JSON.parse(line.slice(2)) as SnapshotTable).name;
      counted[table] = 0;
    } else if (kind === LINE.sequence) {
      sequences++;
    } else if (kind === LINE.end) {
      end = JSON.parse(line.slice(2)) as BackupEnd;
    } else {
      throw new RestoreError("content", "the backup's content is malformed");
    }
  }
  if (!meta || !end) {
    throw new BackupFileError("truncated");
  }
  const expected = JSON.stringify(Object.entries(end.rows).sort());
  if (
    JSON.stringify(Object.entries(counted).sort()) !== expected ||
    sequences !== end.sequences
  ) {
    throw new RestoreError(
      "content",
      "the backup's rows do not add up to its own totals",
    );
  }
  return { meta, end };
}

const sameMigrations = (
  a: readonly { hash: string; createdAt: string }[],
  b: readonly { hash: string; createdAt: string }[],
) =>
  a.length === b.length &&
  a.every((m, i) => m.hash === b[i].hash && m.createdAt === b[i].createdAt);

/**
 * Restores `path` into `deps.db`, which must be empty. Throws RestoreError
 * (one line, nothing changed) for a wrong key, a changed or truncated file,
 * an expired backup, another schema version or a non-empty database.
 */
export async function restoreBackup(
  deps: {
    db: Database;
    key: Uint8Array<ArrayBuffer>;
    now?: Date;
    actor?: string;
    /** The KV and vault of the audit checkpoints, to re-anchor the trail. */
    anchor?: { kv: Deno.Kv; vault: Vault; log: Logger };
  },
  path: string,
): Promise<RestoreResult> {
  const { db } = deps;
  const now = deps.now ?? new Date();
  let opened;
  let verified;
  try {
    opened = await openBackup(path, deps.key);
    verified = await verifyFile(() => opened!.chunks());
  } catch (err) {
    if (err instanceof BackupFileError) {
      throw new RestoreError(err.code, err.message);
    }
    if (err instanceof SyntaxError) {
      throw new RestoreError("content", "the backup's content is malformed");
    }
    throw err;
  }
  const { meta, end } = verified;
  const expiresAt = new Date(meta.expiresAt);
  if (!(expiresAt.getTime() > now.getTime())) {
    throw new RestoreError(
      "expired",
      `the backup expired on ${meta.expiresAt} (backups are kept at most 90 days)`,
    );
  }
  const code = codeMigrations();
  if (!sameMigrations(meta.migrations, code)) {
    throw new RestoreError(
      "schema",
      `the backup was made with ${meta.migrations.length} migrations and this Custodian has ${code.length}; restore it with the version that made it`,
    );
  }
  const state = await targetState(db, SEED_TABLES);
  if (state.occupied.length > 0) {
    const list = state.occupied.slice(0, 3).map((o) =>
      `${o.table}: ${o.rows} rows`
    ).join(", ");
    throw new RestoreError(
      "not_empty",
      `the target database is not empty (${list}${
        state.occupied.length > 3 ? ", …" : ""
      }); restore needs an empty database`,
    );
  }
  if (
    state.migrations &&
    !sameMigrations(state.migrations, code.slice(0, state.migrations.length))
  ) {
    throw new RestoreError(
      "schema",
      "the target database was migrated by another Custodian version",
    );
  }
  await db.migrate();
  const loaded = await loadSnapshot(
    db,
    itemsOf(linesOf(opened.chunks())),
    {
      seedTables: SEED_TABLES,
      check({ rows, chain }) {
        for (const [table, n] of Object.entries(end.rows)) {
          if ((rows[table] ?? 0) !== n) {
            throw new RestoreError(
              "content",
              `table ${table} loaded ${
                rows[table] ?? 0
              } rows, the backup holds ${n}`,
            );
          }
        }
        if (chain.firstBrokenId !== null) {
          throw new RestoreError(
            "content",
            `the restored audit chain breaks at row #${chain.firstBrokenId} (${chain.reason})`,
          );
        }
      },
    },
  );
  const totalRows = Object.values(loaded.rows).reduce((a, b) => a + b, 0);
  const previous = deps.anchor ? await lastCheckpoint(deps.anchor.kv) : null;
  await recordAudit(db, null, {
    actorType: "system",
    actorId: deps.actor ?? "deno task restore",
    action: "backup.restore",
    target: basename(path),
    outcome: "success",
    details: {
      file: basename(path),
      createdAt: meta.createdAt,
      expiresAt: meta.expiresAt,
      fromEngine: meta.engine,
      rows: totalRows,
      auditChecked: loaded.chain.checked,
      excluded: meta.excluded,
      replacedCheckpoint: previous
        ? { at: previous.at, count: previous.count, headId: previous.headId }
        : null,
    },
  });
  if (deps.anchor) {
    // The old checkpoint described the trail before the restore; the
    // restore event above keeps its summary, and a new one pins this chain.
    await deps.anchor.kv.delete(CHECKPOINT_KEY);
    const taken = await takeAuditCheckpoint({ db, ...deps.anchor, now });
    if (!taken.ok) {
      throw new Error(
        `the restored audit trail could not be checkpointed: ${taken.problem}`,
      );
    }
  }
  return {
    createdAt: new Date(meta.createdAt),
    expiresAt,
    rows: loaded.rows,
    totalRows,
    sequences: end.sequences,
    auditChecked: loaded.chain.checked,
  };
}
