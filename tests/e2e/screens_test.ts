// In a real browser, what a person sees (issue #13): run states told apart
// by colour, icon and word; the store switcher only when there is a choice;
// a refused schedule kept in its field with the reason beside it, back on
// the jobs page's address; a disconnection that chooses nothing for you;
// error pages that say why and keep the navigation.
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { stores, syncRuns } from "../../db/schema.ts";
import { openTestApp } from "../_helpers/app.ts";
import { makeStaff, makeStore } from "../_helpers/staff.ts";
import { ownerOf, testEngine } from "../_helpers/test_db.ts";
import { launchBrowser, signUpFirstOwner } from "./_browser.ts";

/** What the page's own functions need of the browser (no DOM lib here). */
interface Browserish {
  getComputedStyle(e: unknown): { backgroundColor: string };
}

Deno.test(`browser (${testEngine}): states, store switcher, schedule errors, disconnect choices and error pages as a person sees them`, async () => {
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
  await ownerOf(s.t.db).update(stores).set({ status: "connected" }).where(
    eq(stores.id, a),
  );
  const now = Date.now();
  const states = [
    "succeeded",
    "running",
    "queued",
    "interrupted",
    "failed",
    "cancelled",
  ] as const;
  // "interrupted" arrives with its migration; its badge is checked in
  // tests/views/words_test.ts until runs can hold it.
  await ownerOf(s.t.db).insert(syncRuns).values(
    states.filter((x) => x !== "interrupted").map((status, i) => ({
      storeId: a,
      dataset: "orders",
      trigger: "manual" as const,
      status,
      startedAt: new Date(now - (i + 1) * 60_000),
      heartbeatAt: new Date(now),
      finishedAt: new Date(now - i * 60_000),
      rowsInserted: 1500,
    })),
  );
  const browser = await launchBrowser();
  const shots = Deno.env.get("E2E_SCREENSHOTS");
  try {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(m.text());
    });
    await signUpFirstOwner(page, origin, s.kv);

    // Standards mode, not quirks.
    assert.equal(await page.evaluate("document.compatMode"), "CSS1Compat");

    // One store: no switcher at all (not a disabled one).
    assert.equal(await page.locator("#store-switcher").count(), 0);
    assert.equal(await page.locator("select[name=store]").count(), 0);

    // Run states in the history: each its own colour, icon and word.
    await page.goto(`${origin}/stores/${a}/sync`);
    const badges = page.locator("#sync-runs .badge");
    await badges.first().waitFor();
    const seen = await badges.evaluateAll((els) =>
      els.map((e) => ({
        state: e.getAttribute("data-state"),
        background: (globalThis as unknown as Browserish).getComputedStyle(e)
          .backgroundColor,
        icon: e.querySelector(".badge-icon")?.textContent,
        text: e.textContent,
        visible: (e as unknown as { offsetWidth: number }).offsetWidth > 0,
      }))
    );
    assert.equal(seen.length, 5);
    assert.ok(seen.every((b) => b.visible));
    for (const key of ["background", "icon", "text"] as const) {
      assert.equal(
        new Set(seen.map((b) => b[key])).size,
        seen.length,
        `each state its own ${key}`,
      );
    }
    assert.match(
      (await page.locator("#sync-runs").textContent())!,
      /1,500 \/ 0 \/ 0/,
      "numbers through Intl",
    );
    if (shots) await page.screenshot({ path: `${shots}/sync-states.png` });

    // A second store: the switcher appears, and leads there.
    const b = await makeStore(s, "Lantern Supply");
    await page.goto(`${origin}/stores/${a}`);
    const switcher = page.locator("#store-switcher");
    assert.equal(
      await switcher.locator("select[name=store] option:checked").textContent(),
      "Harbor Goods",
    );
    await switcher.locator("select[name=store]").selectOption({
      label: "Lantern Supply",
    });
    await switcher.getByRole("button", { name: "Show" }).click();
    await page.waitForURL(`${origin}/?store=${b}`);
    await page.goto(`${origin}/stores/${b}`);
    await page.waitForURL(`${origin}/stores/${b}`);
    assert.equal(await page.locator("h1").textContent(), "Lantern Supply");
    // A never-connected store without data offers no Disconnect.
    assert.equal(
      await page.getByRole("link", { name: "Disconnect this store" }).count(),
      0,
    );

    // A refused schedule: back on the jobs page, as typed, reason beside it.
    await page.goto(`${origin}/admin/jobs`);
    const orders = page.locator("tr#job-orders");
    assert.equal(
      await orders.locator("td").first().locator("span").first().textContent(),
      "Every 15 minutes",
    );
    await orders.locator("input[name=schedule]").fill("*/2 * * * *");
    await orders.getByRole("button", { name: "Save" }).click();
    await page.waitForURL((url) =>
      url.pathname === "/admin/jobs" && url.searchParams.has("invalid")
    );
    const field = page.locator("tr#job-orders input[name=schedule]");
    assert.equal(await field.inputValue(), "*/2 * * * *");
    assert.equal(await field.getAttribute("aria-invalid"), "true");
    const error = page.locator("#job-orders-error");
    assert.match(
      (await error.textContent())!,
      /runs every 2 minutes; Orders and items needs at least 5 minutes/,
    );
    const [fieldBox, errorBox] = [
      await field.boundingBox(),
      await error.boundingBox(),
    ];
    assert.ok(fieldBox && errorBox);
    assert.ok(
      errorBox.y >= fieldBox.y && errorBox.y - fieldBox.y < 150,
      "the reason is right by the field",
    );

    // Disconnecting: nothing chosen in advance but the one fixed choice.
    await page.goto(`${origin}/stores/${a}/disconnect`);
    const checked = await page.locator("input[type=radio]:checked")
      .evaluateAll((els) =>
        els.map((e) => (e as unknown as { name: string }).name)
      );
    assert.deepEqual(checked, ["api_logs"]);
    assert.equal(
      await page.locator("form[action$='/disconnect']").evaluate((f) =>
        (f as unknown as { checkValidity(): boolean }).checkValidity()
      ),
      false,
      "the browser asks for every choice",
    );
    assert.match(
      (await page.locator("#disconnect-choices").textContent())!,
      /deleted automatically when the Data Policy's retention rule/,
    );

    // The compliance evidence (issue #18): every line's colour also a word
    // and an icon; a promise not tracked yet is amber, never green.
    await page.goto(`${origin}/compliance`);
    const lineBadges = page.locator("tr[data-status] .badge");
    assert.ok(await lineBadges.count() > 10);
    for (const badge of await lineBadges.all()) {
      assert.match(
        (await badge.textContent())!,
        /^[✓!✕](Green|Amber|Red)$/,
      );
    }
    // No provider registered yet: amber, not proven (never green).
    assert.equal(
      await page.locator("#line-providers\\.register").getAttribute(
        "data-status",
      ),
      "amber",
    );
    // The public data-request form (issue #17; its life in a browser is
    // tests/e2e/requests_test.ts): no navigation, the fields labelled.
    await page.goto(`${origin}/request`);
    assert.equal(await page.locator("h1").textContent(), "Make a data request");
    assert.ok(await page.getByLabel("Your e-mail address").isVisible());
    assert.equal(await page.locator("#website").getAttribute("tabindex"), "-1");

    assert.deepEqual(problems, [], "no script or CSP error");

    // Error pages (the browser logs their status): 404 keeps the
    // navigation; 403 names the permission.
    const missing = await page.goto(`${origin}/nothing/here`);
    assert.equal(missing?.status(), 404);
    assert.equal(await page.title(), "Page not found · Custodian");
    assert.ok(
      await page.getByRole("navigation", { name: "Main navigation" })
        .getByRole("link", { name: "Stores" }).isVisible(),
    );
    const viewer = await makeStaff(s, "viewer");
    const other = await browser.newContext();
    await other.addCookies([{
      name: "__Host-custodian_session",
      value: viewer.sessionId,
      domain: "127.0.0.1",
      path: "/",
      secure: true,
    }]);
    const viewerPage = await other.newPage();
    const denied = await viewerPage.goto(`${origin}/admin/jobs`);
    assert.equal(denied?.status(), 403);
    assert.match(
      (await viewerPage.locator("main").textContent())!,
      /permission problem: .*“See sync runs and API logs” \(sync\.read\).*Viewer/,
    );
    await other.close();
  } finally {
    await browser.close();
    await server.shutdown();
  }
});
