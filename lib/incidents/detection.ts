// Data Policy §8 (abuse monitoring) and §12 (investigate promptly): rules
// run by a scheduled job over the audit trail and the API log. Each rule has
// a threshold and a window in `detection_rules` (edited on
// /incidents/detection); a subject (a person, an address, a store) that
// reaches the threshold within the window, with at least one event since the
// last run, opens an incident or adds to the open one of the same rule and
// subject, with links to the evidence. The canary rule is not here: a touch
// opens its incident in the request itself (canary.ts).
import { sql } from "drizzle-orm";
import { z } from "zod";
import type { Database, Principal, Tx } from "../../db/client.ts";
import { rowsOf } from "../../db/client.ts";
import { listAllStoreIds } from "../../db/maintenance.ts";
import { recordAuditInTx, type RequestMeta } from "../security/audit.ts";
import type { StaffPrincipal } from "../security/principal.ts";
import {
  type Evidence,
  fieldErrors,
  IncidentError,
  type IncidentKind,
  type Severity,
} from "./model.ts";
import { openIncidentTx } from "./report.ts";

export const DETECTION_RULES = [
  "reveal_export_burst",
  "privileged_new_network",
  "signin_failures",
  "amazon_auth_errors",
  "vault_failures",
  "frozen_export_attempts",
] as const;
export type DetectionRule = typeof DETECTION_RULES[number];

/** The job's name and schedule (UTC): every five minutes. */
export const DETECTION_JOB = "incidents-detect";
export const DETECTION_SCHEDULE = "*/5 * * * *";

/** How far back a network counts as known for a privileged sign-in. */
export const KNOWN_NETWORK_DAYS = 90;

export interface RuleSetting {
  rule: DetectionRule;
  threshold: number;
  windowMinutes: number;
  enabled: boolean;
  checkedTo: Date | null;
}

/** One subject over its threshold. */
interface Finding {
  subject: string;
  count: number;
  storeIds: string[];
  note: string;
  evidence: Evidence[];
}

const META: Record<
  DetectionRule,
  { kind: IncidentKind; severity: Severity; categories: string[] }
> = {
  reveal_export_burst: {
    kind: "abnormal_access",
    severity: "high",
    categories: ["buyer_pii", "orders"],
  },
  privileged_new_network: {
    kind: "abnormal_access",
    severity: "medium",
    categories: ["staff_accounts"],
  },
  signin_failures: {
    kind: "abnormal_access",
    severity: "medium",
    categories: ["staff_accounts"],
  },
  amazon_auth_errors: {
    kind: "credential_exposure",
    severity: "high",
    categories: ["credentials"],
  },
  vault_failures: {
    kind: "credential_exposure",
    severity: "high",
    categories: ["credentials"],
  },
  frozen_export_attempts: {
    kind: "abnormal_access",
    severity: "high",
    categories: ["buyer_pii", "orders"],
  },
};

const day = (d: Date) => d.toISOString().slice(0, 10);
const iso = (d: Date) => d.toISOString();

const auditLink = (
  action: string,
  from: Date,
  to: Date,
  actor?: string | null,
): Evidence => ({
  label: `audit: ${action}`,
  href: `/audit?action=${encodeURIComponent(action)}${
    actor ? `&actor=${encodeURIComponent(actor)}` : ""
  }&from=${day(from)}&to=${day(to)}`,
});

/** The rules' settings, in the order of DETECTION_RULES. */
export async function ruleSettings(
  db: Database,
  principal: Principal,
): Promise<RuleSetting[]> {
  const rows = await db.asUser(principal, async (tx) =>
    rowsOf(
      await tx.execute(sql`select rule, threshold, window_minutes, enabled,
        checked_to from detection_rules`),
    ));
  return DETECTION_RULES.flatMap((rule) => {
    const r = rows.find((x) => x.rule === rule);
    return r
      ? [{
        rule,
        threshold: Number(r.threshold),
        windowMinutes: Number(r.window_minutes),
        enabled: Boolean(r.enabled),
        checkedTo: r.checked_to ? new Date(r.checked_to as string) : null,
      }]
      : [];
  });
}

export const ruleChange = z.object({
  rule: z.enum(DETECTION_RULES),
  threshold: z.coerce.number().int().min(1).max(100000),
  windowMinutes: z.coerce.number().int().min(1).max(10080),
  enabled: z.preprocess(
    (v) => v === "on" || v === "true" || v === true,
    z.boolean(),
  ),
});

