// Composition root: config → database → KV → app → jobs → Deno.serve, and a
// graceful shutdown in the reverse order. Nothing here is imported elsewhere.
import { deletionHandler, purgeCron, purgeHandler } from "./jobs/purge.ts";
import { ConfigError, loadConfig } from "./lib/config.ts";
import { createLogger } from "./lib/log.ts";
import { openDatabase } from "./db/client.ts";
import { openKv } from "./lib/kv.ts";
import { prepareDatabase } from "./lib/setup.ts";
import { createVault } from "./lib/security/vault.ts";
import { loadOrCreateEmbeddedKeys } from "./lib/security/embedded_keys.ts";
import { issueFirstOwnerToken } from "./lib/security/staff.ts";
import { hasActiveStaff } from "./db/maintenance.ts";
import { createApp } from "./routes/app.ts";
import { startJobs } from "./jobs/mod.ts";
import { createJobQueue } from "./jobs/queue.ts";
import { disconnectHandler } from "./jobs/disconnect.ts";
import { mailCron, requestExpiryCron } from "./jobs/requests.ts";
import { smtpTransport } from "./lib/mail/transport.ts";
import { schedulerCron, syncHandler } from "./jobs/sync.ts";
import {
  requestScheduledRun,
  resumeInterruptedRuns,
} from "./lib/sync/runner.ts";
import {
  connectDemoStore,
  DEMO_TIME_SCALE,
  demoSyncTuning,
  forgetDemoSession,
} from "./lib/demo.ts";
import type { Database } from "./db/client.ts";
import type { Vault } from "./lib/security/vault.ts";
import { startDemoSandbox } from "./sandbox/mod.ts";
import { auditCheckpointCron } from "./jobs/audit_checkpoint.ts";
import { detectionCron } from "./jobs/incidents.ts";
import { createAccessTokens } from "./lib/amazon/access_tokens.ts";
import { amazonEndpoints } from "./lib/amazon/endpoints.ts";
import { createLwaClient } from "./lib/amazon/lwa.ts";
import { DATASETS, DATASETS_BY_NAME } from "./lib/sync/datasets/mod.ts";
import { createDataDir, secureDataDir } from "./lib/data_dir.ts";
import { DenialAggregator } from "./lib/security/denials.ts";

