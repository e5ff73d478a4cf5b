// Data Policy §10: when a store is disconnected we stop synchronisation,
// delete its tokens, delete or archive the data no longer needed (or keep it
// until its retention rule), and restrict backups. Every step is recorded in
// store_disconnections with counts (never content) in the same transaction
// as its effect, so a crash at any point resumes where it stopped.
import { cancelQueuedRunsTx } from "../sync/runs.ts";
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { isPlainText } from "../validation.ts";
import {
  type Database,
  type Principal,
  rowsOf,
  type Tx,
} from "../../db/client.ts";
import { storeDisconnections, stores } from "../../db/schema.ts";
import { deleteStoreCredentials } from "../amazon/credentials.ts";
import { recordAuditInTx } from "../security/audit.ts";
import { countStoreRows } from "../row_counts.ts";
import type { Vault } from "../security/vault.ts";
import type { Enqueue } from "../queue.ts";
import { downloadArchive, readArchive, writeArchive } from "./archives.ts";

export { readArchive };

/** The data categories of §3, as the tables that hold them (children first). */
export const DATA_CATEGORIES = {
  catalog: ["listings", "products"],
  inventory: ["inventory_snapshots"],
  orders: ["returns", "order_items", "orders"],
  buyer_pii: ["buyer_pii"],
  sales_traffic: ["sales_traffic_daily"],
  advertising: [
    "ad_metrics_daily",
    "ad_budget_bid_changes",
    "ad_targets",
    "ad_keywords",
    "ad_groups",
    "ad_campaigns",
    "ad_profiles",
  ],
  finance: ["fees", "financial_events", "settlement_lines", "settlements"],
  brand_analytics: ["search_terms"],
  sync: ["sync_cursors", "sync_runs"],
  api_logs: ["api_request_log"],
} as const;
export type DataCategory = keyof typeof DATA_CATEGORIES;
export const CATEGORY_NAMES = Object.keys(DATA_CATEGORIES) as DataCategory[];

const action = z.enum(["delete", "archive", "keep"]);
/**
 * What may be chosen per category. Buyer personal data is never archived
 * (that would outlive its 30-day rule); API logs are kept for their 90-day
 * minimum and then purged by retention (§9).
 */
export const choicesSchema = z.object({
  catalog: action,
  inventory: action,
  orders: action,
  buyer_pii: z.enum(["delete", "keep"]),
  sales_traffic: action,
  advertising: action,
  finance: action,
  brand_analytics: action,
  sync: action,
  api_logs: z.literal("keep"),
});
export type DisconnectionChoices = z.infer<typeof choicesSchema>;

interface Steps {
  syncsStopped?: { at: string; tokensCached: number; queuedCancelled?: number };
  tokens?: { at: string; deleted: number };
  categories?: Partial<
    Record<DataCategory, {
      action: string;
      at: string;
      rows: Record<string, number>;
      file?: string;
    }>
  >;
  backups?: { at: string };
}

export type DisconnectionRecord = typeof storeDisconnections.$inferSelect;

/** Why a disconnection step was refused: codes, which the views put into words. */
export type DisconnectionErrorCode =
  | "choices"
  | "reason"
  | "reason_text"
  | "no_store"
  | "no_disconnection"
  | "already_disconnected";

export class DisconnectionError extends Error {
  override name = "DisconnectionError";
  constructor(
    readonly code: DisconnectionErrorCode,
    /** choices: the `categories` without an allowed action. */
    readonly params: Readonly<Record<string, string>> = {},
  ) {
    super(
      `disconnection refused: ${code}${
        params.categories ? ` (${params.categories})` : ""
      }`,
    );
  }
}

/**
 * Opens (or returns the open) disconnection of a store: the store stops
 * syncing at once (status "disconnecting"). Audited.
 */
