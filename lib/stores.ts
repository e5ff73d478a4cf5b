// Stores as a principal sees them: row-level security decides which.
import { asc } from "drizzle-orm";
import type { Database, Principal } from "../db/client.ts";
import { stores } from "../db/schema.ts";

export interface StoreSummary {
  id: string;
  name: string;
  sellerId: string;
  region: string;
  status: string;
}

/** The stores visible to `principal`, by name. */
export async function listVisibleStores(
  db: Database,
  principal: Principal,
): Promise<StoreSummary[]> {
  return await db.asUser(principal, (tx) =>
    tx.select({
      id: stores.id,
      name: stores.name,
      sellerId: stores.sellerId,
      region: stores.region,
      status: stores.status,
    }).from(stores).orderBy(asc(stores.name)));
}
