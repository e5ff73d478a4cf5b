// The public /request intake (issue #17): a checked form becomes a request
// waiting for its requester to confirm their e-mail address. The answer is
// the same whether or not the e-mail, order or seller is known to us; a
// duplicate (an open request of the same type from the same address) is
// linked to the first, silently. Audited without personal data.
import { sql } from "drizzle-orm";
import type { Database } from "../../db/client.ts";
import { rowsOf } from "../../db/client.ts";
import { queueMail } from "../mail/outbox.ts";
import type { Lang } from "../mail/lang.ts";
import { recordAudit, type RequestMeta } from "../security/audit.ts";
import { type IntakeLimits, takeIntake } from "./limits.ts";
import { DUE_DAYS, type Intake, newPublicId, VERIFY_TTL_MS } from "./model.ts";
import { addEvent, asRequester } from "./scope.ts";
import { newVerifyToken } from "./tokens.ts";

export interface IntakeDeps {
  db: Database;
  kv: Deno.Kv;
  /** The portal's public address, for the link in the e-mail. */
  publicUrl: string;
  limits?: IntakeLimits;
  now?: () => Date;
}

export type IntakeOutcome =
  | { outcome: "received" }
  | { outcome: "limited"; retryAfterMs: number };

const textArray = (xs: readonly string[]) =>
  `{${xs.map((x) => `"${x.replaceAll('"', "")}"`).join(",")}}`;

/** Records a checked submission and queues its verification e-mail. */
export async function submitRequest(
  deps: IntakeDeps,
  input: Intake,
  lang: Lang,
  meta: RequestMeta,
): Promise<IntakeOutcome> {
  const now = (deps.now ?? (() => new Date()))();
  const wait = await takeIntake(
    deps.kv,
    meta.ip ?? null,
    input.email,
    deps.limits,
    now.getTime(),
  );
  if (wait > 0) {
    await recordAudit(deps.db, null, {
      actorType: "anonymous",
      action: "requests.intake.limited",
      outcome: "denied",
      ...meta,
    });
    return { outcome: "limited", retryAfterMs: wait };
  }
  const id = crypto.randomUUID();
  const publicId = newPublicId();
  const { token, hash } = await newVerifyToken();
  const due = new Date(now.getTime() + DUE_DAYS * 86_400_000);
  await asRequester(deps.db, id, async (tx) => {
    const [dup] = rowsOf<{ id: string | null }>(
      await tx.execute(sql`select data_request_duplicate_of(${input.email},
        ${input.type}, ${now.toISOString()}::timestamptz)::text as id`),
    );
    await tx.execute(sql`insert into data_requests
      (id, public_id, type, state, lang, requester_name, requester_email,
       relationship, seller_id, order_id, marketplace_id, scope_categories,
       scope_stores, scope_from, scope_to, description, received_at, due_at,
       updated_at, duplicate_of)
      values (${id}::uuid, ${publicId}, ${input.type}, 'verifying_identity',
        ${lang}, ${input.name}, ${input.email}, ${input.relationship},
        ${input.relationship === "seller" ? input.sellerId ?? null : null},
        ${input.relationship === "buyer" ? input.orderId ?? null : null},
        ${input.relationship === "buyer" ? input.marketplace ?? null : null},
        ${textArray(input.categories)}::text[], ${input.stores ?? null},
        ${input.from ?? null}::date, ${input.to ?? null}::date,
        ${input.description}, ${now.toISOString()}::timestamptz,
        ${due.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz,
        ${dup?.id ?? null}::uuid)`);
    await tx.execute(sql`insert into request_tokens
      (token_hash, request_id, purpose, expires_at)
      values (${hash}, ${id}::uuid, 'verify',
        ${
      new Date(now.getTime() + VERIFY_TTL_MS).toISOString()
    }::timestamptz)`);
    await addEvent(tx, id, {
      actorType: "requester",
      kind: "received",
      public: true,
      at: now,
      details: dup?.id ? { duplicateOf: dup.id } : {},
    });
    await queueMail(tx, {
      requestId: id,
      to: input.email,
      template: "verify",
      lang,
      now,
      params: {
        name: input.name,
        ref: publicId,
        link: `${deps.publicUrl}/request/verify/${token}`,
      },
    });
  });
  await recordAudit(deps.db, null, {
    actorType: "requester",
    actorId: publicId,
    action: "requests.intake",
    target: publicId,
    outcome: "success",
    ...meta,
    details: { type: input.type, relationship: input.relationship },
  });
  return { outcome: "received" };
}