export async function startDisconnection(
  db: Database,
  actor: Principal,
  storeId: string,
  input: { choices: unknown; reason: string },
  now = new Date(),
): Promise<DisconnectionRecord> {
  const choices = choicesSchema.safeParse(input.choices);
  if (!choices.success) {
    throw new DisconnectionError("choices", {
      categories: choices.error.issues.map((i) => String(i.path[0])).join(
        ", ",
      ),
    });
  }
  const reason = input.reason.trim();
  if (reason.length < 5 || reason.length > 500) {
    throw new DisconnectionError("reason");
  }
  if (!isPlainText(reason, { multiline: true })) {
    throw new DisconnectionError("reason_text");
  }
  return await db.asUser(actor, async (tx) => {
    const [store] = await tx.select().from(stores).where(
      eq(stores.id, storeId),
    );
    if (!store) throw new DisconnectionError("no_store");
    const [open] = await tx.select().from(storeDisconnections).where(and(
      eq(storeDisconnections.storeId, storeId),
      eq(storeDisconnections.status, "in_progress"),
    ));
    if (open) return open;
    if (store.status === "disconnected") {
      throw new DisconnectionError("already_disconnected");
    }
    await tx.update(stores).set({ status: "disconnecting", updatedAt: now })
      .where(eq(stores.id, storeId));
    const [record] = await tx.insert(storeDisconnections).values({
      storeId,
      requestedBy: actor.userId,
      requestedAt: now,
      reason,
      choices: choices.data,
    }).returning();
    await recordAuditInTx(tx, {
      actorType: "staff",
      actorId: actor.userId,
      action: "store.disconnect.start",
      storeId,
      target: store.sellerId,
      outcome: "success",
      details: { disconnectionId: record.id, choices: choices.data, reason },
    });
    return record;
  });
}

export interface RunDeps {
  db: Database;
  kv: Deno.Kv;
  vault: Vault;
  /** Where archives go: $DATA_DIR/archives. */
  archiveDir: string;
  /** Test seam: called after each recorded step (a throw simulates a crash). */
  afterStep?: (step: string) => void | Promise<void>;
}

/**
 * Carries out (or resumes) a disconnection. Idempotent: a step already
 * recorded is skipped; a step cut short is redone from its start.
 */
export async function runDisconnection(
  deps: RunDeps,
  storeId: string,
  disconnectionId: string,
): Promise<DisconnectionRecord> {
  const { db } = deps;
  const load = () =>
    db.asJob(storeId, async (tx) => {
      const [r] = await tx.select().from(storeDisconnections).where(
        eq(storeDisconnections.id, disconnectionId),
      );
      return r;
    });
  let record = await load();
  if (!record) throw new DisconnectionError("no_disconnection");
  if (record.status === "completed") return record;
  const choices = choicesSchema.parse(record.choices);
  const steps = () => (record.steps ?? {}) as Steps;
  const save = async (
    patch: (s: Steps) => Steps,
    effect?: (
      tx: Parameters<Parameters<Database["asJob"]>[1]>[0],
    ) => Promise<void>,
  ) => {
    record = await db.asJob(storeId, async (tx) => {
      if (effect) await effect(tx);
      const [r] = await tx.update(storeDisconnections).set({
        steps: patch(steps()),
      }).where(eq(storeDisconnections.id, disconnectionId)).returning();
      return r;
    });
  };
  const step = async (name: string) => await deps.afterStep?.(name);

  // 1. Stop synchronisation: the store is "disconnecting" (no job runs it);
  //    cached access tokens go now.
  if (!steps().syncsStopped) {
    let cached = 0;
    for (const api of ["sp-api", "ads"]) {
      const key = ["lwa_access", storeId, api];
      if ((await deps.kv.get(key)).value) cached++;
      await deps.kv.delete(key);
    }
    let queuedCancelled = 0;
    await save(
      (s) => ({
        ...s,
        syncsStopped: {
          at: new Date().toISOString(),
          tokensCached: cached,
          queuedCancelled,
        },
      }),
      async (tx) => {
        queuedCancelled = await cancelQueuedRunsTx(
          tx,
          storeId,
          "store is disconnecting",
        );
      },
    );
    await step("syncsStopped");
  }
  // 2. Delete the refresh tokens (revocation on our side).
  if (!steps().tokens) {
    let deleted = 0;
    await save(
      (s) => ({ ...s, tokens: { at: new Date().toISOString(), deleted } }),
      async (tx) => {
        deleted = await deleteStoreCredentials(tx, storeId);
      },
    );
    await step("tokens");
  }
  // 3. Each data category as chosen.
  for (const category of CATEGORY_NAMES) {
    if (steps().categories?.[category]) continue;
    const choice = choices[category];
    const tables = DATA_CATEGORIES[category];
    let file: string | undefined;
    if (choice === "archive") {
      file = await writeArchive(
        deps,
        storeId,
        disconnectionId,
        category,
        tables,
      );
    }
    const rows: Record<string, number> = {};
    await save(
      (s) => ({
        ...s,
        categories: {
          ...s.categories,
          [category]: {
            action: choice,
            at: new Date().toISOString(),
            rows,
            file,
          },
        },
      }),
      async (tx) => {
        for (const table of tables) {
          if (choice === "keep") {
            rows[table] = rowsOf<{ n: number }>(
              await tx.execute(
                sql`select count(*)::int as n from ${
                  sql.identifier(table)
                } where store_id = ${storeId}`,
              ),
            )[0].n;
          } else {
            rows[table] = rowsOf<{ n: number }>(
              await tx.execute(sql`with gone as (
                delete from ${
                sql.identifier(table)
              } where store_id = ${storeId} returning 1
              ) select count(*)::int as n from gone`),
            )[0].n;
          }
        }
      },
    );
    await step(`category:${category}`);
  }
  // 4. Backups that contain the store are restricted from now on.
  if (!steps().backups) {
    const at = new Date();
    await save(
      (s) => ({ ...s, backups: { at: at.toISOString() } }),
      async (tx) => {
        await tx.update(storeDisconnections).set({ backupsRestrictedAt: at })
          .where(eq(storeDisconnections.id, disconnectionId));
      },
    );
    await step("backups");
  }
  // 5. Done: the record is complete and the store disconnected, audited.
  record = await db.asJob(storeId, async (tx) => {
    const now = new Date();
    await tx.update(stores).set({ status: "disconnected", updatedAt: now })
      .where(eq(stores.id, storeId));
    const archivePath = Object.values(steps().categories ?? {}).some((c) =>
        c?.file
      )
      ? `${deps.archiveDir}/${storeId}/${disconnectionId}`
      : null;
    const [r] = await tx.update(storeDisconnections).set({
      status: "completed",
      completedAt: now,
      archivePath,
    }).where(eq(storeDisconnections.id, disconnectionId)).returning();
    await recordAuditInTx(tx, {
      actorType: "system",
      action: "store.disconnect.complete",
      storeId,
      target: storeId,
      outcome: "success",
      details: { disconnectionId, steps: stepsForDisplay(r.steps) },
    });
    return r;
  });
  return record;
}

