// Issue #17 and #18 in a real browser: a visitor who is not signed in reads
// the Data Policy, follows the link to an earlier version and back; an owner
// edits the Terms, previews them and publishes, and the public page shows
// the new version; the owner registers a service provider, which the
// privacy page then lists. No script error under the CSP, and no serious or
// critical axe-core violation on any of these screens, in either language.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { openTestApp } from "../_helpers/app.ts";
import { testEngine } from "../_helpers/test_db.ts";
import { launchBrowser, signUpFirstOwner } from "./_browser.ts";

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

Deno.test(`browser (${testEngine}): public documents, an owner's preview and publication, the provider register`, async () => {
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
  try {
    const problems: string[] = [];
    const watch = (page: Page) => {
      page.on("pageerror", (e) => problems.push(e.message));
      page.on("console", (m) => {
        // A refused form answers 400 on purpose; Chromium logs that.
        if (m.type() === "error" && !/status of 400/.test(m.text())) {
          problems.push(m.text());
        }
      });
    };

    // A visitor: the sign-in page links the policy; the policy shows its
    // date, its §13 request link and its versions.
    const visitor = await browser.newPage();
    watch(visitor);
    await visitor.goto(`${origin}/auth/signin`);
    await visitor.getByRole("link", { name: "Data Policy" }).click();
    await visitor.waitForURL(`${origin}/policy`);
    assert.equal(await visitor.locator("h1").textContent(), "Data Policy");
    assert.match(
      (await visitor.locator(".document-meta").textContent())!,
      /Last updated: 2026-06-18/,
    );
    assert.equal(
      await visitor.locator("#section-13 ~ p.request-link a").getAttribute(
        "href",
      ),
      "/request",
    );
    assert.deepEqual(await axeProblems(visitor), [], "axe on /policy");
    for (const path of ["/privacy", "/terms"]) {
      await visitor.goto(`${origin}${path}`);
      assert.deepEqual(await axeProblems(visitor), [], `axe on ${path}`);
    }
    // In Chinese chrome.
    await visitor.locator("select[name=lang]").selectOption("zh-CN");
    await visitor.getByRole("button", { name: "Switch" }).click();
    await visitor.waitForURL(`${origin}/terms`);
    assert.match(
      (await visitor.locator(".document-meta").textContent())!,
      /最后更新：2026-06-18/,
    );
    assert.deepEqual(await axeProblems(visitor), [], "axe on /terms in zh-CN");
    await visitor.locator("select[name=lang]").selectOption("en");
    await visitor.getByRole("button", { name: "切换" }).click();
    await visitor.waitForURL(`${origin}/terms`);

    // An owner publishes version 2 of the Terms: edit, preview, publish.
    const owner = await browser.newPage();
    watch(owner);
    await signUpFirstOwner(owner, origin, s.kv);
    await owner.getByRole("link", { name: "Public documents" }).click();
    await owner.waitForURL(`${origin}/documents`);
    assert.deepEqual(await axeProblems(owner), [], "axe on /documents");
    await owner.locator("#document-terms").getByRole("link", {
      name: "Edit and publish a new version",
    }).click();
    await owner.waitForURL(`${origin}/documents/terms/edit`);
    assert.deepEqual(await axeProblems(owner), [], "axe on the editor");
    // A refused preview first: the empty note marked beside its field.
    await owner.getByRole("button", { name: "Preview" }).click();
    await owner.waitForURL(`${origin}/documents/terms/preview`);
    assert.equal(
      await owner.locator("input[name=changeNote]").getAttribute(
        "aria-invalid",
      ),
      "true",
    );
    assert.equal(
      await owner.locator("#changeNote-error").textContent(),
      "Required.",
    );
    assert.deepEqual(await axeProblems(owner), [], "axe on a refused draft");
    const body = await owner.locator("textarea[name=body]").inputValue();
    await owner.locator("textarea[name=body]").fill(
      `${body}\n\n9. Contact\n\nWrite to the <contact> address below.`,
    );
    await owner.locator("input[name=changeNote]").fill(
      "Added a contact section",
    );
    await owner.getByRole("button", { name: "Preview" }).click();
    await owner.waitForURL(`${origin}/documents/terms/preview`);
    assert.equal(
      await owner.locator("h1").textContent(),
      "Preview: Terms of Service, version 2",
    );
    assert.equal(
      await owner.locator("#document-preview #section-9").textContent(),
      "9. Contact",
    );
    assert.deepEqual(await axeProblems(owner), [], "axe on the preview");
    // Nothing public yet.
    await visitor.goto(`${origin}/terms`);
    assert.equal(await visitor.locator("#section-9").count(), 0);
    await owner.getByRole("button", { name: "Publish version 2" }).click();
    await owner.waitForURL(`${origin}/terms`);

    // The visitor sees version 2, then reads version 1 through its link.
    await visitor.reload();
    assert.equal(
      await visitor.locator("#section-9").textContent(),
      "9. Contact",
    );
    assert.match(
      (await visitor.locator("#section-9 + p").textContent())!,
      /Write to the <contact> address below\./,
    );
    assert.match(
      (await visitor.locator(".document-meta").textContent())!,
      /Version 2/,
    );
    await visitor.getByRole("link", { name: "Version 1" }).click();
    await visitor.waitForURL(`${origin}/terms/versions/1`);
    assert.match(
      (await visitor.locator(".older-version").textContent())!,
      /You are reading version 1/,
    );
    assert.equal(await visitor.locator("#section-9").count(), 0);
    assert.deepEqual(await axeProblems(visitor), [], "axe on version 1");
    await visitor.getByRole("link", { name: "Read the current version" })
      .click();
    await visitor.waitForURL(`${origin}/terms`);

    // The register: add a provider (a refusal first), see it on /privacy.
    await owner.goto(`${origin}/providers`);
    assert.deepEqual(await axeProblems(owner), [], "axe on an empty register");
    await owner.getByRole("button", { name: "Add a provider" }).click();
    await owner.waitForURL(`${origin}/providers/new`);
    assert.deepEqual(await axeProblems(owner), [], "axe on the provider form");
    await owner.locator("input[name=name]").fill("Harbor Mail");
    await owner.locator("select[name=service]").selectOption("email");
    await owner.locator("textarea[name=purpose]").fill(
      "Sends verification and notice e-mails",
    );
    await owner.getByLabel("Data requests and correspondence").check();
    await owner.locator("input[name=region]").fill("Singapore");
    await owner.locator("input[name=agreementSignedOn]").fill("2025-11-02");
    await owner.getByRole("button", { name: "Save" }).click();
    await owner.waitForURL(`${origin}/providers`);
    // No review date: refused beside its field, the rest kept.
    assert.equal(
      await owner.locator("#reviewDueOn-error").textContent(),
      "Required.",
    );
    assert.equal(
      await owner.locator("input[name=name]").inputValue(),
      "Harbor Mail",
    );
    assert.deepEqual(await axeProblems(owner), [], "axe on a refused provider");
    await owner.locator("input[name=reviewDueOn]").fill("2020-01-31");
    await owner.getByRole("button", { name: "Save" }).click();
    await owner.waitForURL(`${origin}/providers?saved=1`);
    const row = owner.locator("#providers tbody tr").first();
    assert.match((await row.textContent())!, /Harbor Mail/);
    assert.match((await row.locator(".badge").textContent())!, /Overdue by/);
    assert.equal(
      await row.locator("td.review-overdue").evaluate((e) =>
        (globalThis as unknown as {
          getComputedStyle(e: unknown): { color: string };
        }).getComputedStyle(e).color
      ),
      "rgb(127, 29, 29)",
    );
    assert.deepEqual(await axeProblems(owner), [], "axe on the register");
    await row.getByRole("link", { name: "Retire: Harbor Mail" }).waitFor();
    await owner.goto(
      `${origin}/providers/${
        (await row.getAttribute("id"))!.slice("provider-".length)
      }/retire`,
    );
    assert.deepEqual(await axeProblems(owner), [], "axe on retire");

    await visitor.goto(`${origin}/privacy`);
    const providers = visitor.locator("#service-providers + p + div table");
    assert.match((await providers.textContent())!, /Harbor Mail/);
    assert.match((await providers.textContent())!, /Singapore/);
    assert.match(
      (await providers.textContent())!,
      /Encrypted transmission \(TLS\)/,
    );
    assert.deepEqual(
      await axeProblems(visitor),
      [],
      "axe on /privacy with providers",
    );

    assert.deepEqual(problems, [], "no script or CSP error");
  } finally {
    await browser.close();
    await server.shutdown();
  }
});
