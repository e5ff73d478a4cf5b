// In a real browser (issue #16): a cost-of-goods CSV import with an error
// line (the problem shown by line and field, nothing saved), then a valid
// one (saved, listed, a SKU holding markup shown as text); /profit both ways
// with a conversion, and the rates page — with no script error under the
// CSP and no serious or critical axe-core violation on any of them.
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import type { Page } from "playwright-core";
import { skuCosts } from "../../db/schema.ts";
import { openTestApp } from "../_helpers/app.ts";
import { RANGE, seedProfitFixture } from "../_helpers/profit_fixture.ts";
import { makeStaff } from "../_helpers/staff.ts";
import { ownerOf, testEngine } from "../_helpers/test_db.ts";
import { launchBrowser } from "./_browser.ts";

const AXE = await Deno.readTextFile(
  new URL("../../node_modules/axe-core/axe.min.js", import.meta.url),
);

/** axe-core's serious and critical violations of the whole page as it is now. */
async function axeProblems(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const result = await page.evaluate(`axe.run(document, {
    resultTypes: ["violations"],
  }).then((r) => r.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => v.id + ": " + v.nodes.map((n) => n.target.join(" ")).join(", ")))`);
  return result as string[];
}

const HEADER = "sku,currency,effective_from,unit_cost,inbound_shipping,duty";

Deno.test(`browser (${testEngine}): a COGS CSV import with an error line saves nothing, a valid one saves; profit and rates pages pass axe`, async () => {
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
  const f = await seedProfitFixture(s.t.db);
  const finance = await makeStaff(s, "finance", {
    storeIds: [f.storeA, f.storeB],
  });
  const costsOfA = async () =>
    (await ownerOf(s.t.db).select().from(skuCosts).where(
      eq(skuCosts.storeId, f.storeA),
    )).length;
  const browser = await launchBrowser();
  const dir = await Deno.makeTempDir({ prefix: "profit-e2e-" });
  try {
    const context = await browser.newContext();
    await context.addCookies([{
      name: "__Host-custodian_session",
      value: finance.sessionId,
      domain: "127.0.0.1",
      path: "/",
      secure: true,
    }]);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(e.message));
    // A refused import or form is answered 400 (its page says why); the
    // browser logs each such answer, so those are counted apart.
    const refused: string[] = [];
    page.on("response", (r) => {
      if (r.status() === 400) refused.push(new URL(r.url()).pathname);
    });
    page.on("console", (m) => {
      if (m.type() !== "error") return;
      if (/status of 400 \(Bad Request\)/.test(m.text())) return;
      problems.push(m.text());
    });

    // /profit both ways, converted into USD at the rates of the last day.
    await page.goto(
      `${origin}/profit?from=${RANGE.from}&to=${RANGE.to}&in=USD`,
    );
    assert.equal(await page.locator("h1").textContent(), "Profit");
    assert.match(
      await page.locator("#profit-no-cost").textContent() ?? "",
      /SKU-C/,
    );
    assert.match(
      await page.locator("#profit-converted").textContent() ?? "",
      /rates of 2026-06-30/,
    );
    assert.deepEqual(await axeProblems(page), [], "axe on /profit");
    await page.locator("select[name=by]").selectOption("order");
    await page.locator("#main").getByRole("button", { name: "Show" }).click();
    await page.waitForURL(/by=order/);
    assert.deepEqual(await axeProblems(page), [], "axe on /profit by order");

    // The cost page: an import with an error line.
    const before = await costsOfA();
    await page.goto(`${origin}/profit/costs`);
    assert.deepEqual(await axeProblems(page), [], "axe on /profit/costs");
    const bad = `${dir}/bad.csv`;
    await Deno.writeTextFile(
      bad,
      `${HEADER}\nSKU-C,USD,2026-01-01,3.00,,\nSKU-D,USD,2026-01-01,-2,0,0\n`,
    );
    await page.locator("#import-store").selectOption(f.storeA);
    await page.locator("#import-file").setInputFiles(bad);
    await page.getByRole("button", { name: "Import" }).click();
    await page.locator("#import-problems").waitFor();
    const said = await page.locator("#import-problems").textContent() ?? "";
    assert.match(said, /Nothing was saved: 1 problems/);
    assert.match(said, /Line 3, Cost per unit: an amount of zero or more/);
    assert.equal(await costsOfA(), before, "nothing saved");
    assert.deepEqual(
      await axeProblems(page),
      [],
      "axe on the refused import",
    );

    // The same file, corrected: every line saved, a SKU with markup as text.
    const good = `${dir}/good.csv`;
    await Deno.writeTextFile(
      good,
      `${HEADER}\r\nSKU-C,USD,2026-01-01,3.00,,\r\n<b>SKU-D</b>,USD,2026-01-01,2.00,0,0\r\n`,
    );
    await page.locator("#import-store").selectOption(f.storeA);
    await page.locator("#import-file").setInputFiles(good);
    await page.getByRole("button", { name: "Import" }).click();
    await page.locator("#import-saved").waitFor();
    assert.equal(
      await page.locator("#import-saved").textContent(),
      "2 costs imported.",
    );
    assert.equal(await costsOfA(), before + 2);
    assert.equal(await page.locator("#cost-rows b").count(), 0);
    assert.equal(
      await page.locator("#cost-rows code", { hasText: "<b>SKU-D</b>" })
        .count(),
      1,
    );

    // SKU-C now has a cost: nothing is left out on /profit.
    await page.goto(`${origin}/profit?from=${RANGE.from}&to=${RANGE.to}`);
    assert.equal(await page.locator("#profit-no-cost").count(), 0);

    // The rates page, with a refused form field beside its input.
    await page.goto(`${origin}/profit/rates`);
    await page.locator("#f-day").fill("2026-07-01");
    await page.locator("#f-base").fill("USD");
    await page.locator("#f-quote").fill("USD");
    await page.locator("#f-rate").fill("1");
    await page.getByRole("button", { name: "Save rate" }).click();
    await page.locator("#f-quote-error").waitFor();
    assert.equal(
      await page.locator("#f-quote").getAttribute("aria-invalid"),
      "true",
    );
    assert.deepEqual(await axeProblems(page), [], "axe on /profit/rates");

    assert.deepEqual(problems, []);
    assert.deepEqual(refused, ["/profit/costs/import", "/profit/rates"]);
    await context.close();
  } finally {
    await browser.close();
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});
