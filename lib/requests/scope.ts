// The three ways into the requests' rows (row-level security of
// 0033_data_requests.sql): staff holding requests.manage (db.asUser), the
// requester of one request once a token or a signed link was checked
// (asRequester), and the requests' own background work (asRequestsSystem:
// expiry, the mail sender, the purge).
import { sql } from "drizzle-orm";
import type { Database, Principal, Tx } from "../../db/client.ts";

/** No user, no store: what a requester or a job runs as. */
const NOBODY: Principal = { userId: "", storeIds: [] };

/** Runs `fn` seeing request `requestId` only (its requester's view). */
export function asRequester<T>(
  db: Database,
  requestId: string,
  fn: (tx: Tx) => Promise<T>,
): Promise<T> {
  return db.asUser(NOBODY, async (tx) => {
    await tx.execute(
      sql`select set_config('app.request_id', ${requestId}, true)`,
    );
    return await fn(tx);
  });
}

/** Runs `fn` as the requests' background work (every request). */
export function asRequestsSystem<T>(
  db: Database,
  fn: (tx: Tx) => Promise<T>,
): Promise<T> {
  return db.asUser(NOBODY, async (tx) => {
    await tx.execute(sql`select set_config('app.requests_system', 'on', true)`);
    return await fn(tx);
  });
}

/** Appends one step to a request's timeline. */
export async function addEvent(
  tx: Tx,
  requestId: string,
  e: {
    actorType: "requester" | "staff" | "system";
    actorId?: string | null;
    actorName?: string | null;
    kind: string;
    details?: Record<string, unknown>;
    /** Shown to the requester on the status page. */
    public?: boolean;
    at?: Date;
  },
): Promise<void> {
  await tx.execute(sql`insert into request_events
    (request_id, at, actor_type, actor_id, actor_name, kind, details, public)
    values (${requestId}::uuid, ${
    (e.at ?? new Date()).toISOString()
  }::timestamptz,
      ${e.actorType}, ${e.actorId ?? null}::uuid, ${e.actorName ?? null},
      ${e.kind}, ${JSON.stringify(e.details ?? {})}::jsonb, ${
    e.public ?? false
  })`);
}