/** Changes one rule's threshold, window or switch; audited. */
export async function updateRule(
  db: Database,
  principal: StaffPrincipal,
  input: Record<string, unknown>,
  meta: RequestMeta,
): Promise<void> {
  if (!principal.permissions.has("incidents.manage")) {
    throw new IncidentError("forbidden");
  }
  const parsed = ruleChange.safeParse(input);
  if (!parsed.success) {
    throw new IncidentError("invalid", fieldErrors(parsed.error));
  }
  const c = parsed.data;
  await db.asUser(principal, async (tx) => {
    await tx.execute(sql`update detection_rules set threshold = ${c.threshold},
        window_minutes = ${c.windowMinutes}, enabled = ${c.enabled},
        updated_by = ${principal.userId}::uuid, updated_at = now()
      where rule = ${c.rule}`);
    await recordAuditInTx(tx, {
      actorType: "staff",
      actorId: principal.userId,
      action: "incident.detection.update",
      target: c.rule,
      outcome: "success",
      ...meta,
      details: {
        threshold: c.threshold,
        windowMinutes: c.windowMinutes,
        enabled: c.enabled,
      },
    });
  });
}

/** Grouped audit events: subjects at or over the threshold with news since `since`. */
async function auditGroups(
  tx: Tx,
  where: ReturnType<typeof sql>,
  subject: ReturnType<typeof sql>,
  start: Date,
  to: Date,
  since: Date,
  threshold: number,
) {
  return rowsOf<{ subject: string | null; n: number; stores: string[] }>(
    await tx.execute(sql`select ${subject} as subject, count(*)::int as n,
        array_remove(array_agg(distinct store_id::text), null) as stores
      from audit_events
      where at > ${iso(start)}::timestamptz and at <= ${iso(to)}::timestamptz
        and ${where}
      group by 1
      having count(*) >= ${threshold}
        and max(at) > ${iso(since)}::timestamptz`),
  );
}

type Check = (
  tx: Tx,
  s: RuleSetting,
  start: Date,
  to: Date,
  since: Date,
) => Promise<Finding[]>;

const CHECKS: Record<DetectionRule, Check> = {
  async reveal_export_burst(tx, s, start, to, since) {
    const rows = await auditGroups(
      tx,
      sql`action in ('pii.reveal', 'export.csv') and outcome = 'success'
        and actor_type = 'staff'`,
      sql`actor_id`,
      start,
      to,
      since,
      s.threshold,
    );
    return rows.map((r) => ({
      subject: r.subject ?? "unknown",
      count: r.n,
      storeIds: r.stores ?? [],
      note:
        `${r.n} reveals and exports by one user within ${s.windowMinutes} min`,
      evidence: [
        auditLink("pii.reveal", start, to, r.subject),
        auditLink("export.csv", start, to, r.subject),
      ],
    }));
  },
  async privileged_new_network(tx, s, _start, to, since) {
    const signins = rowsOf<{ actor: string; ip: string; at: string }>(
      await tx.execute(sql`select e.actor_id as actor, e.ip, e.at
        from audit_events e join staff_users u on u.id::text = e.actor_id
        where e.action = 'auth.signin.succeeded' and e.outcome = 'success'
          and u.role in ('owner', 'admin') and e.ip is not null
          and e.at > ${iso(since)}::timestamptz
          and e.at <= ${iso(to)}::timestamptz
        order by e.at`),
    );
    const findings = new Map<string, Finding>();
    for (const e of signins) {
      const at = new Date(e.at);
      const [known] = rowsOf<{ ips: string[] }>(
        await tx.execute(
          sql`select coalesce(array_agg(distinct ip), '{}') as ips
          from audit_events
          where action = 'auth.signin.succeeded' and actor_id = ${e.actor}
            and ip is not null and at < ${iso(at)}::timestamptz
            and at >= ${
            iso(new Date(at.getTime() - KNOWN_NETWORK_DAYS * 86_400_000))
          }::timestamptz`,
        ),
      );
      const net = networkOf(e.ip);
      if ((known?.ips ?? []).some((ip) => networkOf(ip) === net)) continue;
      const f = findings.get(e.actor) ?? {
        subject: e.actor,
        count: 0,
        storeIds: [],
        note: "",
        evidence: [auditLink("auth.signin.succeeded", at, to, e.actor)],
      };
      f.count++;
      f.note = `privileged sign-in from a new network (${net})`;
      findings.set(e.actor, f);
    }
    return [...findings.values()].filter((f) => f.count >= s.threshold);
  },
  async signin_failures(tx, s, start, to, since) {
    const rows = await auditGroups(
      tx,
      sql`action = 'auth.signin.failed'`,
      sql`coalesce(ip, 'unknown')`,
      start,
      to,
      since,
      s.threshold,
    );
    return rows.map((r) => ({
      subject: r.subject ?? "unknown",
      count: r.n,
      storeIds: [],
      note:
        `${r.n} failed sign-ins from ${r.subject} within ${s.windowMinutes} min`,
      evidence: [auditLink("auth.signin.failed", start, to)],
    }));
  },
  async amazon_auth_errors(tx, s, start, to, since) {
    const rows = rowsOf<{ store: string; n: number }>(
      await tx.execute(sql`select store_id::text as store, count(*)::int as n
        from api_request_log
        where http_status in (401, 403)
          and at > ${iso(start)}::timestamptz and at <= ${iso(to)}::timestamptz
        group by store_id
        having count(*) >= ${s.threshold}
          and max(at) > ${iso(since)}::timestamptz`),
    );
    return rows.map((r) => ({
      subject: r.store,
      count: r.n,
      storeIds: [r.store],
      note: `${r.n} answers 401/403 from Amazon within ${s.windowMinutes} min`,
      evidence: [{
        label: "API log",
        href: `/stores/${r.store}/api-log?outcome=client`,
      }],
    }));
  },
  async vault_failures(tx, s, start, to, since) {
    const rows = await auditGroups(
      tx,
      sql`action = 'vault.open.failed'`,
      sql`'vault'`,
      start,
      to,
      since,
      s.threshold,
    );
    return rows.map((r) => ({
      subject: "vault",
      count: r.n,
      storeIds: r.stores ?? [],
      note: `${r.n} vault decryption failures within ${s.windowMinutes} min`,
      evidence: [auditLink("vault.open.failed", start, to)],
    }));
  },
  async frozen_export_attempts(tx, s, start, to, since) {
    const rows = await auditGroups(
      tx,
      sql`action in ('export.csv', 'pii.reveal') and outcome = 'denied'
        and details->>'refused' = 'frozen'`,
      sql`actor_id`,
      start,
      to,
      since,
      s.threshold,
    );
    return rows.map((r) => ({
      subject: r.subject ?? "unknown",
      count: r.n,
      storeIds: r.stores ?? [],
      note:
        `${r.n} exports or reveals tried while frozen within ${s.windowMinutes} min`,
      evidence: [
        auditLink("export.csv", start, to, r.subject),
        auditLink("pii.reveal", start, to, r.subject),
      ],
    }));
  },
};

