// Data Policy §6 and §8: what every CSV export passes before its first row
// and after its last. An export is a copy of a screen, so it needs
// `export.csv` and the screen's own permission; nothing starts while exports
// are frozen (an incident's containment); a per-person rate limit holds
// (export_limit.ts); every refusal is audited, and so is the end of every
// export, with its filters, its row count and whether it completed.
import type { Database } from "../../db/client.ts";
import { exportsFrozen } from "../settings.ts";
import { recordAudit, type RequestMeta } from "./audit.ts";
import {
  DEFAULT_EXPORT_LIMIT,
  type ExportLimitPolicy,
  takeExport,
} from "./export_limit.ts";
import type { Permission } from "./permissions.ts";
import type { StaffPrincipal } from "./principal.ts";

/** Why an export may not start ("reason": a required reason is missing). */
export type ExportRefusal = "forbidden" | "reason" | "frozen" | "rate_limited";

/** A refused export: routes answer it with routes/csv_response.ts. */
export class ExportRefusedError extends Error {
  constructor(readonly code: ExportRefusal, readonly retryAfterMs = 0) {
    super(code);
  }
}

export interface ExportGateDeps {
  db: Database;
  kv: Deno.Kv;
  limit?: ExportLimitPolicy;
}

export interface ExportRequest {
  /** The audit target: what is exported ("inventory", "incidents", …). */
  target: string;
  /** The screen's permission, needed besides `export.csv`. */
  needs: Permission;
  /** The filters as the URL gave them, for the audit trail. */
  describe: Record<string, string>;
  meta: RequestMeta;
}

/**
 * Checks that the export may start (else throws ExportRefusedError, the
 * refusal audited), then returns `chunks()` wrapped so that its end is
 * audited. `chunks` reports each batch's row count through `count`.
 *
 * @example
 * const csv = await gatedExport(deps, principal, request, async function* (count) {
 *   yield csvLine(COLUMNS);
 *   for await (const batch of walk()) { yield lines(batch); count(batch.length); }
 * });
 */
export async function gatedExport(
  deps: ExportGateDeps,
  principal: StaffPrincipal,
  request: ExportRequest,
  chunks: (count: (rows: number) => void) => AsyncIterable<string>,
): Promise<AsyncIterable<string>> {
  const { db } = deps;
  const audit = (
    outcome: "success" | "failure" | "denied",
    details: Record<string, unknown>,
  ) =>
    recordAudit(db, principal, {
      actorType: "staff",
      actorId: principal.userId,
      action: "export.csv",
      target: request.target,
      outcome,
      ...request.meta,
      details: { filter: request.describe, ...details },
    });
  const refuse = async (code: ExportRefusal, retryAfterMs = 0) => {
    await audit("denied", { refused: code });
    return new ExportRefusedError(code, retryAfterMs);
  };
  if (
    !principal.permissions.has("export.csv") ||
    !principal.permissions.has(request.needs)
  ) throw await refuse("forbidden");
  if (await exportsFrozen(db, principal)) throw await refuse("frozen");
  const wait = await takeExport(
    deps.kv,
    principal.userId,
    deps.limit ?? DEFAULT_EXPORT_LIMIT,
  );
  if (wait > 0) throw await refuse("rate_limited", wait);
  return (async function* () {
    let rows = 0;
    let done = false;
    try {
      yield* chunks((n) => rows += n);
      done = true;
    } finally {
      await audit(done ? "success" : "failure", { rows, complete: done });
    }
  })();
}
