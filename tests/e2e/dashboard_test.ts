// In a real browser: the dashboard in the app shell on synced data — the
// store switcher changes `?store=`, the language switch keeps it, the
// navigation collapses on a narrow screen — and axe-core (injected into the
// page) finds no serious or critical accessibility violation.
import assert from "node:assert/strict";
import axe from "axe-core";
import type { Page } from "playwright-core";
import { openTestApp } from "../_helpers/app.ts";
import { testEngine } from "../_helpers/test_db.ts";
import { openSyncWorld, scaledPlans } from "../_helpers/sync.ts";
import { ordersDataset } from "../../lib/sync/datasets/orders.ts";
import { launchBrowser, signUpFirstOwner } from "./_browser.ts";

interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: { target: unknown }[];
}

/** Serious and critical axe-core violations of the page as it is now. */
async function axeProblems(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol: the page's CSP does not apply.
  await page.evaluate(axe.source);
  const violations = await page.evaluate(() =>
    (globalThis as unknown as {
      axe: { run(): Promise<{ violations: AxeViolation[] }> };
    }).axe.run().then((r) =>
      r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        nodes: v.nodes.map((n) => ({ target: n.target })),
      }))
    )
  );
  return violations.filter((v) =>
    v.impact === "serious" || v.impact === "critical"
  ).map((v) => `${v.id} (${v.impact}): ${JSON.stringify(v.nodes)}`);
}

Deno.test(`browser (${testEngine}): the dashboard in the shell — switcher, language, narrow screen — with no serious axe violation`, async () => {
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
  await using w = await openSyncWorld({
    db: s.t.db,
    kv: s.kv,
    datasets: [ordersDataset],
    sandbox: {
      stores: 2,
      orders: 120,
      days: 40,
      usagePlans: scaledPlans(2000),
    },
    settings: { backfillDays: 45, shipCountryEveryMinutes: 0 },
  });
  await w.runOk(0, "orders");
  await w.runOk(1, "orders");
  handler = (req, info) => s.app.fetch(req, info);
  const browser = await launchBrowser();
  const shots = Deno.env.get("E2E_SCREENSHOTS");
  try {
    const page = await browser.newPage({
      viewport: { width: 1280, height: 900 },
    });
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(m.text());
    });
    await signUpFirstOwner(page, origin, s.kv);

    // Every store: figures per currency, the chart and its table.
    assert.equal(await page.locator("h1").textContent(), "Dashboard");
    assert.ok(await page.locator("#kpis tbody tr").count() >= 3);
    assert.ok(
      await page.locator("svg.sales-chart[role=img]").first().isVisible(),
    );
    assert.ok(
      await page.getByRole("navigation", { name: "Main navigation" })
        .getByRole("link", { name: "Dashboard" }).isVisible(),
    );
    if (shots) {
      await page.screenshot({
        path: `${shots}/dashboard-all.png`,
        fullPage: true,
      });
    }
    assert.deepEqual(await axeProblems(page), [], "dashboard, all stores");

    // The switcher: one store, kept in the URL.
    const switcher = page.locator("#store-switcher");
    await switcher.locator("select[name=store]").selectOption({
      label: "Own store 2",
    });
    await switcher.getByRole("button", { name: "Show" }).click();
    await page.waitForURL(`${origin}/?store=${w.storeIds[1]}`);
    assert.match(
      (await page.locator(".page-header p").textContent())!,
      /Store: Own store 2/,
    );
    // The navigation keeps the choice.
    assert.equal(
      await page.getByRole("navigation", { name: "Main navigation" })
        .getByRole("link", { name: "Dashboard" }).getAttribute("href"),
      `/?store=${w.storeIds[1]}`,
    );

    // The language: Chinese, still on the same store.
    await page.locator("select[name=lang]").selectOption("zh-CN");
    await page.locator(".lang-form button").click();
    await page.locator("html[lang=zh-CN]").waitFor();
    assert.equal(page.url(), `${origin}/?store=${w.storeIds[1]}`);
    assert.equal(await page.locator("h1").textContent(), "仪表盘");
    assert.match(
      (await page.locator(".page-header p").textContent())!,
      /店铺：Own store 2/,
    );
    assert.deepEqual(await axeProblems(page), [], "dashboard in Chinese");

    // A narrow screen: the navigation folds behind its summary.
    await page.setViewportSize({ width: 420, height: 800 });
    const menu = page.locator(".sidenav summary");
    assert.ok(await menu.isVisible());
    const dashboardLink = page.locator(".sidenav a[href^='/?store']");
    assert.ok(await dashboardLink.isVisible());
    await menu.click();
    assert.equal(await dashboardLink.isVisible(), false, "collapsed");
    if (shots) await page.screenshot({ path: `${shots}/dashboard-narrow.png` });
    assert.deepEqual(await axeProblems(page), [], "narrow screen");

    // The user menu opens without script and signs out by POST.
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.locator(".user-menu summary").click();
    await page.getByRole("button", { name: "退出登录" }).click();
    await page.waitForURL((u) => u.pathname === "/auth/signin");
    assert.deepEqual(problems, [], "no console errors or CSP violations");
  } finally {
    await browser.close();
    await server.shutdown();
  }
});
