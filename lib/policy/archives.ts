// Data Policy §9 and §10 (issue #14, "Archives and backups"): a disconnected
// store's archives are cold. Each is an encrypted file under
// $DATA_DIR/archives/<store>/<disconnection>/<category>.jwe-lines (one vault
// JWE per batch of rows), never loaded into the database, so no page or
// query of the portal reads it. Beside it, <category>.manifest.json says
// what it holds and until when: category, tables and row counts, created,
// its expiry from the "archives" retention rule, how it is encrypted, the
// file's SHA-256 — never any of its content. Reading one back is a
// download with `archives.download`, a reason and a confirmation, audited.
// The retention purge deletes archives past their expiry (unless under a
// legal hold) and takes buyer personal data out of any archive past its 30
// days (none is archived today: the disconnection offers delete or keep).
import { sql } from "drizzle-orm";
import { encodeHex } from "../security/_hex.ts";
import { type Database, type Principal, rowsOf } from "../../db/client.ts";
import { recordAudit, type RequestMeta } from "../security/audit.ts";
import { isPlainText } from "../validation.ts";
import type { Vault } from "../security/vault.ts";

/** The vault purpose archive lines are sealed for. */
export const ARCHIVE_PURPOSE = "store_archive";
const ARCHIVE_BATCH = 1000;
const DAY_MS = 86_400_000;
/** Tables whose rows are buyer personal data (Data Policy §9, 30 days). */
const PERSONAL_TABLES = ["buyer_pii"];

export interface ArchiveManifest {
  v: 1;
  kind: "custodian.archive";
  storeId: string;
  disconnectionId: string;
  category: string;
  /** The archive's file name, beside the manifest. */
  file: string;
  /** Rows per table. */
  tables: Record<string, number>;
  rows: number;
  createdAt: string;
  /** The "archives" rule's days when it was made. */
  retentionDays: number;
  expiresAt: string;
  /** Whether it holds buyer personal data (never, today). */
  personalData: boolean;
  encryption: string;
  sha256: string;
  /** When buyer personal data was taken out, if it ever was. */
  personalDataRemovedAt?: string;
}

/** An archive as the pages list it. */
export interface ArchiveListing extends ArchiveManifest {
  storeName: string;
  /** The earlier of the manifest's expiry and the current rule's. */
  effectiveExpiresAt: string;
}

export interface ArchiveDeps {
  db: Database;
  vault: Vault;
  /** $DATA_DIR/archives. */
  archiveDir: string;
}

