// Data Policy §8 and §12: the audit chain anchored outside the database.
// The hash chain (db/migrations/0003_audit_chain.sql) names a changed row or
// a removed middle row, but a trail cut at either end, or rewritten with
// every later hash recomputed, is a valid chain. So, periodically, the
// application records a checkpoint of the trail: how many rows up to which
// head row, the head's hash and time, and how many rows each UTC day of the
// last 90 days holds. It is authenticated with an HMAC key derived from the
// vault keys (VAULT_KEYS or DATA_DIR/vault.key), which the database never
// sees, and kept outside the database: in Deno KV and in the log
// (`audit.checkpoint`). Verification compares the trail with the last
// checkpoint: its head row must still be there with the same hash, and every
// day the retention purge could not have reached yet must hold as many rows
// as it did. Rows older than 90 days may go (the purge floor, §9).
//
// What stays undetectable: changes to rows appended since the last
// checkpoint, until the next one (the job runs every 15 minutes and checks
// those rows' chain before it pins them).
import { sql } from "drizzle-orm";
import { type Database, type Principal, rowsOf } from "../../db/client.ts";
import type { Logger } from "../log.ts";
import type { Vault } from "./vault.ts";

/** Where the last checkpoint is kept. */
export const CHECKPOINT_KEY = ["audit_checkpoint", "latest"] as const;
/** The vault purpose of the checkpoint MAC. */
export const CHECKPOINT_PURPOSE = "audit_checkpoint";
/** Rows older than this may be purged (the audit_events_append_only floor). */
const PURGE_FLOOR_MS = 90 * 86_400_000;
/** The job reads the whole trail: it is the system, with audit.read. */
const SYSTEM_AUDITOR: Principal = { userId: "", storeIds: [], auditAll: true };

/** One checkpoint, as stored in KV and written to the log. */
export interface AuditCheckpoint {
  v: 1;
  /** When it was taken (ISO 8601). */
  at: string;
  /** Rows with an id up to `headId`. */
  count: number;
  headId: number | null;
  headHash: string | null;
  /** The head row's time (ISO 8601). */
  headAt: string | null;
  /** Rows up to `headId` per UTC day (YYYY-MM-DD), for the last 90 days. */
  days: Record<string, number>;
  /** The vault key the MAC was made with. */
  kid: string;
  mac: string;
}

/** The last checkpoint as a verification saw it; `problem` null when the trail matches. */
export interface CheckpointCheck {
  at: string;
  count: number;
  headId: number | null;
  problem: string | null;
}

interface AuditState {
  total: number;
  firstId: number | null;
  headId: number | null;
  headHash: string | null;
  headAt: string | null;
  pinnedCount: number;
  pinnedHash: string | null;
  days: Record<string, number>;
}

const num = (v: string | null) => v === null ? null : Number(v);

/** The trail's state, pinned at row `pin` (the current head when null). */
async function readState(
  db: Database,
  scope: Principal,
  pin: number | null,
  since: Date,
): Promise<AuditState> {
  const [r] = await db.asUser(scope, async (tx) =>
    rowsOf<{
      total: string;
      first_id: string | null;
      head_id: string | null;
      head_hash: string | null;
      head_at: string | null;
      pinned_count: string;
      pinned_hash: string | null;
      days: Record<string, number | string>;
    }>(
      await tx.execute(sql`select total::text, first_id::text, head_id::text,
        head_hash, to_json(head_at) #>> '{}' as head_at,
        pinned_count::text, pinned_hash, days
        from audit_state(${pin}::bigint, ${since.toISOString()}::timestamptz)`),
    ));
  return {
    total: Number(r.total),
    firstId: num(r.first_id),
    headId: num(r.head_id),
    headHash: r.head_hash,
    headAt: r.head_at === null ? null : new Date(r.head_at).toISOString(),
    pinnedCount: Number(r.pinned_count),
    pinnedHash: r.pinned_hash,
    days: Object.fromEntries(
      Object.entries(r.days ?? {}).map(([d, n]) => [d, Number(n)]),
    ),
  };
}

/** The text the MAC covers: every field but the MAC, in a fixed order. */
function macInput(c: Omit<AuditCheckpoint, "kid" | "mac">): string {
  return JSON.stringify([
    "custodian.audit.checkpoint.v1",
    c.at,
    c.count,
    c.headId,
    c.headHash,
    c.headAt,
    Object.entries(c.days).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0),
  ]);
}

function authentic(vault: Vault, c: AuditCheckpoint): Promise<boolean> {
  return vault.verifySigned(macInput(c), CHECKPOINT_PURPOSE, c.kid, c.mac);
}

/** The start of the UTC day `ms` falls in. */
function dayStart(ms: number): Date {
  const d = new Date(ms);
  return new Date(
    Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()),
  );
}

/**
 * What is wrong with the trail measured against checkpoint `c`, or null.
 * Rows older than the purge floor may be gone; nothing else may.
 */
