// Data Policy §8 (encrypted backups) and §9 (buyer personal data no longer
// than 30 days): `deno task backup FILE`. One consistent snapshot of every
// application table, the sequences and the migration journal
// (db/snapshot.ts), written as NDJSON-like lines through the encrypted
// container (container.ts). Buyer personal data (buyer_pii) is never in a
// backup: a backup is kept for up to 90 days, three times the 30 days the
// policy allows buyer data to live, and a copy outside the database could
// not be purged row by row. Audited as `backup.create`.
import { sql } from "drizzle-orm";
import { type Database, rowsOf } from "../../db/client.ts";
import { readSnapshot } from "../../db/snapshot.ts";
import { recordAudit } from "../security/audit.ts";
import { createBackupWriter, DEFAULT_CHUNK_BYTES } from "./container.ts";

/** Tables whose rows never enter a backup (buyer personal data, §9). */
export const EXCLUDED_FROM_BACKUP = ["buyer_pii"] as const;
/**
 * A backup's longest life: Amazon's limit for copies of data it asks to be
 * deleted. Shorter when the "archives" retention rule is shorter.
 */
export const BACKUP_MAX_DAYS = 90;
const DAY_MS = 86_400_000;

/** The line kinds of a backup's plaintext. */
export const LINE = {
  meta: "M",
  table: "T",
  row: "R",
  sequence: "S",
  end: "E",
} as const;

/** The first line: what the backup is, and of which schema. */
export interface BackupMeta {
  v: 1;
  createdAt: string;
  expiresAt: string;
  engine: string;
  migrations: { hash: string; createdAt: string }[];
  tables: string[];
  excluded: string[];
}

/** The last line: what the backup holds, checked on restore. */
export interface BackupEnd {
  rows: Record<string, number>;
  sequences: number;
}

export interface BackupResult {
  file: string;
  createdAt: Date;
  expiresAt: Date;
  bytes: number;
  rows: Record<string, number>;
  totalRows: number;
}

export class BackupError extends Error {
  override name = "BackupError";
}

/** When a backup taken at `now` expires: the archives rule, at most 90 days. */
export async function backupExpiry(db: Database, now: Date): Promise<Date> {
  const [rule] = await db.asUser(
    { userId: "", storeIds: [] },
    async (tx) =>
      rowsOf<{ days: number }>(
        await tx.execute(
          sql`select days from retention_rules where category = 'archives'`,
        ),
      ),
  );
  const days = Math.min(Number(rule?.days ?? BACKUP_MAX_DAYS), BACKUP_MAX_DAYS);
  return new Date(now.getTime() + days * DAY_MS);
}

const basename = (path: string) => path.slice(path.lastIndexOf("/") + 1);

/**
 * Writes an encrypted backup of the whole database to `path` (refusing to
 * overwrite a file): to `path.partial` first, renamed when complete, so a
 * failed backup leaves no file that looks whole. Audited either way.
 */
export async function createBackup(
  deps: {
    db: Database;
    key: Uint8Array<ArrayBuffer>;
    now?: Date;
    chunkBytes?: number;
    /** Who ran it (the OS user), for the audit trail. */
    actor?: string;
  },
  path: string,
): Promise<BackupResult> {
  const { db } = deps;
  const createdAt = deps.now ?? new Date();
  const file = basename(path);
  try {
    await Deno.lstat(path);
    throw new BackupError(`${path} already exists; choose a new file name`);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  const partial = `${path}.partial`;
  const expiresAt = await backupExpiry(db, createdAt);
  try {
    const out = await Deno.open(partial, {
      write: true,
      createNew: true,
      mode: 0o600,
    });
    let result: { bytes: number; rows: Record<string, number> };
    try {
      const writer = await createBackupWriter(out, deps.key, {
        createdAt: createdAt.toISOString(),
        expiresAt: expiresAt.toISOString(),
        engine: db.engine,
        excluded: [...EXCLUDED_FROM_BACKUP],
      }, deps.chunkBytes ?? DEFAULT_CHUNK_BYTES);
      let sequences = 0;
      const rows = await readSnapshot(db, {
        begin: ({ migrations, tables }) =>
          writer.write(
            `${LINE.meta}\t${
              JSON.stringify(
                {
                  v: 1,
                  createdAt: createdAt.toISOString(),
                  expiresAt: expiresAt.toISOString(),
                  engine: db.engine,
                  migrations,
                  tables: tables.map((t) => t.name),
                  excluded: [...EXCLUDED_FROM_BACKUP],
                } satisfies BackupMeta,
              )
            }\n`,
          ),
        table: (t) => writer.write(`${LINE.table}\t${JSON.stringify(t)}\n`),
        rows: (json) =>
          writer.write(json.map((j) => `${LINE.row}\t${j}\n`).join("")),
        sequence: (s) => {
          sequences++;
          return writer.write(`${LINE.sequence}\t${JSON.stringify(s)}\n`);
        },
      }, { exclude: EXCLUDED_FROM_BACKUP });
      await writer.write(
        `${LINE.end}\t${
          JSON.stringify({ rows, sequences } satisfies BackupEnd)
        }`,
      );
      const { bytes } = await writer.finish();
      await out.sync();
      result = { bytes, rows };
    } finally {
      out.close();
    }
    await Deno.rename(partial, path);
    const totalRows = Object.values(result.rows).reduce((a, b) => a + b, 0);
    await recordAudit(db, null, {
      actorType: "system",
      actorId: deps.actor ?? "deno task backup",
      action: "backup.create",
      target: file,
      outcome: "success",
      details: { file, expiresAt: expiresAt.toISOString() },
    });
    return {
      file: path,
      createdAt,
      expiresAt,
      bytes: result.bytes,
      rows: result.rows,
      totalRows,
    };
  } catch (err) {
    await Deno.remove(partial).catch(() => {});
    if (err instanceof BackupError) throw err;
    await recordAudit(db, null, {
      actorType: "system",
      actorId: deps.actor ?? "deno task backup",
      action: "backup.create",
      target: file,
      outcome: "failure",
      details: {
        file,
        error: err instanceof Error ? err.message : String(err),
      },
    }).catch(() => {});
    throw err;
  }
}
