// In a real browser (issue #15): filter the orders, go deep with "Older" and
// come back with the back button, reveal an order's buyer data with a reason
// (htmx swaps it in, and "Hide now" swaps the masked section back), download
// the CSV — with no script error under the CSP and no serious or critical
// axe-core violation on the list, the order page and the revealed state.
import assert from "node:assert/strict";
import { seedDatabase } from "../../bench/seed.ts";
import { upsertBuyerPii } from "../../lib/ingest/buyer_pii.ts";
import { openTestApp } from "../_helpers/app.ts";
import { makeStaff } from "../_helpers/staff.ts";
import { testEngine } from "../_helpers/test_db.ts";
import { launchBrowser } from "./_browser.ts";
import type { Page } from "playwright-core";

const AXE = await Deno.readTextFile(
  new URL("../../node_modules/axe-core/axe.min.js", import.meta.url),
);

/** axe-core's serious and critical violations of the whole page as it is now. */
async function axeProblems(page: Page): Promise<string[]> {
  // Evaluated through the devtools protocol: the page's CSP allows no
  // inline script, and this is not one.
  await page.evaluate(AXE);
  const result = await page.evaluate(`axe.run(document, {
    resultTypes: ["violations"],
  }).then((r) => r.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => v.id + ": " + v.nodes.map((n) => n.target.join(" ")).join(", ")))`);
  return result as string[];
}

Deno.test(`browser (${testEngine}): orders filter, a deep page, the reveal with a reason and a CSV download`, async () => {
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
    seed: 150,
    stores: 2,
    orders: 400,
    days: 90,
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

    // The list, then a filter through the form: the URL holds it.
    await page.goto(`${origin}/orders`);
    assert.equal(await page.locator("h1").textContent(), "Orders");
    assert.equal(await page.locator("table.index tbody tr").count(), 50);
    assert.deepEqual(await axeProblems(page), [], "axe on /orders");
    await page.locator("select[name=channel]").selectOption("AFN");
    await page.locator("select[name=dir]").selectOption("asc");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/channel=AFN/);
    assert.ok(page.url().includes("dir=asc"));
    const channels = await page.locator("table.index tbody tr td:nth-child(6)")
      .allTextContents();
    assert.ok(channels.length > 0 && channels.every((c) => c === "AFN"));
    // The totals arrive as a fragment, one line per currency.
    await page.locator("#order-totals table").waitFor();

    // Deep: three pages "Older" (newest first), then back.
    await page.goto(`${origin}/orders`);
    const first = await page.locator("table.index tbody tr td a").first()
      .textContent();
    for (let i = 0; i < 3; i++) {
      await page.getByRole("link", { name: "Older →" }).click();
      await page.waitForURL(/after=/);
    }
    const deep = await page.locator("table.index tbody tr td a").first()
      .textContent();
    assert.notEqual(deep, first);
    const deepUrl = page.url();
    await page.goBack();
    await page.goBack();
    await page.goBack();
    assert.equal(
      await page.locator("table.index tbody tr td a").first().textContent(),
      first,
    );
    // A shared link opens the same deep page.
    await page.goto(deepUrl);
    assert.equal(
      await page.locator("table.index tbody tr td a").first().textContent(),
      deep,
    );

    // The reveal: masked, then shown with a reason, then hidden again.
    const orderId =
      (await page.locator("table.index tbody tr td a").first().getAttribute(
        "href",
      ))!.split("/").pop()!;
    const store =
      (await page.locator("table.index tbody tr td a").first().getAttribute(
        "href",
      ))!.split("/")[2];
    await s.t.db.asJob(store, (tx) =>
      upsertBuyerPii(tx, s.vault, [{
        storeId: store,
        amazonOrderId: decodeURIComponent(orderId),
        collectedAt: new Date(),
        deliveredAt: new Date(),
        payload: {
          name: "Jane Q. Buyer",
          addressLine1: "1 Main Street",
          city: "Springfield",
          countryCode: "US",
        },
      }]));
    await page.goto(`${origin}/orders/${store}/${orderId}`);
    assert.equal(await page.locator("[data-buyer=masked]").count(), 1);
    assert.equal(await page.getByText("Jane Q. Buyer").count(), 0);
    assert.deepEqual(await axeProblems(page), [], "axe on the order page");
    await page.getByLabel("Reason for revealing").fill(
      "Customer called about a missing parcel",
    );
    await page.getByRole("button", { name: "Reveal" }).click();
    await page.locator("[data-buyer=revealed]").waitFor();
    assert.equal(await page.getByText("Jane Q. Buyer").count(), 1);
    assert.match(
      (await page.locator("[data-buyer=revealed]").getAttribute(
        "data-hx-trigger",
      ))!,
      /^load delay:300s$/,
    );
    assert.deepEqual(await axeProblems(page), [], "axe on the revealed data");
    await page.getByRole("link", { name: "Hide now" }).click();
    await page.locator("[data-buyer=masked]").waitFor();
    assert.equal(await page.getByText("Jane Q. Buyer").count(), 0);

    // The CSV download, with the list's filters.
    await page.goto(`${origin}/orders?store=${storeId}&status=Shipped`);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export CSV" }).click(),
    ]);
    assert.match(
      download.suggestedFilename(),
      /^orders-\d{4}-\d{2}-\d{2}\.csv$/,
    );
    const csv = await Deno.readTextFile((await download.path())!);
    const lines = csv.trimEnd().split("\r\n");
    assert.ok(lines[0].startsWith("store_id,amazon_order_id,"));
    assert.ok(lines.length > 1);
    assert.ok(lines.slice(1).every((l) => l.startsWith(storeId)));

    assert.deepEqual(problems, []);
    await context.close();
  } finally {
    await browser.close();
    await server.shutdown();
  }
});
