// The /requests list (issue #17): filters, sort and page in the URL, keyset
// pages over (sort column, id), and the dashboard's summary of open
// requests against their due dates. Staff with requests.manage only: the
// database's row-level security returns nothing to anyone else.
import { sql } from "drizzle-orm";
import { z } from "zod";
import { type Database, rowsOf } from "../../db/client.ts";
import type { Principal } from "../../db/client.ts";
import { plainText } from "../validation.ts";
import {
  REQUEST_STATES,
  REQUEST_TYPES,
  type RequestState,
  type RequestType,
} from "./model.ts";

export const REQUEST_SORTS = ["due", "received"] as const;
export const REQUEST_PAGE_SIZES = [25, 50, 100] as const;

const cursor = z.string().max(200).regex(/^[0-9TZ:.+-]+~[0-9a-f-]{36}$/);

export const requestQuerySchema = z.object({
  state: z.union([z.enum(REQUEST_STATES), z.literal("open"), z.literal("")])
    .default("open"),
  type: z.union([z.enum(REQUEST_TYPES), z.literal("")]).default(""),
  q: plainText().trim().max(100).default(""),
  sort: z.enum(REQUEST_SORTS).default("due"),
  dir: z.enum(["asc", "desc"]).default("asc"),
  size: z.coerce.number().pipe(
    z.union(REQUEST_PAGE_SIZES.map((n) => z.literal(n)) as [
      z.ZodLiteral<25>,
      z.ZodLiteral<50>,
      z.ZodLiteral<100>,
    ]),
  ).default(50),
  after: cursor.optional(),
});
export type RequestQuery = z.output<typeof requestQuerySchema>;

export interface RequestRow {
  id: string;
  publicId: string;
  type: RequestType;
  state: RequestState;
  relationship: string;
  requesterName: string;
  receivedAt: Date;
  dueAt: Date;
  closedAt: Date | null;
  duplicateOf: string | null;
  overdue: boolean;
}

/** One page of requests, and the cursor of the next (null: last page). */
export async function listRequests(
  db: Database,
  principal: Principal,
  q: RequestQuery,
  now = new Date(),
): Promise<{ rows: RequestRow[]; next: string | null }> {
  const col = q.sort === "due" ? sql.raw("due_at") : sql.raw("received_at");
  const dir = q.dir === "asc" ? sql.raw("asc") : sql.raw("desc");
  const after = q.after?.split("~");
  const rows = await db.asUser(
    principal,
    async (tx) =>
      rowsOf<Record<string, unknown>>(
        await tx.execute(sql`select id::text, public_id, type, state,
          relationship, requester_name, received_at, due_at, closed_at,
          duplicate_of::text as duplicate_of,
          ${col} as sort_at
        from data_requests
        where ${
          q.state === "open"
            ? sql`closed_at is null`
            : q.state
            ? sql`state = ${q.state}`
            : sql`true`
        }
          and ${q.type ? sql`type = ${q.type}` : sql`true`}
          and ${
          q.q
            ? sql`(public_id = upper(${q.q}) or requester_name ilike ${`%${
              q.q.replace(/[\\%_]/g, (c) => `\\${c}`)
            }%`} or lower(requester_email) = lower(${q.q}))`
            : sql`true`
        }
          and ${
          after
            ? q.dir === "asc"
              ? sql`(${col}, id) > (${after[0]}::timestamptz, ${
                after[1]
              }::uuid)`
              : sql`(${col}, id) < (${after[0]}::timestamptz, ${
                after[1]
              }::uuid)`
            : sql`true`
        }
        order by ${col} ${dir}, id ${dir}
        limit ${q.size + 1}`),
      ),
  );
  const page = rows.slice(0, q.size).map((r) => {
    const dueAt = new Date(r.due_at as string);
    const closedAt = r.closed_at === null
      ? null
      : new Date(r.closed_at as string);
    return {
      id: r.id as string,
      publicId: r.public_id as string,
      type: r.type as RequestType,
      state: r.state as RequestState,
      relationship: r.relationship as string,
      requesterName: r.requester_name as string,
      receivedAt: new Date(r.received_at as string),
      dueAt,
      closedAt,
      duplicateOf: r.duplicate_of as string | null,
      overdue: closedAt === null && dueAt.getTime() < now.getTime(),
    };
  });
  const last = rows.length > q.size ? rows[q.size - 1] : null;
  return {
    rows: page,
    next: last
      ? `${new Date(last.sort_at as string).toISOString()}~${last.id}`
      : null,
  };
}

export interface OpenRequestsSummary {
  open: number;
  overdue: number;
  /** Open and due within the next 7 days (not yet overdue). */
  dueSoon: number;
  nextDueAt: Date | null;
}

/**
 * Open requests against their due dates, for the dashboard's "needs
 * attention" (zero for anyone without requests.manage).
 */
export async function openRequestsSummary(
  db: Database,
  principal: Principal,
  now = new Date(),
): Promise<OpenRequestsSummary> {
  const [r] = await db.asUser(principal, async (tx) =>
    rowsOf<
      { open: number; overdue: number; soon: number; next: string | null }
    >(
      await tx.execute(sql`select count(*)::int as open,
          count(*) filter (where due_at < ${now.toISOString()}::timestamptz)::int
            as overdue,
          count(*) filter (where due_at >= ${now.toISOString()}::timestamptz
            and due_at < ${
        new Date(now.getTime() + 7 * 86_400_000).toISOString()
      }::timestamptz)::int as soon,
          min(due_at) as next
        from data_requests where closed_at is null`),
    ));
  return {
    open: r.open,
    overdue: r.overdue,
    dueSoon: r.soon,
    nextDueAt: r.next === null ? null : new Date(r.next),
  };
}