export function checkpointProblem(
  c: AuditCheckpoint,
  s: AuditState,
  now: Date,
): string | null {
  const floor = now.getTime() - PURGE_FLOOR_MS;
  if (c.headId !== null) {
    if (s.pinnedHash === null) {
      const purged = c.headAt !== null && Date.parse(c.headAt) < floor &&
        (s.firstId === null || s.firstId > c.headId);
      return purged
        ? null
        : `row #${c.headId}, the head at the last checkpoint, is missing: rows were deleted from the end`;
    }
    if (s.pinnedHash !== c.headHash) {
      return `row #${c.headId} no longer has the hash of the last checkpoint: the trail was rewritten`;
    }
  }
  for (const day of Object.keys(c.days).sort()) {
    // A day the purge cannot have reached yet keeps every row.
    if (Date.parse(`${day}T00:00:00Z`) < floor) continue;
    const was = c.days[day];
    const is = s.days[day] ?? 0;
    if (is < was) {
      return `${
        was - is
      } of the ${was} rows of ${day} are missing: rows were deleted`;
    }
    if (is > was) {
      return `${is - was} rows of ${day} were added before the last checkpoint`;
    }
  }
  if (s.pinnedCount > c.count) {
    return `${
      s.pinnedCount - c.count
    } rows were added before the last checkpoint`;
  }
  return null;
}

/** The last checkpoint, or null when none was taken yet. */
export async function lastCheckpoint(
  kv: Deno.Kv,
): Promise<AuditCheckpoint | null> {
  return (await kv.get<AuditCheckpoint>(CHECKPOINT_KEY)).value;
}

/**
 * Compares the trail with the last checkpoint, as `scope` (an auditor).
 * Null when no checkpoint was taken yet.
 */
export async function checkAgainstCheckpoint(
  deps: { db: Database; kv: Deno.Kv; vault: Vault; now?: Date },
  scope: Principal,
): Promise<CheckpointCheck | null> {
  const c = await lastCheckpoint(deps.kv);
  if (!c) return null;
  const now = deps.now ?? new Date();
  const check = { at: c.at, count: c.count, headId: c.headId };
  if (!(await authentic(deps.vault, c))) {
    return {
      ...check,
      problem:
        "the last checkpoint is not authentic (changed, or signed with a key no longer in the vault key ring)",
    };
  }
  const state = await readState(
    deps.db,
    scope,
    c.headId,
    dayStart(now.getTime() - PURGE_FLOOR_MS),
  );
  return { ...check, problem: checkpointProblem(c, state, now) };
}

export type CheckpointResult =
  | { ok: true; checkpoint: AuditCheckpoint }
  | { ok: false; problem: string };

/**
 * Takes a checkpoint: the trail must match the last one and the rows added
 * since must form an intact chain; then the new one goes to KV and the log.
 * On a mismatch nothing is written (the old checkpoint keeps reporting it)
 * and the problem is logged as an error.
 */
export async function takeAuditCheckpoint(deps: {
  db: Database;
  kv: Deno.Kv;
  vault: Vault;
  log: Logger;
  now?: Date;
}): Promise<CheckpointResult> {
  const now = deps.now ?? new Date();
  const entry = await deps.kv.get<AuditCheckpoint>(CHECKPOINT_KEY);
  const previous = entry.value;
  const state = await readState(
    deps.db,
    SYSTEM_AUDITOR,
    null,
    dayStart(now.getTime() - PURGE_FLOOR_MS),
  );
  let problem: string | null = null;
  if (previous) {
    const check = await checkAgainstCheckpoint(
      { ...deps, now },
      SYSTEM_AUDITOR,
    );
    problem = check?.problem ?? null;
  }
  if (problem === null) {
    // The rows appended since the last checkpoint, before they are pinned.
    const [seg] = await deps.db.asUser(
      SYSTEM_AUDITOR,
      async (tx) =>
        rowsOf<{ first_broken_id: string | null; reason: string | null }>(
          await tx.execute(sql`select first_broken_id::text, reason
          from audit_verify_since(${previous?.headId ?? null}::bigint)`),
        ),
    );
    if (seg.first_broken_id !== null) {
      problem = `row #${seg.first_broken_id}: ${seg.reason}`;
    }
  }
  if (problem !== null) {
    deps.log.error("audit.checkpoint.mismatch", {
      problem,
      checkpointAt: previous?.at ?? null,
    });
    return { ok: false, problem };
  }
  const body = {
    v: 1 as const,
    at: now.toISOString(),
    count: state.pinnedCount,
    headId: state.headId,
    headHash: state.headHash,
    headAt: state.headAt,
    days: state.days,
  };
  const { kid, mac } = await deps.vault.sign(
    macInput(body),
    CHECKPOINT_PURPOSE,
  );
  const checkpoint: AuditCheckpoint = { ...body, kid, mac };
  // Another instance may have written one meanwhile: theirs stands.
  const res = await deps.kv.atomic().check(entry).set(
    CHECKPOINT_KEY,
    checkpoint,
  ).commit();
  if (!res.ok) {
    const latest = await lastCheckpoint(deps.kv);
    if (latest) return { ok: true, checkpoint: latest };
  }
  deps.log.info("audit.checkpoint", { ...checkpoint });
  return { ok: true, checkpoint };
}
