// In a real browser (issue #17): the public /request form without
// JavaScript (refused fields marked beside them, then sent), the neutral
// thank-you, the e-mailed verification link, the status page with its
// withdraw button, the same in Chinese, and the staff screens — with no
// script error under the CSP and no serious or critical axe-core violation.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { listOutboxIn } from "../../lib/mail/outbox.ts";
import { asRequestsSystem } from "../../lib/requests/scope.ts";
import { openTestApp } from "../_helpers/app.ts";
import { makeStaff } from "../_helpers/staff.ts";
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

Deno.test(`browser (${testEngine}): the public request form, the verification link and the status page; the staff screens`, async () => {
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
  const owner = await makeStaff(s, "owner");
  const browser = await launchBrowser();
  const mails = () => asRequestsSystem(s.t.db, (tx) => listOutboxIn(tx));
  try {
    // Without JavaScript the form works: refused, then sent.
    const noJs = await browser.newContext({ javaScriptEnabled: false });
    const bare = await noJs.newPage();
    await bare.goto(`${origin}/request`);
    await bare.getByLabel("A question about data or retention").check();
    await bare.getByRole("button", { name: "Send request" }).click();
    await bare.locator("#form-errors").waitFor();
    await bare.getByLabel("Your name").fill("No Script");
    await bare.getByLabel("Your e-mail address").fill("noscript@example.test");
    await bare.getByLabel("Other", { exact: true }).check();
    await bare.getByLabel("Tell us more").fill("Which data do you keep?");
    await bare.getByRole("button", { name: "Send request" }).click();
    await bare.waitForURL(`${origin}/request/thanks`);
    await noJs.close();
    assert.equal((await mails()).length, 1);

    // The requester's browser (axe runs in the page, so with JavaScript).
    const requester = await browser.newContext();
    const page = await requester.newPage();
    const problems: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" && !/status of 4\d\d/.test(m.text())) {
        problems.push(m.text());
      }
    });
    await page.goto(`${origin}/request`);
    assert.equal(await page.locator("h1").textContent(), "Make a data request");
    assert.deepEqual(await axeProblems(page), [], "axe on /request");

    // Sent half-filled: each refused field says why, beside it.
    await page.getByLabel("Delete data about me").check();
    await page.getByLabel("Your e-mail address").fill("not-an-address");
    await page.getByLabel("Amazon buyer").check();
    await page.getByRole("button", { name: "Send request" }).click();
    await page.locator("#form-errors").waitFor();
    assert.equal(
      await page.locator("#name-error").textContent(),
      "Please fill in this field.",
    );
    assert.equal(
      await page.locator("#email-error").textContent(),
      "This value is not valid.",
    );
    assert.equal(await page.locator("#orderId-error").count(), 1);
    assert.equal(
      await page.getByLabel("Your e-mail address").inputValue(),
      "not-an-address",
      "the form keeps what was typed",
    );
    assert.equal(
      await page.getByLabel("Your e-mail address").getAttribute(
        "aria-invalid",
      ),
      "true",
    );
    assert.deepEqual(await axeProblems(page), [], "axe on the refused form");
    assert.equal((await mails()).length, 1, "nothing more stored or sent");

    // Completed and sent: a neutral thank-you with nothing in its URL.
    await page.getByLabel("Your name").fill("Jane <b>Buyer</b>");
    await page.getByLabel("Your e-mail address").fill("jane@example.test");
    await page.getByLabel("Amazon order id").fill("111-2223334-4445556");
    await page.getByLabel("Marketplace of the order").selectOption(
      "ATVPDKIKX0DER",
    );
    await page.getByLabel("Buyer personal data").check();
    await page.getByLabel("Tell us more").fill("Please delete my address.");
    await page.getByRole("button", { name: "Send request" }).click();
    await page.waitForURL(`${origin}/request/thanks`);
    assert.match(
      (await page.locator("main").textContent())!,
      /we have sent an e-mail with a link/,
    );
    assert.deepEqual(await axeProblems(page), [], "axe on the thank-you");

    // The e-mailed link: a page with one button, then the status page.
    const verify = (await mails()).find((m) => m.to === "jane@example.test")!;
    const link = /http\S+\/request\/verify\/\S+/.exec(verify.body)![0];
    await page.goto(link);
    assert.deepEqual(await axeProblems(page), [], "axe on the verify page");
    await page.getByRole("button", { name: "Confirm my request" }).click();
    await page.getByRole("link", { name: "Open the status page" }).click();
    await page.waitForURL(/\/request\/status\//);
    assert.match(
      (await page.locator("h1").textContent())!,
      /^Your data request DR-/,
    );
    assert.equal(
      await page.locator("dd[data-state]").textContent(),
      "Verifying relationship",
    );
    assert.match(
      (await page.locator("main").textContent())!,
      /You confirmed your e-mail address/,
    );
    assert.deepEqual(await axeProblems(page), [], "axe on the status page");
    const statusUrl = page.url();
    // The link works once.
    await page.goto(link);
    await page.getByRole("button", { name: "Confirm my request" }).click();
    assert.equal(
      await page.locator("h1").textContent(),
      "This link does not work",
    );

    // Staff see it, and the requester's markup stays text.
    const staff = await browser.newContext();
    await staff.addCookies([{
      name: "__Host-custodian_session",
      value: owner.sessionId,
      domain: "127.0.0.1",
      path: "/",
      secure: true,
    }]);
    const desk = await staff.newPage();
    desk.on("pageerror", (e) => problems.push(e.message));
    desk.on("console", (m) => {
      if (m.type() === "error") problems.push(m.text());
    });
    await desk.goto(`${origin}/requests`);
    assert.equal(await desk.locator("tbody tr").count(), 2);
    assert.deepEqual(await axeProblems(desk), [], "axe on /requests");
    await desk.locator(`tbody tr[data-request] a`).filter({
      hasText: /^DR-/,
    }).nth(
      await desk.locator("tbody tr").evaluateAll((rows) =>
        rows.findIndex((r) =>
          (r as unknown as { textContent: string }).textContent.includes("Jane")
        )
      ),
    ).click();
    await desk.waitForURL(/\/requests\/[0-9a-f-]{36}$/);
    assert.equal(await desk.locator("b").count(), 0);
    assert.match(
      (await desk.locator("main").textContent())!,
      /Jane <b>Buyer<\/b>/,
    );
    assert.deepEqual(await axeProblems(desk), [], "axe on the request page");
    await desk.goto(`${origin}/requests/outbox`);
    assert.deepEqual(await axeProblems(desk), [], "axe on the outbox");

    // The requester withdraws: the box must be ticked first.
    await page.goto(statusUrl);
    await page.getByLabel(/Withdraw: nothing more will be done/).check();
    await page.getByRole("button", { name: "Withdraw this request" }).click();
    await page.waitForURL(statusUrl);
    assert.equal(
      await page.locator("dd[data-state]").textContent(),
      "Withdrawn",
    );
    assert.equal(
      await page.getByRole("button", { name: "Withdraw this request" })
        .count(),
      0,
    );

    // In Chinese.
    const zh = await browser.newContext({ locale: "zh-CN" });
    const zhPage = await zh.newPage();
    await zhPage.goto(`${origin}/request`);
    assert.equal(await zhPage.locator("h1").textContent(), "提交数据请求");
    assert.deepEqual(await axeProblems(zhPage), [], "axe on /request in zh-CN");
    await zhPage.goto(statusUrl);
    assert.equal(
      await zhPage.locator("dd[data-state]").textContent(),
      "已撤回",
    );

    assert.deepEqual(problems, [], "no script or CSP error");
    await requester.close();
    await staff.close();
    await zh.close();
  } finally {
    await browser.close();
    await server.shutdown();
  }
});