async function main(): Promise<number> {
  // Signals are caught from the first moment: one that arrives while the
  // portal is still starting (jobs may already run) is acted on as soon as
  // shutdown is possible, never by the default handler that kills mid-write.
  // A second signal while still starting (a hung start) exits at once.
  let pendingSignal: string | null = null;
  let onSignal = (signal: string) => {
    if (pendingSignal) Deno.exit(130);
    pendingSignal = signal;
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => onSignal(signal));
  }
  let config;
  try {
    config = loadConfig(Deno.env.toObject());
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 1;
    }
    throw err;
  }
  const log = createLogger({ level: config.LOG_LEVEL });

  // DATA_DIR is created owner-only before PGlite and KV put files in it.
  await createDataDir(config.DATA_DIR);
  const db = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    appPassword: config.DATABASE_APP_PASSWORD,
    pgliteDir: config.pgliteDir,
    poolSize: config.DATABASE_POOL_SIZE,
  });
  await prepareDatabase(db);
  log.info("db.ready", { engine: db.engine });

  const vault = createVault(
    config.VAULT_KEYS ?? await loadOrCreateEmbeddedKeys(config.DATA_DIR),
  );
  const kv = await openKv(config.kvPath);
  // Whatever PGlite, KV or an older version created with a looser mode is
  // made owner-only now, in one logged line.
  await secureDataDir(config.DATA_DIR, config.kvPath, log);
  // Demo mode (the default): an in-process sandbox marketplace and a demo
  // store; AMAZON_BASE_URL or AMAZON_MODE=live turn it off.
  const demo = !config.AMAZON_BASE_URL && config.AMAZON_MODE === "demo"
    ? await startDemo(db, vault)
    : null;
  // A new demo sandbox knows none of the last one's reports or tokens.
  if (demo) await forgetDemoSession(kv);
  // The demo runs time-scaled on both sides; live mode is Amazon's pace.
  const tuning = demo ? demoSyncTuning(demo, config.SYNC_BACKFILL_DAYS) : null;
  const amazonBaseUrl = config.AMAZON_BASE_URL ?? demo?.url;
  const endpoints = amazonEndpoints(amazonBaseUrl);
  const tokens = createAccessTokens({
    db,
    kv,
    vault,
    lwa: createLwaClient({ tokenUrl: endpoints.lwaTokenUrl }),
  });
  // Cold archives (disconnections), purged after their expiry.
  const archives = { db, vault, archiveDir: `${config.DATA_DIR}/archives` };
  const shutdownSignal = new AbortController();
  const queue = createJobQueue(kv);
  const denials = new DenialAggregator({ db });
  const flushDenials = setInterval(() => {
    denials.flush().catch((error) =>
      log.warn("audit.denials.flush_failed", { error })
    );
  }, 60_000);
  const app = createApp({
    config: { ...config, AMAZON_BASE_URL: amazonBaseUrl },
    db,
    kv,
    log,
    vault,
    enqueue: queue.enqueue,
    denials,
  });
  const jobs = startJobs({
    queue,
    log,
    handlers: [
      disconnectHandler({
        db,
        kv,
        vault,
        archiveDir: `${config.DATA_DIR}/archives`,
      }),
      purgeHandler({
        db,
        kv,
        sessionIdleMs: config.SESSION_IDLE_MINUTES * 60_000,
        archives,
      }),
      deletionHandler({ db, kv }),
      syncHandler({
        db,
        kv,
        vault,
        tokens,
        endpoints,
        log,
        datasets: DATASETS_BY_NAME,
        settings: {
          adsTrailingDays: config.SYNC_ADS_TRAILING_DAYS,
          ordersOverlapMinutes: config.SYNC_ORDERS_OVERLAP_MINUTES,
          backfillDays: config.SYNC_BACKFILL_DAYS,
          ...tuning?.settings,
        },
        usagePlans: tuning?.usagePlans,
        signal: shutdownSignal.signal,
        worker: `${Deno.hostname()}:${Deno.pid}`,
        enqueue: queue.enqueue,
      }),
    ],
    crons: [
      schedulerCron({
        db,
        log,
        datasets: DATASETS,
        worker: `${Deno.hostname()}:${Deno.pid}`,
        enqueue: queue.enqueue,
      }),
      auditCheckpointCron({ db, kv, vault, log }),
      detectionCron({ db, vault, log }),
      purgeCron({
        db,
        kv,
        sessionIdleMs: config.SESSION_IDLE_MINUTES * 60_000,
        archives,
        worker: `${Deno.hostname()}:${Deno.pid}`,
      }),
      // Data-request e-mail: without SMTP_URL it waits in the outbox.
      mailCron({
        db,
        log,
        transport: config.SMTP_URL
          ? smtpTransport(config.SMTP_URL, config.MAIL_FROM)
          : null,
      }),
      requestExpiryCron({ db }),
    ],
  });
  // Runs cut short by the last shutdown or a crash continue from their
  // checkpoints now, not at their next schedule.
  await resumeInterruptedRuns({
    db,
    log,
    enqueue: queue.enqueue,
    datasets: DATASETS_BY_NAME,
  });
  if (demo) {
    console.log(
      `Demo mode: sandbox marketplace at ${demo.url}, demo store connected`,
    );
    if (demo.needsFirstSync) {
      for (const d of DATASETS) {
        await requestScheduledRun(
          { db, enqueue: queue.enqueue },
          demo.storeId,
          d.name,
        );
      }
    }
  }

  const server = Deno.serve({
    port: config.PORT,
    hostname: config.HOST,
    onListen: () =>
      log.info("server.listening", {
        url: config.publicUrl,
        engine: db.engine,
      }),
  }, app.fetch);
  console.log(`Custodian is listening on ${config.publicUrl}`);
  if (!(await hasActiveStaff(db))) {
    // Printed, never logged: the link is a credential for 15 minutes.
    const token = await issueFirstOwnerToken(kv);
    console.log(
      `First owner sign-in: ${config.publicUrl}/auth/first-owner/${token}`,
    );
  }

  const stopped = Promise.withResolvers<void>();
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("server.stopping", { signal });
    const grace = setTimeout(() => {
      log.warn("server.shutdown.timeout", { ms: config.SHUTDOWN_GRACE_MS });
      Deno.exit(1);
    }, config.SHUTDOWN_GRACE_MS);
    // Stop accepting and let in-flight requests finish, then the jobs.
    await server.shutdown();
    clearInterval(flushDenials);
    await denials.flush({ all: true }).catch((error) =>
      log.warn("audit.denials.flush_failed", { error })
    );
    jobs.stop();
    // Running syncs stop at their next step; their cursors hold.
    shutdownSignal.abort(new Error("the server is stopping"));
    await jobs.idle();
    kv.close();
    await jobs.listening.catch(() => {});
    await db.close();
    await demo?.close();
    clearTimeout(grace);
    log.info("server.stopped", {});
    stopped.resolve();
  };
  onSignal = (signal) => void shutdown(signal);
  if (pendingSignal) void shutdown(pendingSignal);
  await stopped.promise;
  return 0;
}

/**
 * Demo mode: the sandbox marketplace in this process, and its seller
 * connected as a store (lib/demo.ts gets only its URL and plain data).
 */
async function startDemo(db: Database, vault: Vault) {
  const sandbox = await startDemoSandbox({ timeScale: DEMO_TIME_SCALE });
  try {
    const store = await connectDemoStore({
      db,
      vault,
      account: sandbox.account,
    });
    return {
      url: sandbox.url,
      days: sandbox.days,
      timeScale: sandbox.timeScale,
      ...store,
      close: () => sandbox.close(),
    };
  } catch (err) {
    await sandbox.close();
    throw err;
  }
}

if (import.meta.main) Deno.exit(await main());
