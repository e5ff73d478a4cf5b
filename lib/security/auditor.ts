// What an auditor does with the trail (Data Policy §8), each act itself
// audited: exporting it as CSV (recorded before any row leaves) and
// verifying its hash chain (recorded with the result).
import type { Database } from "../../db/client.ts";
import {
  auditChainIntact,
  type AuditChainReport,
  auditCsv,
  type AuditFilter,
  recordAudit,
  type RequestMeta,
  streamAudit,
  verifyAuditChain,
} from "./audit.ts";
import type { StaffPrincipal } from "./principal.ts";

/**
 * The matching events as CSV chunks (the header first, then one chunk per
 * batch). The export is audited, with `describe` as its filter, before the
 * first chunk is produced.
 */
export async function exportAuditCsv(
  db: Database,
  principal: StaffPrincipal,
  filter: AuditFilter,
  describe: string,
  meta: RequestMeta,
): Promise<AsyncIterable<string>> {
  await recordAudit(db, principal, {
    actorType: "staff",
    actorId: principal.userId,
    action: "export.csv",
    target: "audit_events",
    outcome: "success",
    ip: meta.ip,
    userAgent: meta.userAgent,
    requestId: meta.requestId,
    details: { filter: describe },
  });
  return (async function* () {
    let header = true;
    for await (const batch of streamAudit(db, principal, filter)) {
      yield auditCsv(batch, header);
      header = false;
    }
    if (header) yield auditCsv([], true);
  })();
}

/** Verifies the whole chain and records that it was verified, and how. */
export async function verifyAuditTrail(
  db: Database,
  principal: StaffPrincipal,
  meta: RequestMeta,
  anchor?: Parameters<typeof verifyAuditChain>[2],
): Promise<AuditChainReport> {
  const report = await verifyAuditChain(db, principal, anchor);
  await recordAudit(db, principal, {
    actorType: "staff",
    actorId: principal.userId,
    action: "audit.verify",
    outcome: auditChainIntact(report) ? "success" : "failure",
    ip: meta.ip,
    requestId: meta.requestId,
    details: { ...report },
  });
  return report;
}
