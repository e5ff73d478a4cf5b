// One request as lib/requests/ reads it (inside a transaction whose
// row-level security already decided who may see it).
import { sql } from "drizzle-orm";
import { rowsOf, type Tx } from "../../db/client.ts";
import type { Lang } from "../mail/lang.ts";
import type {
  DenialCode,
  Relationship,
  RequestState,
  RequestType,
} from "./model.ts";

/** What staff confirmed about the requester's relationship to our data. */
export interface RequestMatch {
  kind: "order" | "seller" | "manual" | "none";
  storeId: string | null;
  storeName: string | null;
  orderId: string | null;
  evidence: string;
  reviewerId: string;
  reviewerName: string;
  at: string;
}

/** What execution will act on, as confirmed. */
export interface ScopePlan {
  action: "buyer_deletion" | "store_disconnection" | "none";
  stores: { id: string; name: string }[];
  tables: { table: string; rows: number }[];
  orderIds: string[];
}

export interface Completion {
  done: string;
  tables: { table: string; rows: number }[];
  heldRows: number;
  reference: string | null;
  at: string;
}

export interface RequestRecord {
  id: string;
  publicId: string;
  type: RequestType;
  state: RequestState;
  lang: Lang;
  requesterName: string;
  requesterEmail: string;
  relationship: Relationship;
  sellerId: string | null;
  orderId: string | null;
  marketplaceId: string | null;
  scopeCategories: string[];
  scopeStores: string | null;
  scopeFrom: string | null;
  scopeTo: string | null;
  description: string;
  receivedAt: Date;
  verifiedAt: Date | null;
  dueAt: Date;
  closedAt: Date | null;
  updatedAt: Date;
  duplicateOf: string | null;
  duplicateOfPublicId: string | null;
  match: RequestMatch | null;
  scopePlan: ScopePlan | null;
  scopeConfirmedAt: Date | null;
  denialCode: DenialCode | null;
  denialExplanation: string | null;
  answer: string | null;
  completion: Completion | null;
}

const json = <T>(v: unknown): T | null =>
  v === null || v === undefined
    ? null
    : (typeof v === "string" ? JSON.parse(v) : v) as T;
const when = (v: unknown) => v === null ? null : new Date(v as string);
const day = (v: unknown) =>
  v === null
    ? null
    : v instanceof Date
    ? v.toISOString().slice(0, 10)
    : String(v).slice(0, 10);

/** Reads request `id`, or null when it does not exist or is not visible. */
export async function loadRequest(
  tx: Tx,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<RequestRecord | null> {
  const [r] = rowsOf<Record<string, unknown>>(
    await tx.execute(sql`select d.id::text, d.public_id, d.type, d.state,
        d.lang, d.requester_name, d.requester_email, d.relationship,
        d.seller_id, d.order_id, d.marketplace_id, d.scope_categories,
        d.scope_stores, d.scope_from::text as scope_from,
        d.scope_to::text as scope_to, d.description, d.received_at,
        d.verified_at, d.due_at, d.closed_at, d.updated_at,
        d.duplicate_of::text as duplicate_of,
        (select o.public_id from data_requests o where o.id = d.duplicate_of)
          as duplicate_public_id,
        d.match, d.scope_plan, d.scope_confirmed_at, d.denial_code,
        d.denial_explanation, d.answer, d.completion
      from data_requests d where d.id = ${id}::uuid
      ${opts.forUpdate ? sql`for update of d` : sql``}`),
  );
  if (!r) return null;
  return {
    id: r.id as string,
    publicId: r.public_id as string,
    type: r.type as RequestType,
    state: r.state as RequestState,
    lang: r.lang as Lang,
    requesterName: r.requester_name as string,
    requesterEmail: r.requester_email as string,
    relationship: r.relationship as Relationship,
    sellerId: r.seller_id as string | null,
    orderId: r.order_id as string | null,
    marketplaceId: r.marketplace_id as string | null,
    scopeCategories: (r.scope_categories ?? []) as string[],
    scopeStores: r.scope_stores as string | null,
    scopeFrom: day(r.scope_from),
    scopeTo: day(r.scope_to),
    description: r.description as string,
    receivedAt: new Date(r.received_at as string),
    verifiedAt: when(r.verified_at),
    dueAt: new Date(r.due_at as string),
    closedAt: when(r.closed_at),
    updatedAt: new Date(r.updated_at as string),
    duplicateOf: r.duplicate_of as string | null,
    duplicateOfPublicId: r.duplicate_public_id as string | null,
    match: json<RequestMatch>(r.match),
    scopePlan: json<ScopePlan>(r.scope_plan),
    scopeConfirmedAt: when(r.scope_confirmed_at),
    denialCode: r.denial_code as DenialCode | null,
    denialExplanation: r.denial_explanation as string | null,
    answer: r.answer as string | null,
    completion: json<Completion>(r.completion),
  };
}

/** Sets a request's state (and closed_at for a closing one). */
export async function setState(
  tx: Tx,
  id: string,
  state: RequestState,
  now: Date,
  extra: ReturnType<typeof sql> = sql``,
): Promise<void> {
  const closing = ["completed", "denied", "withdrawn", "expired"].includes(
    state,
  );
  await tx.execute(sql`update data_requests set state = ${state},
      updated_at = ${now.toISOString()}::timestamptz,
      closed_at = ${closing ? now.toISOString() : null}::timestamptz
      ${extra}
    where id = ${id}::uuid`);
}