// ── The "store.disconnect" queue message ─────────────────────────────────

/** The queue message type that carries a disconnection out in the background. */
export const DISCONNECT_MESSAGE = "store.disconnect";

/** `{type: "store.disconnect", storeId, disconnectionId}` → runDisconnection. */
export const disconnectMessage = z.object({
  type: z.literal(DISCONNECT_MESSAGE),
  storeId: z.uuid(),
  disconnectionId: z.uuid(),
});
export type DisconnectMessage = z.input<typeof disconnectMessage>;

/**
 * Opens the disconnection (startDisconnection) and hands it to the job
 * queue, which carries it out (runDisconnection; KV redelivers on failure).
 */
export async function requestDisconnection(
  deps: { db: Database; enqueue: Enqueue },
  actor: Principal,
  storeId: string,
  input: { choices: unknown; reason: string },
): Promise<DisconnectionRecord> {
  const record = await startDisconnection(deps.db, actor, storeId, input);
  await deps.enqueue(
    {
      type: DISCONNECT_MESSAGE,
      storeId,
      disconnectionId: record.id,
    } satisfies DisconnectMessage,
  );
  return record;
}

/** The disconnections of a store, newest first (for auditors and admins). */
export async function listDisconnections(
  db: Database,
  principal: Principal,
  storeId: string,
): Promise<DisconnectionRecord[]> {
  return await db.asUser(
    principal,
    (tx) =>
      tx.select().from(storeDisconnections).where(
        eq(storeDisconnections.storeId, storeId),
      ).orderBy(sql`${storeDisconnections.requestedAt} desc`),
  );
}

/** Rows per category of a store, for the disconnection form (counts only). */
export async function disconnectionPreview(
  db: Database,
  principal: Principal,
  storeId: string,
): Promise<
  {
    storeName: string;
    categories: { category: DataCategory; tables: string[]; rows: number }[];
  } | null
> {
  return await db.asUser(principal, async (tx) => {
    const [store] = await tx.select().from(stores).where(
      eq(stores.id, storeId),
    );
    if (!store) return null;
    const rows = await countCategoriesTx(tx, storeId);
    const categories = CATEGORY_NAMES.map((category) => ({
      category,
      tables: [...DATA_CATEGORIES[category]],
      rows: rows[category],
    }));
    return { storeName: store.name, categories };
  });
}

/**
 * The rows a store holds now, per data category (the sum over the
 * category's tables), in the caller's RLS-scoped transaction: counts only,
 * one statement.
 */
