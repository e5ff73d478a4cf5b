// In a real browser: the first owner's one-time link, TOTP enrollment, the
// dashboard under the strict CSP with htmx, the language switch by keyboard,
// and the audit page's HTMX chain verification.
import assert from "node:assert/strict";
import * as OTPAuth from "otpauth";
import { openTestApp } from "../_helpers/app.ts";
import { testEngine } from "../_helpers/test_db.ts";
import { issueFirstOwnerToken } from "../../lib/security/staff.ts";
import { launchBrowser } from "./_browser.ts";

Deno.test(`browser (${testEngine}): first owner signs up with TOTP, reaches the dashboard, switches to Chinese and verifies the audit chain`, async () => {
  // Port 0: the system picks a free port, so parallel runs never collide.
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
  const browser = await launchBrowser();
  const shots = Deno.env.get("E2E_SCREENSHOTS");
  try {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(m.text());
    });
    page.on("pageerror", (e) => problems.push(e.message));

    const token = await issueFirstOwnerToken(s.kv);
    await page.goto(`${origin}/auth/first-owner/${token}`);
    await page.locator("input[name=displayName]").fill("Mei Chen");
    await page.locator("input[name=email]").fill("mei.chen@example.test");
    await page.locator("input[name=password]").fill("Correct-Horse-Battery-9");
    await page.locator("input[name=confirm]").fill("Correct-Horse-Battery-9");
    await page.getByRole("button", { name: "Continue" }).click();
    await page.waitForURL(`${origin}/auth/enroll`);
    const secret = (await page.getByTestId("totp-secret").textContent())!
      .trim();
    const code = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) })
      .generate();
    await page.locator("input[name=code]").fill(code);
    await page.getByRole("button", { name: "Confirm" }).click();
    await page.getByTestId("recovery-codes").waitFor();
    assert.equal(
      await page.locator("[data-testid=recovery-codes] li").count(),
      10,
    );
    if (shots) await page.screenshot({ path: `${shots}/recovery-codes.png` });
    await page.getByRole("button", { name: "Continue to the dashboard" })
      .click();

    await page.waitForURL(`${origin}/`);
    assert.equal(await page.title(), "Dashboard · Custodian");
    assert.match(
      (await page.locator(".user-menu summary").textContent())!,
      /Mei Chen/,
    );
    assert.equal(
      await page.evaluate(() =>
        typeof (globalThis as unknown as { htmx?: unknown }).htmx
      ),
      "object",
    );
    if (shots) await page.screenshot({ path: `${shots}/dashboard.png` });

    // Keyboard only: focus the language select, choose Chinese, submit.
    await page.focus("select[name=lang]");
    await page.keyboard.press("ArrowDown");
    assert.equal(await page.locator("select[name=lang]").inputValue(), "zh-CN");
    await page.keyboard.press("Tab");
    const switched = page.waitForResponse((r) => r.url().endsWith("/lang"));
    await page.keyboard.press("Enter");
    assert.equal((await switched).status(), 303);
    await page.locator("html[lang=zh-CN]").waitFor();
    assert.equal(await page.locator("h1").textContent(), "仪表盘");

    // The audit page: the sign-up is there, and verification swaps in by htmx.
    await page.goto(`${origin}/audit`);
    assert.match(
      (await page.locator("table").textContent())!,
      /auth\.mfa\.enroll/,
    );
    await page.getByRole("button", { name: "校验哈希链" }).click();
    await page.locator("#verify-result p").waitFor();
    assert.match(
      (await page.locator("#verify-result").textContent())!,
      /哈希链完整/,
    );
    assert.equal(page.url(), `${origin}/audit`, "no full-page navigation");
    if (shots) {
      await page.screenshot({ path: `${shots}/audit.png`, fullPage: true });
    }
    assert.deepEqual(problems, [], "no console errors or CSP violations");
  } finally {
    await browser.close();
    await server.shutdown();
  }
});
