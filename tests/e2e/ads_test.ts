// In a real browser (issue #16): the advertising drill-down from the
// campaign list to a campaign, its ad group's keywords and one keyword with
// its bid history beside its days, the search terms; markup in names,
// keywords and terms shown as text; no script error under the CSP and no
// serious or critical axe-core violation on any of these screens.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { seedAdsWorld } from "../_helpers/ads_fixture.ts";
import { openTestApp } from "../_helpers/app.ts";
import { makeStaff } from "../_helpers/staff.ts";
import { testEngine } from "../_helpers/test_db.ts";
import { launchBrowser } from "./_browser.ts";

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

Deno.test(`browser (${testEngine}): ads drill-down to a keyword and its bid history, search terms, axe on every screen`, async () => {
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
  const w = await seedAdsWorld(s);
  const ads = await makeStaff(s, "advertising", { storeIds: [w.a, w.b] });
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext();
    await context.addCookies([{
      name: "__Host-custodian_session",
      value: ads.sessionId,
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
    let alerted = false;
    page.on("dialog", async (d) => {
      alerted = true;
      await d.dismiss();
    });

    // The campaign list, reached from the navigation.
    await page.goto(`${origin}/`);
    await page.getByRole("navigation", { name: "Main navigation" })
      .getByRole("link", { name: "Campaigns" }).click();
    await page.waitForURL(`${origin}/ads`);
    assert.equal(await page.locator("h1").textContent(), "Advertising");
    // Narrow to the fixed period through the form.
    await page.locator("form.filters input[name=from]").fill("2026-06-01");
    await page.locator("form.filters input[name=to]").fill("2026-06-03");
    await page.locator("form.filters select[name=sort]").selectOption("name");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/from=2026-06-01/);
    assert.ok(page.url().includes("sort=name"));
    assert.equal(await page.locator("#ads-campaigns tbody tr").count(), 3);
    assert.deepEqual(await axeProblems(page), [], "axe on /ads");

    // A campaign whose name holds markup: shown as its text.
    const link = page.locator("a.campaign-link", {
      hasText: "Summer <b>Sale</b>",
    });
    assert.equal(await link.count(), 1);
    assert.equal(await page.locator("#ads-campaigns b").count(), 0);
    await link.click();
    await page.waitForURL(/\/ads\/campaigns\/[0-9a-f-]{36}\/11\?/);
    assert.equal(await page.locator("h1").textContent(), "Summer <b>Sale</b>");
    assert.ok(await page.locator("figure.chart svg[role=img]").isVisible());
    assert.match(
      (await page.locator("#ads-history").textContent())!,
      /Campaign daily budget\s*\$8\.00\s*\$10\.00/,
    );
    assert.match(
      (await page.locator("#ads-budget").textContent())!,
      /85\.71%/,
    );
    assert.deepEqual(await axeProblems(page), [], "axe on the campaign page");

    // Its ad group, then the keyword.
    await page.locator("a.ad-group-link", { hasText: "Group <i>one</i>" })
      .click();
    await page.waitForURL(/\/ads\/keywords\?.*adGroup=111/);
    assert.equal(await page.locator("#ads-keywords tbody tr").count(), 3);
    assert.deepEqual(await axeProblems(page), [], "axe on the keywords");
    await page.locator("a.keyword-link", {
      hasText: "red <script>alert(1)</script> shoes",
    }).click();
    await page.waitForURL(/\/ads\/keywords\/[0-9a-f-]{36}\/1111\?/);
    assert.equal(
      await page.locator("h1").textContent(),
      "red <script>alert(1)</script> shoes",
    );
    // The bid history beside the days: $0.50 → $0.75.
    const history = page.locator("#ads-history");
    assert.ok(await history.isVisible());
    assert.match((await history.textContent())!, /Bid\s*\$0\.50\s*\$0\.75/);
    await page.locator("details.chart-table summary").click();
    assert.ok(
      await page.locator("details.chart-table tbody tr").first().isVisible(),
    );
    assert.match(
      (await page.locator("details.chart-table tbody").textContent())!,
      /budget or bid changed/,
    );
    assert.deepEqual(await axeProblems(page), [], "axe on the keyword page");

    // Search terms: the term with markup is text; its keyword bid on.
    await page.goto(`${origin}/ads/search-terms`);
    const term = page.locator("#ads-terms tbody tr", {
      hasText: "red shoes <img src=x>",
    });
    assert.equal(await term.count(), 1);
    assert.equal(await page.locator("#ads-terms img").count(), 0);
    assert.match((await term.textContent())!, /Broad, Enabled, \$0\.50/);
    assert.deepEqual(await axeProblems(page), [], "axe on search terms");

    assert.equal(alerted, false, "no markup ran");
    assert.deepEqual(problems, [], "no script or CSP error");
  } finally {
    await browser.close();
    await server.shutdown();
  }
});