/** The network of an address: an IPv4 /24 or an IPv6 /48. */
export function networkOf(ip: string): string {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.\d{1,3}$/.exec(ip.trim());
  if (v4) return `${v4[1]}.${v4[2]}.${v4[3]}.0/24`;
  const groups = ip.trim().toLowerCase().split(":");
  return `${groups.slice(0, 3).join(":")}::/48`;
}

export interface DetectionResult {
  rule: DetectionRule;
  findings: number;
  incidents: string[];
}

/**
 * One run of every enabled rule up to `now`; each rule then remembers where
 * it stopped. Returns what each rule found and the incidents it touched.
 */
export async function runDetection(
  db: Database,
  now = new Date(),
): Promise<DetectionResult[]> {
  const job: Principal = {
    userId: "",
    storeIds: await listAllStoreIds(db),
    auditAll: true,
  };
  const results: DetectionResult[] = [];
  for (const s of await ruleSettings(db, job)) {
    if (!s.enabled) continue;
    const start = new Date(now.getTime() - s.windowMinutes * 60_000);
    // A first run looks back one window; later runs only at what is new.
    const since = s.checkedTo && s.checkedTo > start ? s.checkedTo : start;
    const result = await db.asUser(job, async (tx) => {
      const findings = await CHECKS[s.rule](tx, s, start, now, since);
      const meta = META[s.rule];
      const incidents: string[] = [];
      for (const f of findings) {
        const id = await openIncidentTx(tx, {
          kind: meta.kind,
          severity: meta.severity,
          source: "detection",
          rule: s.rule,
          dedupeKey: `${s.rule}:${f.subject}`,
          summary: `Detection: ${s.rule}`,
          detectedAt: now,
          storeIds: f.storeIds.filter((x) => job.storeIds.includes(x)),
          dataCategories: meta.categories,
          actorName: `detection:${s.rule}`,
          note: f.note,
          evidence: f.evidence,
        });
        incidents.push(id);
        await recordAuditInTx(tx, {
          actorType: "system",
          actorId: DETECTION_JOB,
          action: "incident.detected",
          target: id,
          outcome: "success",
          details: { rule: s.rule, count: f.count },
        });
      }
      await tx.execute(sql`update detection_rules
        set checked_to = ${iso(now)}::timestamptz where rule = ${s.rule}`);
      return { rule: s.rule, findings: findings.length, incidents };
    });
    results.push(result);
  }
  return results;
}
