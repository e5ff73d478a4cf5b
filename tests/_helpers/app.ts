// Builds the same application graph as main.ts, on a test database, an
// in-memory KV and a logger whose lines the test can read.
import { loadConfig } from "../../lib/config.ts";
import { createLogger } from "../../lib/log.ts";
import { createApp } from "../../routes/app.ts";
import { prepareDatabase } from "../../lib/setup.ts";
import { createJobQueue, type JobQueue } from "../../jobs/queue.ts";
import {
  createVault,
  generateVaultKey,
  type Vault,
} from "../../lib/security/vault.ts";
import { openTestDatabase, type TestDatabase } from "./test_db.ts";
import type { Hono } from "hono";

export interface TestApp extends AsyncDisposable {
  app: Hono;
  t: TestDatabase;
  kv: Deno.Kv;
  logs: string[];
  vault: Vault;
  /** Every message the app enqueued, in order. */
  messages: Record<string, unknown>[];
  /** The app's job queue: startJobs({ queue }) listens, drained() waits. */
  queue: JobQueue;
}

/**
 * Secrets that must never reach a log line: one-time link tokens in paths
 * and OAuth codes or states in query strings (issue #11).
 */
const SECRET_IN_LOG = [
  /\/auth\/(setup|first-owner)\/[0-9a-f]{16,}/i,
  // Data requests' verification and status links (issue #17).
  /\/request\/(verify|status)\/[A-Za-z0-9_.-]{20,}/,
  /[?&](code|state|spapi_oauth_code)=[^&"\s]+/,
];

/** The events of log lines that carry a secret (never the lines themselves). */
export function linesWithSecrets(logs: readonly string[]): string[] {
  return logs.filter((l) => SECRET_IN_LOG.some((r) => r.test(l)))
    .map((l) => (JSON.parse(l) as { event?: string }).event ?? "?");
}

/**
 * A fresh app; `env` overrides configuration variables. On dispose, every
 * line it logged is checked for secrets: any test that leaks one fails.
 */
export async function openTestApp(
  env: Record<string, string> = {},
): Promise<TestApp> {
  const config = loadConfig({ BODY_LIMIT_BYTES: "4096", ...env });
  const t = await openTestDatabase();
  await prepareDatabase(t.db);
  const kv = await Deno.openKv(":memory:");
  const logs: string[] = [];
  const log = createLogger({ level: "debug", sink: (l) => logs.push(l) });
  const vault = createVault([{ kid: "test", key: generateVaultKey() }]);
  const messages: Record<string, unknown>[] = [];
  const queue = createJobQueue(kv);
  const app = createApp({
    config,
    db: t.db,
    kv,
    log,
    vault,
    enqueue: (message) => {
      messages.push(message);
      return queue.enqueue(message);
    },
  });
  return {
    app,
    messages,
    queue,
    t,
    kv,
    logs,
    vault,
    async [Symbol.asyncDispose]() {
      try {
        kv.close();
      } catch { /* already closed by the test */ }
      await t[Symbol.asyncDispose]();
      const leaks = linesWithSecrets(logs);
      if (leaks.length > 0) {
        throw new Error(`log lines carry a secret: ${leaks.join(", ")}`);
      }
    },
  };
}
