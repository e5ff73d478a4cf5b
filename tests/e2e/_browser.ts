// Debian's Chromium driven by playwright-core; never a downloaded browser.
import { type Browser, chromium, type Page } from "playwright-core";
import * as OTPAuth from "otpauth";
import { issueFirstOwnerToken } from "../../lib/security/staff.ts";

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Launches /usr/bin/chromium (or CHROMIUM_PATH) headless. */
export async function launchBrowser(): Promise<Browser> {
  return await chromium.launch({
    executablePath: Deno.env.get("CHROMIUM_PATH") ?? "/usr/bin/chromium",
    args: FLAGS,
  });
}

/** Signs up the first owner through the one-time link, ending on the dashboard. */
export async function signUpFirstOwner(
  page: Page,
  origin: string,
  kv: Deno.Kv,
): Promise<void> {
  const token = await issueFirstOwnerToken(kv);
  await page.goto(`${origin}/auth/first-owner/${token}`);
  await page.locator("input[name=displayName]").fill("Mei Chen");
  await page.locator("input[name=email]").fill("mei.chen@example.test");
  await page.locator("input[name=password]").fill("Correct-Horse-Battery-9");
  await page.locator("input[name=confirm]").fill("Correct-Horse-Battery-9");
  await page.getByRole("button", { name: "Continue" }).click();
  await page.waitForURL(`${origin}/auth/enroll`);
  const secret = (await page.getByTestId("totp-secret").textContent())!.trim();
  const code = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) })
    .generate();
  await page.locator("input[name=code]").fill(code);
  await page.getByRole("button", { name: "Confirm" }).click();
  await page.getByTestId("recovery-codes").waitFor();
  await page.getByRole("button", { name: "Continue to the dashboard" }).click();
  await page.waitForURL(`${origin}/`);
}