export class ArchiveError extends Error {
  override name = "ArchiveError";
  constructor(readonly code: "reason" | "reason_text" | "confirm") {
    super(`archive download refused: ${code}`);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CATEGORY = /^[a-z_]{1,40}$/;

const archivePath = (dir: string, s: string, d: string, c: string) =>
  `${dir}/${s}/${d}/${c}.jwe-lines`;
const manifestPath = (dir: string, s: string, d: string, c: string) =>
  `${dir}/${s}/${d}/${c}.manifest.json`;

async function ruleDays(db: Database, category: string): Promise<number> {
  const [rule] = await db.asUser(
    { userId: "", storeIds: [] },
    async (tx) =>
      rowsOf<{ days: number }>(
        await tx.execute(
          sql`select days from retention_rules where category = ${category}`,
        ),
      ),
  );
  if (!rule) throw new Error(`no retention rule for ${category}`);
  return Number(rule.days);
}

async function sha256File(path: string): Promise<string> {
  return encodeHex(
    new Uint8Array(
      await crypto.subtle.digest("SHA-256", await Deno.readFile(path)),
    ),
  );
}

/** Writes a file whole or not at all (temp file, then rename). */
async function writeAtomic(path: string, text: string): Promise<void> {
  const temp = `${path}.tmp`;
  await Deno.writeTextFile(temp, text, { mode: 0o600 });
  await Deno.rename(temp, path);
}

async function writeManifest(
  deps: ArchiveDeps,
  m: Omit<ArchiveManifest, "sha256" | "v" | "kind" | "encryption">,
): Promise<ArchiveManifest> {
  const dir = `${deps.archiveDir}/${m.storeId}/${m.disconnectionId}`;
  const manifest: ArchiveManifest = {
    v: 1,
    kind: "custodian.archive",
    ...m,
    encryption:
      `one vault JWE (dir + A256GCM, key ${deps.vault.activeKid}) per batch of up to ${ARCHIVE_BATCH} rows; the content is never in this manifest`,
    sha256: await sha256File(`${dir}/${m.file}`),
  };
  await writeAtomic(
    manifestPath(deps.archiveDir, m.storeId, m.disconnectionId, m.category),
    JSON.stringify(manifest, null, 2),
  );
  return manifest;
}

/**
 * Writes one category's rows of a store as an encrypted archive (one line
 * per batch, each a vault JWE of `{table, rows}`), then its manifest.
 * Rewritten whole if a crash cut it. Returns the archive's path.
 */
export async function writeArchive(
  deps: ArchiveDeps,
  storeId: string,
  disconnectionId: string,
  category: string,
  tables: readonly string[],
  now = new Date(),
): Promise<string> {
  if (tables.some((t) => PERSONAL_TABLES.includes(t))) {
    // §9: buyer personal data never outlives its 30 days in an archive.
    throw new Error("buyer personal data is never archived");
  }
  const dir = `${deps.archiveDir}/${storeId}/${disconnectionId}`;
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  const path = archivePath(deps.archiveDir, storeId, disconnectionId, category);
  const file = await Deno.open(path, {
    write: true,
    create: true,
    truncate: true,
    mode: 0o600,
  });
  const encoder = new TextEncoder();
  const counts: Record<string, number> = {};
  try {
    for (const table of tables) {
      counts[table] = 0;
      for (let offset = 0;; offset += ARCHIVE_BATCH) {
        const rows = await deps.db.asJob(storeId, async (tx) =>
          rowsOf(
            await tx.execute(
              sql`select to_jsonb(t) as row from ${
                sql.identifier(table)
              } t where store_id = ${storeId} order by ctid
              limit ${ARCHIVE_BATCH} offset ${offset}`,
            ),
          ).map((r) => (r as { row: unknown }).row));
        if (rows.length === 0) break;
        counts[table] += rows.length;
        const line = await deps.vault.seal(
          JSON.stringify({ table, rows }),
          ARCHIVE_PURPOSE,
        );
        await file.write(encoder.encode(`${line}\n`));
        if (rows.length < ARCHIVE_BATCH) break;
      }
    }
    await file.sync();
  } finally {
    file.close();
  }
  const days = await ruleDays(deps.db, "archives");
  await writeManifest(deps, {
    storeId,
    disconnectionId,
    category,
    file: `${category}.jwe-lines`,
    tables: counts,
    rows: Object.values(counts).reduce((a, b) => a + b, 0),
    createdAt: now.toISOString(),
    retentionDays: days,
    expiresAt: new Date(now.getTime() + days * DAY_MS).toISOString(),
    personalData: false,
  });
  return path;
}

/** Reads an archive back, batch by batch. */
export async function* readArchive(
  vault: Vault,
  path: string,
): AsyncGenerator<{ table: string; rows: unknown[] }> {
  const text = await Deno.readTextFile(path);
  for (const line of text.split("\n")) {
    if (!line) continue;
    yield JSON.parse(await vault.open(line, ARCHIVE_PURPOSE));
  }
}

async function* dirs(path: string): AsyncGenerator<string> {
  try {
    for await (const e of Deno.readDir(path)) {
      if (e.isDirectory && UUID.test(e.name)) yield e.name;
    }
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
}

/** Every archive file under the archive directory, with its manifest if any. */
async function scan(archiveDir: string): Promise<
  {
    storeId: string;
    disconnectionId: string;
    category: string;
    manifest: ArchiveManifest | null;
  }[]
> {
  const out = [];
  for await (const storeId of dirs(archiveDir)) {
    for await (const disconnectionId of dirs(`${archiveDir}/${storeId}`)) {
      const dir = `${archiveDir}/${storeId}/${disconnectionId}`;
      for await (const e of Deno.readDir(dir)) {
        const m = /^([a-z_]{1,40})\.jwe-lines$/.exec(e.name);
        if (!e.isFile || !m) continue;
        let manifest: ArchiveManifest | null = null;
        try {
          manifest = JSON.parse(
            await Deno.readTextFile(
              manifestPath(archiveDir, storeId, disconnectionId, m[1]),
            ),
          );
        } catch (err) {
          if (
            !(err instanceof Deno.errors.NotFound || err instanceof SyntaxError)
          ) throw err;
        }
        out.push({ storeId, disconnectionId, category: m[1], manifest });
      }
    }
  }
  return out;
}

/** The stores `principal` sees, by id, with their names. */
async function visibleStores(
  db: Database,
  principal: Principal,
): Promise<Map<string, string>> {
  const rows = await db.asUser(
    principal,
    async (tx) =>
      rowsOf<{ id: string; name: string }>(
        await tx.execute(sql`select id::text as id, name from stores`),
      ),
  );
  return new Map(rows.map((r) => [r.id, r.name]));
}

const earlier = (a: string, b: Date) =>
  new Date(Math.min(new Date(a).getTime(), b.getTime())).toISOString();

/**
 * The archives of the stores `principal` sees, from their manifests (never
 * their content), oldest first.
 */
export async function listArchives(
  deps: Pick<ArchiveDeps, "db" | "archiveDir">,
  principal: Principal,
): Promise<ArchiveListing[]> {
  const stores = await visibleStores(deps.db, principal);
  const days = await ruleDays(deps.db, "archives");
  return (await scan(deps.archiveDir)).flatMap((a) =>
    a.manifest && stores.has(a.storeId)
      ? [{
        ...a.manifest,
        storeName: stores.get(a.storeId)!,
        effectiveExpiresAt: earlier(
          a.manifest.expiresAt,
          new Date(new Date(a.manifest.createdAt).getTime() + days * DAY_MS),
        ),
      }]
      : []
  ).sort((x, y) => x.createdAt.localeCompare(y.createdAt));
}

/**
 * Opens one archive for download after checking the reason and the
 * confirmation and recording who asked and why (`archive.download`, in the
 * same transaction as the check that the store is visible). Null when
 * there is no such archive (or it expired). The route requires
 * `archives.download`.
 */
export async function downloadArchive(
  deps: ArchiveDeps,
  actor: Principal,
  input: {
    storeId: string;
    disconnectionId: string;
    category: string;
    reason: string;
    confirmed: boolean;
  },
  meta: RequestMeta = {},
  now = new Date(),
): Promise<
  { manifest: ArchiveManifest; lines: AsyncGenerator<string> } | null
> {
  const reason = input.reason.trim();
  if (reason.length < 5 || reason.length > 500) {
    throw new ArchiveError("reason");
  }
  if (!isPlainText(reason, { multiline: true })) {
    throw new ArchiveError("reason_text");
  }
  if (!input.confirmed) throw new ArchiveError("confirm");
  if (
    !UUID.test(input.storeId) || !UUID.test(input.disconnectionId) ||
    !CATEGORY.test(input.category)
  ) return null;
  const listed = (await listArchives(deps, actor)).find((a) =>
    a.storeId === input.storeId &&
    a.disconnectionId === input.disconnectionId &&
    a.category === input.category
  );
  if (!listed || new Date(listed.effectiveExpiresAt) <= now) return null;
  await recordAudit(deps.db, actor, {
    actorType: "staff",
    actorId: actor.userId,
    action: "archive.download",
    storeId: input.storeId,
    target: `${input.disconnectionId}/${input.category}`,
    outcome: "success",
    ...meta,
    details: {
      reason,
      rows: listed.rows,
      expiresAt: listed.effectiveExpiresAt,
    },
  });
  const path = archivePath(
    deps.archiveDir,
    input.storeId,
    input.disconnectionId,
    input.category,
  );
  const vault = deps.vault;
  return {
    manifest: listed,
    lines: (async function* () {
      for await (const batch of readArchive(vault, path)) {
        for (const row of batch.rows) {
          yield `${JSON.stringify({ table: batch.table, row })}\n`;
        }
      }
    })(),
  };
}

/** Whether an active legal hold covers an archive (store, category, time, id). */
async function held(
  db: Database,
  a: ArchiveManifest,
): Promise<boolean> {
  const [row] = await db.asJob(
    a.storeId,
    async (tx) =>
      rowsOf<{ held: boolean }>(
        await tx.execute(sql`select exists (select 1 from legal_holds h
        where h.released_at is null
          and (h.store_id is null or h.store_id = ${a.storeId}::uuid)
          and (h.category is null or h.category in ('archives', ${a.category}))
          and (h.record_ids is null or ${a.disconnectionId} = any(h.record_ids))
          and (h.from_at is null or ${a.createdAt}::timestamptz >= h.from_at)
          and (h.to_at is null or ${a.createdAt}::timestamptz <= h.to_at)
        ) as held`),
      ),
  );
  return Boolean(row?.held);
}

/** What one run of the archive purge did (counts, never content). */
export interface ArchivePurge {
  deleted: { storeId: string; category: string; rows: number }[];
  personalDataRemoved: { storeId: string; category: string; rows: number }[];
  held: number;
  /** Manifests written for archives that had none (made before manifests). */
  manifested: number;
}

/**
 * The retention purge's hook for archives (jobs/purge.ts calls it after the
 * database purge): writes a manifest for any archive made before manifests
 * existed; deletes archives past their expiry (the manifest's, or the
 * current "archives" rule's if shorter), except those under a legal hold;
 * and removes buyer personal data from any archive holding some past the
 * buyer_pii rule's days. Each deletion and removal is audited and written
 * as a purge record of category "archives".
 */
export async function purgeExpiredArchives(
  deps: ArchiveDeps,
  now: Date = new Date(),
): Promise<ArchivePurge> {
  const result: ArchivePurge = {
    deleted: [],
    personalDataRemoved: [],
    held: 0,
    manifested: 0,
  };
  const archiveDays = await ruleDays(deps.db, "archives");
  const personalDays = await ruleDays(deps.db, "buyer_pii");
  for (const found of await scan(deps.archiveDir)) {
    let manifest = found.manifest;
    if (!manifest) {
      manifest = await manifestOldArchive(deps, found, archiveDays);
      result.manifested++;
    }
    const created = new Date(manifest.createdAt).getTime();
    const expires = Math.min(
      new Date(manifest.expiresAt).getTime(),
      created + archiveDays * DAY_MS,
    );
    const personal = PERSONAL_TABLES.some((t) => (manifest.tables[t] ?? 0) > 0);
    const expired = expires <= now.getTime();
    const personalDue = personal &&
      created + personalDays * DAY_MS <= now.getTime();
    if (!expired && !personalDue) continue;
    if (await held(deps.db, manifest)) {
      result.held++;
      continue;
    }
    const dir =
      `${deps.archiveDir}/${manifest.storeId}/${manifest.disconnectionId}`;
    if (expired) {
      await Deno.remove(`${dir}/${manifest.file}`).catch(ignoreMissing);
      await Deno.remove(
        manifestPath(
          deps.archiveDir,
          manifest.storeId,
          manifest.disconnectionId,
          manifest.category,
        ),
      ).catch(ignoreMissing);
      await removeIfEmpty(dir);
      await removeIfEmpty(`${deps.archiveDir}/${manifest.storeId}`);
      await recordPurge(
        deps.db,
        manifest,
        "archive.expire",
        {
          rows: manifest.rows,
          expiresAt: new Date(expires).toISOString(),
        },
        archiveDays,
        manifest.rows,
        now,
      );
      result.deleted.push({
        storeId: manifest.storeId,
        category: manifest.category,
        rows: manifest.rows,
      });
      continue;
    }
    const removed = await removePersonalData(deps, manifest, now);
    await recordPurge(
      deps.db,
      manifest,
      "archive.personal_data.remove",
      {
        rows: removed,
        tables: PERSONAL_TABLES,
      },
      personalDays,
      removed,
      now,
    );
    result.personalDataRemoved.push({
      storeId: manifest.storeId,
      category: manifest.category,
      rows: removed,
    });
  }
  return result;
}

const ignoreMissing = (err: unknown) => {
  if (!(err instanceof Deno.errors.NotFound)) throw err;
};

async function removeIfEmpty(dir: string) {
  try {
    await Deno.remove(dir);
  } catch (err) {
    if (
      !(err instanceof Deno.errors.NotFound) &&
      !(err instanceof Error && /not empty|ENOTEMPTY/i.test(err.message))
    ) throw err;
  }
}

/** A manifest for an archive written before manifests: counted by reading it. */
async function manifestOldArchive(
  deps: ArchiveDeps,
  a: { storeId: string; disconnectionId: string; category: string },
  archiveDays: number,
): Promise<ArchiveManifest> {
  const path = archivePath(
    deps.archiveDir,
    a.storeId,
    a.disconnectionId,
    a.category,
  );
  const tables: Record<string, number> = {};
  for await (const batch of readArchive(deps.vault, path)) {
    tables[batch.table] = (tables[batch.table] ?? 0) + batch.rows.length;
  }
  const created = (await Deno.stat(path)).mtime ?? new Date();
  return await writeManifest(deps, {
    ...a,
    file: `${a.category}.jwe-lines`,
    tables,
    rows: Object.values(tables).reduce((x, y) => x + y, 0),
    createdAt: created.toISOString(),
    retentionDays: archiveDays,
    expiresAt: new Date(created.getTime() + archiveDays * DAY_MS)
      .toISOString(),
    personalData: PERSONAL_TABLES.some((t) => (tables[t] ?? 0) > 0),
  });
}

/**
 * Rewrites an archive without its buyer personal data: every line is
 * opened to see its table, and the other tables' lines are kept as they
 * were (still sealed). The new file replaces the old one whole.
 */
async function removePersonalData(
  deps: ArchiveDeps,
  m: ArchiveManifest,
  now: Date,
): Promise<number> {
  const path = archivePath(
    deps.archiveDir,
    m.storeId,
    m.disconnectionId,
    m.category,
  );
  const kept: string[] = [];
  const tables: Record<string, number> = {};
  let removed = 0;
  for (const line of (await Deno.readTextFile(path)).split("\n")) {
    if (!line) continue;
    const batch = JSON.parse(await deps.vault.open(line, ARCHIVE_PURPOSE)) as {
      table: string;
      rows: unknown[];
    };
    if (PERSONAL_TABLES.includes(batch.table)) {
      removed += batch.rows.length;
      continue;
    }
    tables[batch.table] = (tables[batch.table] ?? 0) + batch.rows.length;
    kept.push(`${line}\n`);
  }
  await writeAtomic(path, kept.join(""));
  await writeManifest(deps, {
    storeId: m.storeId,
    disconnectionId: m.disconnectionId,
    category: m.category,
    file: m.file,
    tables,
    rows: Object.values(tables).reduce((a, b) => a + b, 0),
    createdAt: m.createdAt,
    retentionDays: m.retentionDays,
    expiresAt: m.expiresAt,
    personalData: false,
    personalDataRemovedAt: now.toISOString(),
  });
  return removed;
}

/** The audit event and the purge record of one archive purge step. */
async function recordPurge(
  db: Database,
  m: ArchiveManifest,
  action: string,
  details: Record<string, unknown>,
  ruleDays: number,
  rows: number,
  now: Date,
): Promise<void> {
  await db.asJob(m.storeId, async (tx) => {
    await tx.execute(sql`insert into purge_records
      (store_id, category, rule_days, dry_run, rows_due, rows_deleted,
       rows_held, status, started_at, finished_at)
      values (${m.storeId}::uuid, 'archives', ${ruleDays}, false, ${rows},
        ${rows}, 0, 'done', ${now.toISOString()}::timestamptz,
        ${now.toISOString()}::timestamptz)`);
  });
  await recordAudit(db, { userId: "", storeIds: [m.storeId] }, {
    actorType: "system",
    actorId: "retention.purge",
    action,
    storeId: m.storeId,
    target: `${m.disconnectionId}/${m.category}`,
    outcome: "success",
    details: { ...details, category: m.category },
  });
}
