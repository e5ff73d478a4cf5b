// What an auditor does with the trail (Data Policy §8), each act itself
// audited: exporting it as CSV (recorded before any row leaves) and
// verifying its hash chain (recorded with the result); and the page's read
// model, which names people instead of ids.
import { asc } from "drizzle-orm";
import type { Database } from "../../db/client.ts";
import { staffUsers } from "../../db/schema.ts";
import {
  auditChainIntact,
  type AuditChainReport,
  auditCsv,
  type AuditFilter,
  type AuditRow,
  listAudit,
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

/** A staff member as the audit page names them. */
export interface AuditPerson {
  id: string;
  displayName: string;
  email: string;
}

/**
 * A page of the trail for people to read: the events (as listAudit), the
 * staff members they name — as actor, as target or in a detail — so the page
 * shows names and e-mail addresses instead of ids, and every staff member
 * for the actor filter.
 */
export async function auditPageFor(
  db: Database,
  principal: StaffPrincipal,
  filter: AuditFilter,
  page: { before?: number; limit: number },
): Promise<{
  rows: AuditRow[];
  nextBefore: number | null;
  people: AuditPerson[];
}> {
  const { rows, nextBefore } = await listAudit(db, principal, filter, page);
  const people = await db.asUser(principal, (tx) =>
    tx.select({
      id: staffUsers.id,
      displayName: staffUsers.displayName,
      email: staffUsers.email,
    }).from(staffUsers).orderBy(asc(staffUsers.displayName)));
  return { rows, nextBefore, people };
}
