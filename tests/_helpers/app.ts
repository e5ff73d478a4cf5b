// Builds the same application graph as main.ts, on a test database, an
// in-memory KV and a logger whose lines the test can read.
import { loadConfig } from "../../lib/config.ts";
import { createLogger } from "../../lib/log.ts";
import { createApp } from "../../routes/app.ts";
import { openTestDatabase, type TestDatabase } from "./test_db.ts";
import type { Hono } from "hono";

export interface TestApp extends AsyncDisposable {
  app: Hono;
  t: TestDatabase;
  kv: Deno.Kv;
  logs: string[];
}

/** A fresh app; `env` overrides configuration variables. */
export async function openTestApp(
  env: Record<string, string> = {},
): Promise<TestApp> {
  const config = loadConfig({ BODY_LIMIT_BYTES: "4096", ...env });
  const t = await openTestDatabase();
  const kv = await Deno.openKv(":memory:");
  const logs: string[] = [];
  const log = createLogger({ level: "debug", sink: (l) => logs.push(l) });
  const app = createApp({ config, db: t.db, kv, log });
  return {
    app,
    t,
    kv,
    logs,
    async [Symbol.asyncDispose]() {
      try {
        kv.close();
      } catch { /* already closed by the test */ }
      await t[Symbol.asyncDispose]();
    },
  };
}
