// The app shell in a real browser: htmx loads under the strict CSP with no
// violation, the language switch works from the keyboard.
import assert from "node:assert/strict";
import { openTestApp } from "../_helpers/app.ts";
import { testEngine } from "../_helpers/test_db.ts";
import { launchBrowser } from "./_browser.ts";

Deno.test(`browser (${testEngine}): the dashboard loads htmx and pico under CSP and switches to Chinese by keyboard`, async () => {
  const port = 30000 + Math.floor(Math.random() * 20000);
  await using s = await openTestApp({
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
  });
  const server = Deno.serve(
    { port, hostname: "127.0.0.1", onListen: () => {} },
    s.app.fetch,
  );
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(m.text());
    });
    page.on("pageerror", (e) => problems.push(e.message));
    await page.goto(`http://127.0.0.1:${port}/`);
    assert.equal(await page.title(), "Dashboard · Custodian");
    assert.equal(
      await page.evaluate(() =>
        typeof (globalThis as unknown as { htmx?: unknown }).htmx
      ),
      "object",
    );
    // pico.css applied: the main container is centred with a max width.
    const maxWidth = await page.locator("main.container").evaluate(
      // deno-lint-ignore no-explicit-any
      (el) => (globalThis as any).getComputedStyle(el).maxWidth as string,
    );
    assert.notEqual(maxWidth, "none");

    // Keyboard only: focus the language select, choose Chinese, submit.
    await page.focus("select[name=lang]");
    await page.keyboard.press("ArrowDown");
    assert.equal(await page.locator("select[name=lang]").inputValue(), "zh-CN");
    await page.keyboard.press("Tab");
    const switched = page.waitForResponse((r) => r.url().endsWith("/lang"));
    await page.keyboard.press("Enter");
    assert.equal((await switched).status(), 303);
    await page.waitForLoadState("load");
    await page.locator("html[lang=zh-CN]").waitFor();
    assert.equal(await page.locator("html").getAttribute("lang"), "zh-CN");
    assert.equal(await page.locator("h1").textContent(), "仪表盘");
    const shots = Deno.env.get("E2E_SCREENSHOTS");
    if (shots) await page.screenshot({ path: `${shots}/dashboard-zh.png` });
    assert.deepEqual(problems, [], "no console errors or CSP violations");
  } finally {
    await browser.close();
    await server.shutdown();
  }
});
