// In a real browser (issue #15): filter the products list through its form
// (the URL keeps the filters), open a product page with its charts, and
// download the products CSV — with no script error under the CSP and no
// serious or critical axe-core violation on the list and the product page.
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
  // Evaluated through the devtools protocol: the page's CSP allows no
  // inline script, and this is not one.
  await page.evaluate(AXE);
  const result = await page.evaluate(`axe.run({ include: [["#main"]] }, {
    resultTypes: ["violations"],
  }).then((r) => r.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => v.id + ": " + v.nodes.map((n) => n.target.join(" ")).join(", ")))`);
  return result as string[];
}

Deno.test(`browser (${testEngine}): products filter, a product page with its charts, and a CSV download`, async () => {
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
    days: 60,
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

    // The list (last 30 days by default), then a filter through the form.
    await page.goto(`${origin}/products`);
    assert.equal(await page.locator("h1").textContent(), "Products");
    assert.ok(await page.locator("table.products tbody tr").count() > 0);
    assert.deepEqual(await axeProblems(page), [], "axe on /products");
    await page.locator("form.filters select[name=store]").selectOption(storeId);
    await page.locator("form.filters select[name=status]").selectOption(
      "buyable",
    );
    await page.locator("form.filters select[name=sort]").selectOption("sales");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/status=buyable/);
    assert.ok(page.url().includes(`store=${storeId}`));
    assert.ok(page.url().includes("sort=sales"));
    const keys = await page.locator("table.products tbody tr")
      .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-key")!));
    assert.ok(keys.length > 0 && keys.every((k) => k.startsWith(storeId)));
    const badges = await page.locator("table.products tbody tr .badge")
      .evaluateAll((b) => b.map((x) => x.getAttribute("data-state")));
    assert.ok(badges.every((b) => b === "buyable"));
    // A preset keeps the filters and changes the period.
    await page.getByRole("link", { name: "Last 90 days" }).click();
    await page.waitForURL(/days=90/);
    assert.ok(page.url().includes("status=buyable"));

    // A product page: its charts are images with a text description, and
    // the same figures sit in a table.
    await page.locator("table.products tbody tr a.product-link").first()
      .click();
    await page.waitForURL(/\/products\/[0-9a-f-]{36}\/[A-Z0-9]{10}/);
    const charts = page.locator("figure.chart svg[role=img]");
    assert.ok(await charts.count() >= 2);
    assert.ok(
      (await page.locator("figure.chart desc").first().textContent())!
        .length > 20,
    );
    await page.locator("details.chart-table summary").first().click();
    assert.ok(
      await page.locator("details.chart-table table tbody tr").first()
        .isVisible(),
    );
    assert.ok(await page.locator("table.listings tbody tr").count() > 0);
    assert.deepEqual(await axeProblems(page), [], "axe on the product page");
    await page.getByRole("button", { name: "Recent orders of this ASIN" })
      .click();
    await page.waitForURL(/\/orders\?store=.*&q=[A-Z0-9]{10}/);

    // The CSV download, with the list's filters.
    await page.goto(`${origin}/products?store=${storeId}&days=90`);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export CSV" }).click(),
    ]);
    assert.match(
      download.suggestedFilename(),
      /^products-\d{4}-\d{2}-\d{2}\.csv$/,
    );
    const csv = await Deno.readTextFile((await download.path())!);
    const lines = csv.trimEnd().split("\r\n");
    assert.ok(lines[0].startsWith("store_id,marketplace_id,asin,"));
    assert.ok(lines.length > 1);
    assert.ok(lines.slice(1).every((l) => l.startsWith(storeId)));

    assert.deepEqual(problems, []);
    await context.close();
  } finally {
    await browser.close();
    await server.shutdown();
  }
});
