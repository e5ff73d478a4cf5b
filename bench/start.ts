// Start time: opening and migrating the database, PGlite against PostgreSQL,
// first start (empty) and restart (already migrated).
import { openDatabase } from "../db/client.ts";
import { openBenchDb, PG_ADMIN_URL, postgresAvailable } from "./_db.ts";
import { measure, report } from "./_measure.ts";
import postgres from "postgres";

const rows = [];

// First start of PGlite: initdb in a new directory plus every migration.
rows.push(
  await measure("pglite first start (initdb + migrate)", async () => {
    const dir = await Deno.makeTempDir({ prefix: "custodian-bench-" });
    const db = await openDatabase({ pgliteDir: dir });
    await db.migrate();
    await db.close();
    await Deno.remove(dir, { recursive: true });
  }, { runs: 3, warmup: 1 }),
);
{
  await using b = await openBenchDb("pglite");
  rows.push(
    await measure("pglite restart (open + migrate no-op)", async () => {
      const db = await b.reopen();
      await db.migrate();
      await db.ping();
      await db.close();
    }, { runs: 5, warmup: 1 }),
  );
}

if (await postgresAvailable()) {
  const admin = postgres(PG_ADMIN_URL, { max: 1, onnotice: () => {} });
  rows.push(
    await measure("postgres first start (create db + migrate)", async () => {
      const name = `custodian_bench_${crypto.randomUUID().replaceAll("-", "")}`;
      await admin.unsafe(`create database ${name}`);
      const url = new URL(PG_ADMIN_URL);
      url.pathname = `/${name}`;
      const db = await openDatabase({ databaseUrl: url.toString() });
      await db.migrate();
      await db.ping();
      const role = await db.runtimeRole();
      await db.close();
      await admin.unsafe(`drop database ${name} with (force)`);
      await admin.unsafe(`drop role if exists "${role}"`);
    }, { runs: 5, warmup: 1 }),
  );
  {
    await using b = await openBenchDb("postgres");
    rows.push(
      await measure("postgres restart (connect + migrate no-op)", async () => {
        const db = await b.reopen();
        await db.migrate();
        await db.ping();
        await db.close();
      }, { runs: 10, warmup: 2 }),
    );
  }
  await admin.end();
  report(
    "database start time",
    rows,
    "postgres restart (connect + migrate no-op)",
  );
} else {
  report("database start time (postgres not reachable)", rows, rows[1].name);
}
