// Unverified requests expire after 7 days (issue #17): the requester never
// confirmed their e-mail address, so nothing is done with the request. Runs
// daily from jobs/requests.ts; audited as the system.
import { sql } from "drizzle-orm";
import { type Database, rowsOf } from "../../db/client.ts";
import { recordAudit } from "../security/audit.ts";
import { UNVERIFIED_EXPIRY_MS } from "./model.ts";
import { asRequestsSystem } from "./scope.ts";

/** Expires the requests still unverified 7 days after receipt; the count. */
export async function expireUnverified(
  db: Database,
  now = new Date(),
): Promise<number> {
  const before = new Date(now.getTime() - UNVERIFIED_EXPIRY_MS).toISOString();
  const at = now.toISOString();
  const expired = await asRequestsSystem(db, async (tx) => {
    const rows = rowsOf<{ id: string; public_id: string }>(
      await tx.execute(sql`update data_requests
        set state = 'expired', closed_at = ${at}::timestamptz,
          updated_at = ${at}::timestamptz
        where state = 'verifying_identity'
          and received_at < ${before}::timestamptz
        returning id::text, public_id`),
    );
    for (const r of rows) {
      await tx.execute(sql`insert into request_events
        (request_id, at, actor_type, kind, details, public)
        values (${r.id}::uuid, ${at}::timestamptz, 'system', 'expired',
          '{}'::jsonb, true)`);
    }
    return rows;
  });
  if (expired.length > 0) {
    await recordAudit(db, null, {
      actorType: "system",
      actorId: "requests.expire",
      action: "requests.expire",
      outcome: "success",
      details: { requests: expired.map((r) => r.public_id) },
    });
  }
  return expired.length;
}
