// In a real browser (issue #18): an auditor opens /compliance from the
// navigation, reads each line's colour as a word and an icon, follows a
// proof link, and downloads the page as one file that opens on its own
// (no request to any host) and carries the audit chain's head hash; no
// script error under the CSP and no serious or critical axe-core
// violation.
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { rowsOf } from "../../db/client.ts";
import { openTestApp } from "../_helpers/app.ts";
import { makeStaff, makeStore } from "../_helpers/staff.ts";
import { ownerOf, testEngine } from "../_helpers/test_db.ts";
import { launchBrowser } from "./_browser.ts";
import type { Page } from "playwright-core";

const AXE = await Deno.readTextFile(
  new URL("../../node_modules/axe-core/axe.min.js", import.meta.url),
);

/** axe-core's serious and critical violations in `scope`. */
async function axeProblems(page: Page, scope: string): Promise<string[]> {
  await page.evaluate(AXE);
  const result = await page.evaluate(`axe.run({ include: [["${scope}"]] }, {
    resultTypes: ["violations"],
  }).then((r) => r.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => v.id + ": " + v.nodes.map((n) => n.target.join(" ")).join(", ")))`);
  return result as string[];
}

Deno.test(`browser (${testEngine}): the compliance page, a proof link and its self-contained download`, async () => {
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
  const store = await makeStore(s, "Harbor Goods");
  // One violation to see: a store marked connected without authorization.
  await ownerOf(s.t.db).execute(
    sql`update stores set status = 'connected' where id = ${store}::uuid`,
  );
  const auditor = await makeStaff(s, "auditor");
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ acceptDownloads: true });
    await context.addCookies([{
      name: "__Host-custodian_session",
      value: auditor.sessionId,
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

    await page.goto(`${origin}/`);
    await page.locator("nav.sidenav").getByRole("link", { name: "Compliance" })
      .click();
    await page.waitForURL(`${origin}/compliance`);
    assert.equal(await page.locator("h1").textContent(), "Compliance evidence");
    // The colour is said in words too: red, amber and green lines.
    const red = page.locator("#line-authorization\\.official");
    assert.equal(await red.getAttribute("data-status"), "red");
    assert.match(await red.locator(".badge").textContent() ?? "", /Red/);
    // No provider registered yet: amber, not proven.
    const unproven = page.locator("#line-providers\\.register");
    assert.match(await unproven.locator(".badge").textContent() ?? "", /Amber/);
    assert.match(
      await unproven.textContent() ?? "",
      /No service provider is registered/,
    );
    assert.ok(await page.locator('tr[data-status="green"]').count() > 0);
    assert.ok(await page.locator("#record tbody tr").count() > 5);
    assert.deepEqual(
      await axeProblems(page, "#main"),
      [],
      "axe on /compliance",
    );

    // A proof link opens the screen it names.
    await page.locator("#line-audit\\.chain").getByRole("link").click();
    await page.waitForURL(`${origin}/audit`);
    await page.goBack();

    // The download: one file, opened offline, nothing requested.
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download as one HTML file" }).click(),
    ]);
    assert.match(
      download.suggestedFilename(),
      /^compliance-\d{4}-\d{2}-\d{2}\.html$/,
    );
    const file = (await download.path())!;
    const html = await Deno.readTextFile(file);
    const [event] = rowsOf<{ hash: string }>(
      await ownerOf(s.t.db).execute(sql`select hash from audit_events
        where action = 'compliance.download'`),
    );
    assert.ok(html.includes(event.hash), "the head hash is in the file");

    const offline = await browser.newContext({ offline: true });
    const copy = await offline.newPage();
    const requested: string[] = [];
    copy.on("request", (r) => {
      if (!r.url().startsWith("file:")) requested.push(r.url());
    });
    // Playwright keeps a download under a name without extension, which
    // Chromium would show as text: open a copy named as the browser saves it.
    const dir = await Deno.makeTempDir();
    const saved = `${dir}/${download.suggestedFilename()}`;
    await Deno.writeTextFile(saved, html);
    await copy.goto(`file://${saved}`);
    assert.equal(await copy.locator("h1").textContent(), "Compliance evidence");
    // Its own style applied: the red badge has its background.
    const bg = await copy.locator("#line-authorization\\.official .badge")
      .evaluate((e) =>
        (globalThis as unknown as {
          getComputedStyle(x: unknown): { backgroundColor: string };
        }).getComputedStyle(e).backgroundColor
      );
    assert.equal(bg, "rgb(254, 226, 226)");
    assert.deepEqual(requested, [], "the file asks no host for anything");
    assert.deepEqual(await axeProblems(copy, "main"), [], "axe on the file");
    await offline.close();
    await Deno.remove(dir, { recursive: true });

    assert.deepEqual(problems, []);
    await context.close();
  } finally {
    await browser.close();
    await server.shutdown();
  }
});
