// In a real browser (issue #18): a support person reports an incident from
// the dashboard with the keyboard and the mouse; the owner sees it on the
// dashboard and in /incidents, opens it, records Amazon's notice as sent;
// axe-core finds no serious or critical problem on any incident screen.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { openTestApp } from "../_helpers/app.ts";
import { makeStaff, makeStore } from "../_helpers/staff.ts";
import { testEngine } from "../_helpers/test_db.ts";
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

Deno.test(`browser (${testEngine}): reporting an incident from the dashboard; every incident screen passes axe`, async () => {
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
  const store = await makeStore(s, "Browser Store");
  const support = await makeStaff(s, "support", { storeIds: [store] });
  const owner = await makeStaff(s, "owner");
  const browser = await launchBrowser();
  const signedIn = async (sessionId: string) => {
    const context = await browser.newContext();
    await context.addCookies([{
      name: "__Host-custodian_session",
      value: sessionId,
      domain: "127.0.0.1",
      path: "/",
      secure: true,
    }]);
    const page = await context.newPage();
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(m.text());
    });
    page.on("pageerror", (e) => problems.push(e.message));
    return page;
  };
  const problems: string[] = [];
  try {
    // The support person, from the dashboard.
    const page = await signedIn(support.sessionId);
    await page.goto(`${origin}/`);
    await page.getByTestId("report-incident").click();
    await page.waitForURL(`${origin}/incidents/report`);
    assert.deepEqual(await axeProblems(page), [], "axe: report form");
    await page.getByLabel("Mistaken export").check();
    await page.getByLabel("What happened?").fill(
      "I e-mailed an orders CSV to the wrong customer",
    );
    await page.getByLabel("Browser Store").check();
    await page.getByLabel("Orders", { exact: true }).check();
    // Sent with the keyboard.
    await page.getByRole("button", { name: "Send report" }).focus();
    await page.keyboard.press("Enter");
    await page.getByTestId("report-thanks").waitFor();
    assert.deepEqual(await axeProblems(page), [], "axe: thanks");

    // The owner: the dashboard says so, the list shows it.
    const o = await signedIn(owner.sessionId);
    await o.goto(`${origin}/`);
    const attention = o.getByTestId("incident-attention");
    await attention.waitFor();
    assert.match((await attention.textContent())!, /1 open incident/);
    assert.match((await attention.textContent())!, /Amazon/);
    await attention.getByRole("link").first().click();
    await o.waitForURL(/\/incidents\?state=open$/);
    assert.deepEqual(await axeProblems(o), [], "axe: incident list");
    await o.getByRole("link", { name: /^Incident #\d+$/ }).click();
    await o.waitForURL(/\/incidents\/[0-9a-f-]{36}$/);
    assert.match(
      (await o.locator("main").textContent())!,
      /I e-mailed an orders CSV to the wrong customer/,
    );
    assert.deepEqual(await axeProblems(o), [], "axe: incident page");
    await o.locator("tr[data-party=amazon]").getByRole("button", {
      name: "Record as sent",
    }).click();
    await o.waitForURL(/done=notice/);
    assert.match(
      (await o.locator("tr[data-party=amazon]").textContent())!,
      /Sent /,
    );

    for (
      const path of [
        "/incidents/plan",
        "/incidents/detection",
        "/incidents/canaries",
        `/incidents/offboarding?user=${support.id}`,
      ]
    ) {
      await o.goto(`${origin}${path}`);
      assert.deepEqual(await axeProblems(o), [], `axe: ${path}`);
    }
    // Publishing the plan clears the dashboard's plan warning.
    await o.goto(`${origin}/incidents/plan`);
    await o.getByRole("button", { name: "Publish" }).click();
    await o.waitForURL(/done=plan_publish/);
    await o.getByTestId("plan-current").waitFor();
    assert.deepEqual(await axeProblems(o), [], "axe: plan with a version");

    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
    await server.shutdown();
  }
});
