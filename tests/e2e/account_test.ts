// In a real browser (issue #13): the enrolment shows the secret as a QR code
// beside its text; the recovery codes copy to the clipboard and download as
// a text file; the account page marks this session and keeps a chosen time
// zone, with times shown in it and UTC on hover.
import assert from "node:assert/strict";
import * as OTPAuth from "otpauth";
import { openTestApp } from "../_helpers/app.ts";
import { testEngine } from "../_helpers/test_db.ts";
import { issueFirstOwnerToken } from "../../lib/security/staff.ts";
import { launchBrowser } from "./_browser.ts";
import type { Page } from "playwright-core";

const AXE = await Deno.readTextFile(
  new URL("../../node_modules/axe-core/axe.min.js", import.meta.url),
);

/** axe-core's serious and critical violations of the whole page as it is now. */
async function axeProblems(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol: the page's CSP does not apply.
  await page.evaluate(AXE);
  const result = await page.evaluate(`axe.run(document, {
    resultTypes: ["violations"],
  }).then((r) => r.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => v.id + ": " + v.nodes.map((n) => n.target.join(" ")).join(", ")))`);
  return result as string[];
}

Deno.test(`browser (${testEngine}): enrolment QR code, recovery codes copied and downloaded, the account page's sessions and time zone`, async () => {
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
    const context = await browser.newContext({ acceptDownloads: true });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], {
      origin,
    });
    const page = await context.newPage();
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

    // The QR code: an image with a name, drawn as SVG, beside the secret.
    const qr = page.getByRole("img", {
      name: "QR code of the authenticator secret",
    });
    await qr.waitFor();
    const box = (await qr.locator("svg").boundingBox())!;
    assert.ok(box.width >= 150 && box.height >= 150, JSON.stringify(box));
    const secret = (await page.getByTestId("totp-secret").textContent())!
      .trim();
    const code = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) })
      .generate();
    await page.locator("input[name=code]").fill(code);
    await page.getByRole("button", { name: "Confirm" }).click();
    await page.getByTestId("recovery-codes").waitFor();
    const codes = (await page.locator("[data-testid=recovery-codes] code")
      .allTextContents()).map((c) => c.trim());
    assert.equal(codes.length, 10);

    // Copy, by keyboard: the button appears once the script runs.
    const copy = page.getByRole("button", { name: "Copy the codes" });
    await copy.focus();
    await page.keyboard.press("Enter");
    await page.getByText("Copied to the clipboard.").waitFor();
    const clipboard = await page.evaluate(() =>
      (globalThis as unknown as {
        navigator: { clipboard: { readText(): Promise<string> } };
      }).navigator.clipboard.readText()
    );
    assert.equal(clipboard.trim(), codes.join("\n"));

    // Download as a text file.
    const downloading = page.waitForEvent("download");
    await page.getByRole("button", { name: "Download as a text file" })
      .click();
    const download = await downloading;
    assert.equal(download.suggestedFilename(), "custodian-recovery-codes.txt");
    const text = await Deno.readTextFile((await download.path())!);
    for (const c of codes) assert.ok(text.includes(c), c);

    await page.getByRole("button", { name: "Continue to the dashboard" })
      .click();
    await page.waitForURL(`${origin}/`);

    // The account page, from the menu.
    await page.locator("header details.user-menu summary").click();
    await page.getByRole("link", { name: "Your account" }).click();
    await page.waitForURL(`${origin}/account`);
    const rows = page.locator("[data-testid=own-sessions] tbody tr");
    assert.equal(await rows.count(), 1);
    assert.match((await rows.first().textContent())!, /This session/);

    // A time zone, chosen and saved by keyboard.
    await page.locator("select[name=timeZone]").selectOption("Asia/Shanghai");
    await page.locator("select[name=timeZone]").focus();
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.getByText("Your time zone is now Asia/Shanghai.").waitFor();
    const time = rows.first().locator("time").first();
    assert.match((await time.textContent())!, / UTC\+8$/);
    assert.match((await time.getAttribute("title"))!, / UTC$/);
    assert.match((await time.getAttribute("datetime"))!, /Z$/);
    assert.deepEqual(await axeProblems(page), [], "axe on the account page");

    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
    await server.shutdown();
  }
});
