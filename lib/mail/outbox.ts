// The e-mail outbox (issue #17): a message is a row first, written in the
// same transaction as the step that causes it, and sent afterwards, so
// nothing is lost while the mail server is down. The sender claims due rows
// (a short lease on next_attempt_at, so two instances never send one twice
// at once), sends outside any transaction, and records the outcome: sent,
// or retried with exponential backoff (1 min, 2, 4 … at most 6 h) until
// MAX_ATTEMPTS, then failed. Without SMTP_URL (the embedded default)
// nothing is sent: the staff outbox page shows what would have been.
import { sql } from "drizzle-orm";
import {
  type Database,
  type Principal,
  rowsOf,
  type Tx,
} from "../../db/client.ts";
import { asRequestsSystem } from "../requests/scope.ts";
import type { Lang } from "./lang.ts";
import { type MailParams, type MailTemplate, renderMail } from "./templates.ts";
import type { MailTransport } from "./transport.ts";

export const MAX_ATTEMPTS = 10;
const FIRST_RETRY_MS = 60_000;
const LONGEST_RETRY_MS = 6 * 3_600_000;
/** How long a claimed message is left alone while it is being sent. */
const CLAIM_MS = 5 * 60_000;

/** The wait before attempt `attempts + 1`, after `attempts` failures. */
export function backoffMs(attempts: number): number {
  return Math.min(
    LONGEST_RETRY_MS,
    FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1),
  );
}

/** Puts a message in the outbox inside the caller's transaction. */
export async function queueMail(
  tx: Tx,
  m: {
    requestId: string;
    to: string;
    template: MailTemplate;
    lang: Lang;
    params: MailParams;
    now?: Date;
  },
): Promise<void> {
  const at = (m.now ?? new Date()).toISOString();
  await tx.execute(sql`insert into mail_outbox
    (request_id, to_address, template, lang, params, next_attempt_at, created_at)
    values (${m.requestId}::uuid, ${m.to}, ${m.template}, ${m.lang},
      ${
    JSON.stringify(m.params)
  }::jsonb, ${at}::timestamptz, ${at}::timestamptz)`);
}

export interface OutboxMessage {
  id: string;
  requestId: string;
  to: string;
  template: MailTemplate;
  lang: Lang;
  subject: string;
  body: string;
  state: "pending" | "sent" | "failed";
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

interface Row {
  id: string;
  request_id: string;
  to_address: string;
  template: MailTemplate;
  lang: Lang;
  params: MailParams | string;
  state: OutboxMessage["state"];
  attempts: number;
  next_attempt_at: string | Date;
  last_error: string | null;
  created_at: string | Date;
  sent_at: string | Date | null;
}

const COLUMNS = sql`id::text, request_id::text, to_address, template, lang,
  params, state, attempts, next_attempt_at, last_error, created_at, sent_at`;

function messageOf(r: Row): OutboxMessage {
  const params = typeof r.params === "string" ? JSON.parse(r.params) : r.params;
  const text = renderMail(r.template, r.lang, params);
  return {
    id: r.id,
    requestId: r.request_id,
    to: r.to_address,
    template: r.template,
    lang: r.lang,
    subject: text.subject,
    body: text.body,
    state: r.state,
    attempts: Number(r.attempts),
    nextAttemptAt: new Date(r.next_attempt_at),
    lastError: r.last_error,
    createdAt: new Date(r.created_at),
    sentAt: r.sent_at === null ? null : new Date(r.sent_at),
  };
}

/** The messages of one request, or the newest of all (inside `tx`). */
export async function listOutboxIn(
  tx: Tx,
  filter: { requestId?: string; limit?: number } = {},
): Promise<OutboxMessage[]> {
  const rows = rowsOf<Row>(
    await tx.execute(sql`select ${COLUMNS} from mail_outbox
      where ${
      filter.requestId ? sql`request_id = ${filter.requestId}::uuid` : sql`true`
    }
      order by created_at desc, id desc limit ${filter.limit ?? 200}`),
  );
  return rows.map(messageOf);
}

/** The outbox as `principal` may read it (staff with requests.manage). */
export function listOutbox(
  db: Database,
  principal: Principal,
  filter: { requestId?: string; limit?: number } = {},
): Promise<OutboxMessage[]> {
  return db.asUser(principal, (tx) => listOutboxIn(tx, filter));
}

export interface DeliveryReport {
  sent: number;
  retried: number;
  failed: number;
}

/** Error kinds worth keeping: never the server's text (it may echo addresses). */
function errorKind(err: unknown): string {
  const code = (err as { code?: unknown; responseCode?: unknown })?.code;
  const response = (err as { responseCode?: unknown })?.responseCode;
  const kind = typeof code === "string" && /^[A-Z_]{2,32}$/.test(code)
    ? code
    : "SEND_FAILED";
  return typeof response === "number" ? `${kind} ${response}` : kind;
}

/**
 * Sends what is due. Without a transport nothing is claimed: the messages
 * wait in the outbox, visible to staff.
 */
export async function deliverDue(
  deps: {
    db: Database;
    transport: MailTransport | null;
    now?: () => Date;
    batch?: number;
  },
): Promise<DeliveryReport> {
  const report: DeliveryReport = { sent: 0, retried: 0, failed: 0 };
  if (!deps.transport) return report;
  const now = deps.now ?? (() => new Date());
  const at = now();
  const claimed = await asRequestsSystem(deps.db, async (tx) =>
    rowsOf<Row>(
      await tx.execute(sql`update mail_outbox
        set next_attempt_at = ${
        new Date(at.getTime() + CLAIM_MS).toISOString()
      }::timestamptz
        where id in (select id from mail_outbox
          where state = 'pending' and next_attempt_at <= ${at.toISOString()}::timestamptz
          order by next_attempt_at limit ${deps.batch ?? 50}
          for update skip locked)
        returning ${COLUMNS}`),
    ));
  for (const row of claimed) {
    const m = messageOf(row);
    let error: string | null = null;
    try {
      await deps.transport.send({ to: m.to, subject: m.subject, text: m.body });
    } catch (err) {
      error = errorKind(err);
    }
    const attempts = m.attempts + 1;
    const done = now();
    if (error === null) report.sent++;
    else if (attempts >= MAX_ATTEMPTS) report.failed++;
    else report.retried++;
    await asRequestsSystem(deps.db, (tx) =>
      tx.execute(
        error === null
          ? sql`update mail_outbox set state = 'sent', attempts = ${attempts},
              sent_at = ${done.toISOString()}::timestamptz, last_error = null
            where id = ${m.id}::uuid`
          : sql`update mail_outbox set attempts = ${attempts},
              last_error = ${error},
              state = ${attempts >= MAX_ATTEMPTS ? "failed" : "pending"},
              next_attempt_at = ${
            new Date(done.getTime() + backoffMs(attempts)).toISOString()
          }::timestamptz
            where id = ${m.id}::uuid`,
      ));
  }
  return report;
}