export async function countCategoriesTx(
  tx: Tx,
  storeId: string,
): Promise<Record<DataCategory, number>> {
  const counts = await countStoreRows(
    tx,
    storeId,
    CATEGORY_NAMES.flatMap((c) => DATA_CATEGORIES[c]),
  );
  return Object.fromEntries(
    CATEGORY_NAMES.map((category) => [
      category,
      DATA_CATEGORIES[category].reduce(
        (sum, table) => sum + counts[table],
        0,
      ),
    ]),
  ) as Record<DataCategory, number>;
}

/** The actions each category allows, from choicesSchema. */
export function allowedActions(category: DataCategory): string[] {
  const field = choicesSchema.shape[category];
  return "options" in field ? [...field.options] : [String(field.value)];
}

/**
 * Streams one archived category back as NDJSON for the owner, after
 * recording who asked and why (§10: "downloadable only by the owner with a
 * reason, audited"; lib/policy/archives.ts). Null when there is no such
 * archive, or it expired. Throws ArchiveError for a missing reason or
 * confirmation.
 */
export async function openArchiveForDownload(
  deps: { db: Database; vault: Vault },
  actor: Principal,
  input: {
    storeId: string;
    disconnectionId: string;
    category: string;
    reason: string;
    confirmed: boolean;
  },
  meta: { ip?: string | null; requestId?: string | null } = {},
): Promise<AsyncGenerator<string> | null> {
  const file = await deps.db.asUser(actor, async (tx) => {
    const [r] = await tx.select().from(storeDisconnections).where(and(
      eq(storeDisconnections.id, input.disconnectionId),
      eq(storeDisconnections.storeId, input.storeId),
    ));
    return (r?.steps as Steps | undefined)?.categories?.[
      input.category as DataCategory
    ]?.file ?? null;
  });
  if (!file) return null;
  // <archiveDir>/<store>/<disconnection>/<category>.jwe-lines
  const archiveDir = file.split("/").slice(0, -3).join("/");
  const opened = await downloadArchive(
    { ...deps, archiveDir },
    actor,
    input,
    meta,
  );
  return opened?.lines ?? null;
}

/**
 * A record's steps as staff see them: each archive named by its file name,
 * never by its path on the server (issue #11).
 */
export function stepsForDisplay(steps: unknown): unknown {
  const s = (steps ?? {}) as Steps;
  if (!s.categories) return s;
  const categories = Object.fromEntries(
    Object.entries(s.categories).map(([name, c]) => [
      name,
      c?.file ? { ...c, file: c.file.slice(c.file.lastIndexOf("/") + 1) } : c,
    ]),
  );
  return { ...s, categories };
}

/** A record's steps as plain data for the pages: what was done, when. */
export interface DisconnectionSummary {
  syncsStoppedAt: string | null;
  queuedCancelled: number;
  tokensDeletedAt: string | null;
  tokensDeleted: number;
  categories: {
    category: DataCategory;
    action: string;
    at: string;
    /** Rows the step touched, summed over the category's tables. */
    rows: number;
    /** The archive's file name (never its path). */
    file: string | null;
  }[];
  backupsRestrictedAt: string | null;
}

/**
 * The steps of a disconnection, summed per category, for people to read
 * (counts only; an archive by its file name, never its path).
 */
export function summarizeSteps(steps: unknown): DisconnectionSummary {
  const s = (steps ?? {}) as Steps;
  return {
    syncsStoppedAt: s.syncsStopped?.at ?? null,
    queuedCancelled: s.syncsStopped?.queuedCancelled ?? 0,
    tokensDeletedAt: s.tokens?.at ?? null,
    tokensDeleted: s.tokens?.deleted ?? 0,
    categories: CATEGORY_NAMES.flatMap((category) => {
      const c = s.categories?.[category];
      if (!c) return [];
      return [{
        category,
        action: c.action,
        at: c.at,
        rows: Object.values(c.rows ?? {}).reduce((a, b) => a + b, 0),
        file: c.file ? c.file.slice(c.file.lastIndexOf("/") + 1) : null,
      }];
    }),
    backupsRestrictedAt: s.backups?.at ?? null,
  };
}

/** The archived categories of a record. */
export function archivedCategories(record: DisconnectionRecord): string[] {
  const cats = (record.steps as Steps).categories ?? {};
  return Object.entries(cats).filter(([, v]) => v?.file).map(([k]) => k);
}
