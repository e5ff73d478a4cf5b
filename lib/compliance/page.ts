// Issue #18: the read model of /compliance — every policy section with its
// evidence lines (tracked by a provider, or pending and amber), the record
// of processing — and its audited download, which carries the audit-chain
// head hash of the moment it was made (the download's own event).
import { sql } from "drizzle-orm";
import { rowsOf } from "../../db/client.ts";
import { recordAudit, type RequestMeta } from "../security/audit.ts";
import { recordOfProcessing, type RecordRow } from "./record.ts";
import {
  EVIDENCE_PROVIDERS,
  type EvidenceContext,
  type EvidenceLine,
  type EvidenceProvider,
  PENDING_LINES,
  pendingLine,
  POLICY_SECTIONS,
  type PolicySection,
} from "./registry.ts";

export interface ComplianceScreen {
  generatedAt: Date;
  sections: { section: PolicySection; lines: EvidenceLine[] }[];
  counts: { green: number; amber: number; red: number };
  record: RecordRow[];
}

/** A check that failed to run proves nothing: amber, with its failure. */
async function evaluate(
  p: EvidenceProvider,
  ctx: EvidenceContext,
): Promise<EvidenceLine> {
  try {
    return await p.evaluate(ctx);
  } catch (err) {
    return {
      id: p.id,
      section: p.section,
      status: "amber",
      reason: "check_failed",
      figures: [{
        label: "error",
        value: err instanceof Error ? err.name : "Error",
      }],
      link: null,
    };
  }
}

/** Every section with its lines, in the policy's order. */
export async function complianceScreen(
  ctx: EvidenceContext,
  providers: readonly EvidenceProvider[] = EVIDENCE_PROVIDERS,
): Promise<ComplianceScreen> {
  const lines: EvidenceLine[] = [];
  // One after the other: PGlite has one session, and the page is rare.
  for (const p of providers) lines.push(await evaluate(p, ctx));
  const tracked = new Set(providers.map((p) => p.id));
  for (const p of PENDING_LINES) {
    if (!tracked.has(p.id)) lines.push(pendingLine(p));
  }
  const counts = { green: 0, amber: 0, red: 0 };
  for (const l of lines) counts[l.status]++;
  return {
    generatedAt: ctx.now,
    sections: POLICY_SECTIONS.map((section) => ({
      section,
      lines: lines.filter((l) => l.section === section),
    })),
    counts,
    record: recordOfProcessing(),
  };
}

/** The audit chain's head when the download was recorded. */
export interface ChainHead {
  id: number;
  hash: string;
}

/**
 * The page for download: evaluated, then the download is audited, and the
 * head of the chain — that event — goes into the file.
 */
export async function complianceDownload(
  ctx: EvidenceContext,
  meta: RequestMeta,
): Promise<{ screen: ComplianceScreen; head: ChainHead }> {
  const screen = await complianceScreen(ctx);
  const id = await recordAudit(ctx.db, ctx.principal, {
    actorType: "staff",
    actorId: ctx.principal.userId,
    action: "compliance.download",
    target: "compliance.html",
    outcome: "success",
    ...meta,
    details: { ...screen.counts },
  });
  const [row] = await ctx.db.asUser(
    ctx.principal,
    async (tx) =>
      rowsOf<{ hash: string }>(
        await tx.execute(sql`select hash from audit_events where id = ${id}`),
      ),
  );
  return { screen, head: { id, hash: row.hash } };
}
