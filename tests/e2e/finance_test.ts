// In a real browser (issue #16): a finance person opens the settlements,
// follows one to its page and its reconciliation, reads each discrepancy
// with its cause, filters the financial events, and downloads the lines —
// with no script error under the CSP, stored markup shown as text, and no
// serious or critical axe-core violation on any finance screen.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { openTestApp } from "../_helpers/app.ts";
import { MARKUP, O, seedFinance } from "../_helpers/finance_fixture.ts";
import { makeStaff, makeStore } from "../_helpers/staff.ts";
import { testEngine } from "../_helpers/test_db.ts";
import { launchBrowser } from "./_browser.ts";

const AXE = await Deno.readTextFile(
  new URL("../../node_modules/axe-core/axe.min.js", import.meta.url),
);

/** axe-core's serious and critical violations of the page as it is now. */
async function axeProblems(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const result = await page.evaluate(`axe.run(document, {
    resultTypes: ["violations"],
  }).then((r) => r.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => v.id + ": " + v.nodes.map((n) => n.target.join(" ")).join(", ")))`);
  return result as string[];
}

Deno.test(`browser (${testEngine}): settlements, a settlement, its reconciliation and the financial events`, async () => {
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
  const a = await makeStore(s, "Harbor Goods");
  const b = await makeStore(s, "Lantern Supply");
  await seedFinance(s, a);
  const person = await makeStaff(s, "finance", { storeIds: [a, b] });
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ acceptDownloads: true });
    await context.addCookies([{
      name: "__Host-custodian_session",
      value: person.sessionId,
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

    // The nav leads to the settlements; the list and its totals.
    await page.goto(`${origin}/`);
    await page.getByRole("navigation", { name: "Main navigation" })
      .getByRole("link", { name: "Settlements" }).click();
    await page.waitForURL(`${origin}/finance`);
    assert.equal(await page.locator("h1").textContent(), "Settlements");
    assert.equal(await page.locator("#settlements tbody tr").count(), 3);
    assert.deepEqual(
      await page.locator("#settlement-totals tbody th").allTextContents(),
      ["CAD", "USD"],
    );
    assert.deepEqual(await axeProblems(page), [], "axe on /finance");

    // A filter through the form: the URL holds it.
    await page.locator("select[name=currency]").selectOption("USD");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/currency=USD/);
    assert.equal(await page.locator("#settlements tbody tr").count(), 2);

    // The settlement that ties out, then its reconciliation.
    await page.getByRole("link", { name: "1001" }).click();
    await page.waitForURL(/\/finance\/settlements\/[^/]+\/1001$/);
    assert.equal(await page.locator("h1").textContent(), "Settlement 1001");
    // Stored markup is text: no image element, the characters shown.
    assert.equal(await page.locator("main img").count(), 0);
    assert.equal(await page.getByText(MARKUP).count(), 1);
    assert.deepEqual(await axeProblems(page), [], "axe on a settlement");
    await page.getByRole("button", { name: "Reconcile this settlement" })
      .click();
    await page.waitForURL(/\/1001\/reconciliation$/);
    assert.equal(
      await page.locator("#reconciliation-verdict").textContent(),
      "Everything ties out: no discrepancy.",
    );
    assert.deepEqual(await axeProblems(page), [], "axe on a reconciliation");

    // The one with every kind of discrepancy, each with its cause.
    await page.goto(`${origin}/finance/settlements/${a}/1002/reconciliation`);
    assert.match(
      (await page.locator("#reconciliation-verdict").textContent())!,
      /^11 discrepancies to look at\.$/,
    );
    const near = page.locator(`#discrepancies tr[data-order="${O.o3}"]`);
    assert.match(
      (await near.locator("td").last().textContent())!,
      /Shipped close to the end of the period/,
    );
    const fee = page.locator(`#discrepancies tr[data-kind="fee_differs"]`);
    assert.match((await fee.textContent())!, /-USD\s0\.50/);
    assert.equal(
      await page.locator('#reconciliation-ties tr[data-ties-out="false"]')
        .count(),
      5,
    );
    assert.deepEqual(await axeProblems(page), [], "axe with discrepancies");
    // In Chinese.
    await page.locator("select[name=lang]").selectOption("zh-CN");
    await page.getByRole("button", { name: "Switch" }).click();
    await page.waitForURL(/\/reconciliation$/);
    assert.match(
      (await near.locator("td").last().textContent())!,
      /在周期快结束时发货/,
    );
    assert.deepEqual(await axeProblems(page), [], "axe in Chinese");
    await page.locator("select[name=lang]").selectOption("en");
    await page.getByRole("button", { name: "切换" }).click();
    await page.waitForURL(/\/reconciliation$/);

    // Financial events: filter by type; totals per currency.
    await page.goto(`${origin}/finance/events`);
    assert.equal(await page.locator("#financial-events tbody tr").count(), 12);
    assert.deepEqual(await axeProblems(page), [], "axe on /finance/events");
    await page.locator("select[name=type]").selectOption("RefundEvent");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/type=RefundEvent/);
    assert.equal(await page.locator("#financial-events tbody tr").count(), 3);
    assert.equal(
      await page.locator('#event-totals tr[data-currency="USD"] td').last()
        .textContent(),
      "-USD\u00a037.80",
    );

    // The lines of one settlement as CSV.
    await page.goto(`${origin}/finance/settlements/${a}/1001`);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export these lines (CSV)" }).click(),
    ]);
    assert.match(
      download.suggestedFilename(),
      /^settlement-lines-\d{4}-\d{2}-\d{2}\.csv$/,
    );
    const csv = await Deno.readTextFile((await download.path())!);
    const lines = csv.trimEnd().split("\r\n");
    assert.equal(lines.length, 14);
    assert.ok(lines.slice(1).every((l) => l.startsWith(`${a},1001,`)));

    assert.deepEqual(problems, []);
    await context.close();
  } finally {
    await browser.close();
    await server.shutdown();
  }
});
