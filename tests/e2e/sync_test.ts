// In a real browser: an admin runs a dataset now on a connected store's Sync
// page; the queued run is carried out by the real queue handler against the
// sandbox while htmx polls the status under the strict CSP, and the page
// ends on a succeeded run whose detail shows what was written.
import assert from "node:assert/strict";
import { createApp } from "../../routes/app.ts";
import { loadConfig } from "../../lib/config.ts";
import { prepareDatabase } from "../../lib/setup.ts";
import { DATASETS } from "../../lib/sync/datasets/mod.ts";
import { startJobs } from "../../jobs/mod.ts";
import { createJobQueue } from "../../jobs/queue.ts";
import { syncHandler } from "../../jobs/sync.ts";
import { openSyncWorld } from "../_helpers/sync.ts";
import { ownerOf, testEngine } from "../_helpers/test_db.ts";
import { syncRuns } from "../../db/schema.ts";
import { launchBrowser, signUpFirstOwner } from "./_browser.ts";
import { truthRows } from "../_helpers/truth.ts";

Deno.test(`browser (${testEngine}): run a sync now and watch it finish`, async () => {
  let handler: (req: Request) => Response | Promise<Response> = () =>
    new Response("starting", { status: 503 });
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen: () => {} },
    (req) => handler(req),
  );
  const origin = `http://127.0.0.1:${server.addr.port}`;
  const w = await openSyncWorld({
    datasets: DATASETS,
    sandbox: { stores: 1, orders: 80, days: 30 },
    kv: await Deno.openKv(":memory:"),
  });
  await prepareDatabase(w.db);
  const queue = createJobQueue(w.kv);
  const send = queue.enqueue;
  const app = createApp({
    config: loadConfig({ PUBLIC_URL: origin, AMAZON_BASE_URL: w.sb.url }),
    db: w.db,
    kv: w.kv,
    log: w.log,
    vault: w.vault,
    enqueue: send,
  });
  handler = (req) => app.fetch(req);
  const jobs = startJobs({
    queue,
    log: w.log,
    handlers: [syncHandler({ ...w.deps, enqueue: send })],
  });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    await signUpFirstOwner(page, origin, w.kv);
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(m.text());
    });
    const storeId = w.storeIds[0];
    await page.goto(`${origin}/stores/${storeId}/sync`);
    const row = page.locator('tr[data-dataset="orders"]');
    assert.match((await row.textContent())!, /Never run/);
    await row.getByRole("button", { name: "Run now" }).click();
    await page.getByText("Queued. The run starts in a moment.").waitFor();
    // htmx polls the status table until the run has finished.
    await row.locator('.badge[data-state="succeeded"]').waitFor({
      timeout: 60_000,
    });
    await row.getByRole("link").click();
    await page.locator("h1").getByText("Orders and items").waitFor();
    const detail = (await page.locator("main").textContent())!;
    const [run] = await ownerOf(w.db).select().from(syncRuns);
    assert.equal(run.status, "succeeded");
    assert.ok(
      run.rowsInserted >= truthRows(w.sb.sandbox.sellers[0]).orders.length,
      "the run wrote every order",
    );
    assert.ok(
      detail.includes(
        [run.rowsInserted, run.rowsUpdated, run.rowsSkipped].map((n) =>
          n.toLocaleString("en")
        ).join(" / "),
      ),
      "the page shows the run's counters",
    );
    assert.deepEqual(problems, [], "no script or CSP error");
  } finally {
    await browser.close();
    jobs.stop();
    w.kv.close();
    await jobs.listening.catch(() => {});
    await w.close();
    await server.shutdown();
  }
});
