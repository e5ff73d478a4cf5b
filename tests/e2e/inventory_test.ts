// In a real browser (issue #15): filter the inventory through its form (the
// URL holds the filter), download its CSV with the same filter, and change a
// store's restock settings — a refused value shows its own error, a good one
// moves the list — with no script error under the CSP and no serious or
// critical axe-core violation on the list and the settings form.
import assert from "node:assert/strict";
import { seedDatabase } from "../../bench/seed.ts";
import { openTestApp } from "../_helpers/app.ts";
import { makeStaff } from "../_helpers/staff.ts";
import { testEngine } from "../_helpers/test_db.ts";
import { launchBrowser } from "./_browser.ts";
import type { Page } from "playwright-core";

const AXE = await Deno.readTextFile(
  new URL("../../node_modules/axe-core/axe.min.js", import.meta.url),
);

/** axe-core's serious and critical violations in the page's main content. */
async function axeProblems(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const result = await page.evaluate(`axe.run({ include: [["#main"]] }, {
    resultTypes: ["violations"],
  }).then((r) => r.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => v.id + ": " + v.nodes.map((n) => n.target.join(" ")).join(", ")))`);
  return result as string[];
}

Deno.test(`browser (${testEngine}): inventory filter, CSV download and the restock settings form`, async () => {
  let handler: (
    req: Request,
    info: Deno.ServeHandlerInfo,
  ) => Response | Promise<Response> = () =>
    new Response("starting", { status: 503 });
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen: () => {} },
    (req, info) => handler(req, info),
  );
  const origin = `http://127.0.0.1:${server.addr.port}`;
  await using s = await openTestApp({ PUBLIC_URL: origin });
  handler = (req, info) => s.app.fetch(req, info);
  const seeded = await seedDatabase(s.t.db, s.vault, {
    seed: 151,
    stores: 2,
    orders: 300,
    days: 45,
    anchor: new Date(),
  });
  const storeId = seeded.stores[0].id;
  const owner = await makeStaff(s, "owner");
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ acceptDownloads: true });
    await context.addCookies([{
      name: "__Host-custodian_session",
      value: owner.sessionId,
      domain: "127.0.0.1",
      path: "/",
      secure: true,
    }]);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(m.text());
    });

    // From the navigation to the list; then a filter through the form.
    await page.goto(`${origin}/`);
    await page.locator("nav.sidenav").getByRole("link", { name: "Inventory" })
      .click();
    await page.waitForURL(`${origin}/inventory`);
    assert.equal(await page.locator("h1").textContent(), "Inventory");
    assert.ok(await page.locator("#inventory-table tbody tr").count() > 0);
    assert.deepEqual(await axeProblems(page), [], "axe on /inventory");
    await page.locator("form.filters select[name=store]").selectOption(storeId);
    await page.locator("form.filters select[name=alert]").selectOption(
      "unfulfillable",
    );
    await page.locator("form.filters select[name=sort]").selectOption(
      "fulfillable",
    );
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/alert=unfulfillable/);
    assert.ok(page.url().includes(`store=${storeId}`));
    assert.ok(page.url().includes("sort=fulfillable"));
    const shown = await page.locator("#inventory-table tbody tr").evaluateAll(
      (rows) =>
        rows.map((r) => ({
          store: r.getAttribute("data-store"),
          sku: r.getAttribute("data-sku"),
          unfulfillable:
            r.querySelectorAll("[data-state=unfulfillable]").length,
        })),
    );
    assert.ok(shown.length > 0);
    assert.ok(shown.every((r) => r.store === storeId && r.unfulfillable === 1));

    // The CSV download holds the same rows, in the same order.
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export CSV" }).click(),
    ]);
    assert.match(
      download.suggestedFilename(),
      /^inventory-\d{4}-\d{2}-\d{2}\.csv$/,
    );
    const lines = (await Deno.readTextFile((await download.path())!))
      .trimEnd().split("\r\n");
    assert.ok(lines[0].startsWith("store_id,store_name,marketplace_id,sku,"));
    assert.deepEqual(
      lines.slice(1).map((l) => l.split(",")[3]),
      shown.map((r) => r.sku),
    );
    assert.ok(lines.slice(1).every((l) => l.startsWith(storeId)));

    // The store's restock settings: a refused value, then a saved one.
    await page.goto(`${origin}/inventory?store=${storeId}`);
    const low = await page.locator("#inventory-table [data-state=low_cover]")
      .count();
    await page.getByRole("link", { name: /^Edit the restock settings of/ })
      .click();
    await page.waitForURL(`${origin}/stores/${storeId}/restock`);
    assert.deepEqual(await axeProblems(page), [], "axe on the settings form");
    await page.getByLabel("Alert under (days of cover)").fill("400");
    await page.getByRole("button", { name: "Save" }).click();
    await page.locator("#alertDays-error").waitFor();
    assert.match(
      (await page.locator("#alertDays-error").textContent())!,
      /from 0 to 365/,
    );
    assert.equal(
      await page.getByLabel("Alert under (days of cover)").getAttribute(
        "aria-invalid",
      ),
      "true",
    );
    assert.deepEqual(await axeProblems(page), [], "axe on the refused form");
    await page.getByLabel("Alert under (days of cover)").fill("365");
    await page.getByRole("button", { name: "Save" }).click();
    await page.waitForURL(/\/inventory\?store=.*#restock-settings$/);
    const settings = await page.locator(
      `#restock-settings tr[data-store="${storeId}"] td`,
    ).allTextContents();
    assert.deepEqual(settings.slice(0, 3), ["30", "60", "365"]);
    // Every SKU that sells is now under its store's threshold.
    const lowNow = await page.locator("#inventory-table [data-state=low_cover]")
      .count();
    assert.ok(lowNow > low, `${lowNow} > ${low}`);

    // The refused save is a 400 on purpose: Chromium logs it.
    assert.deepEqual(
      problems.filter((p) => !/status of 400 \(Bad Request\)/.test(p)),
      [],
    );
    await context.close();
  } finally {
    await browser.close();
    await server.shutdown();
  }
});
