// Row counts of a store's tables in one statement (pages show counts, never
// content). RLS applies: a principal without the store counts zero.
import { sql } from "drizzle-orm";
import { rowsOf, type Tx } from "../db/client.ts";

/** `{table: rows}` for `storeId`, one round trip for all tables. */
export async function countStoreRows(
  tx: Tx,
  storeId: string,
  tables: readonly string[],
): Promise<Record<string, number>> {
  if (tables.length === 0) return {};
  const columns = sql.join(
    tables.map((t) =>
      sql`(select count(*)::int from ${
        sql.identifier(t)
      } where store_id = ${storeId}) as ${sql.identifier(t)}`
    ),
    sql`, `,
  );
  const [row] = rowsOf<Record<string, number>>(
    await tx.execute(sql`select ${columns}`),
  );
  return Object.fromEntries(tables.map((t) => [t, Number(row[t])]));
}
