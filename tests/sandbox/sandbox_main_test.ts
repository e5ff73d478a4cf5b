// `deno task sandbox` runs the sandbox alone and prints the demo seller's
// credentials on one line.
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url).pathname;

Deno.test("deno task sandbox prints one 'Sandbox credentials: {json}' line and serves", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["task", "sandbox"],
    cwd: ROOT,
    env: { PORT: "0", SANDBOX_ORDERS: "50" },
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  try {
    const deadline = Date.now() + 30_000;
    while (!/Sandbox credentials: .*\n/.test(out) && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      out += value;
    }
  } finally {
    child.kill("SIGTERM");
    await reader.cancel();
    await child.status;
  }
  const lines = out.split("\n").filter((l) =>
    l.startsWith("Sandbox credentials: ")
  );
  assert.equal(lines.length, 1, out);
  const cred = JSON.parse(lines[0].slice("Sandbox credentials: ".length));
  assert.deepEqual(Object.keys(cred).sort(), [
    "adsProfileId",
    "clientId",
    "clientSecret",
    "marketplaceId",
    "refreshToken",
    "sellingPartnerId",
  ]);
  assert.match(cred.clientId, /^amzn1\.application-oa2-client\.sandbox/);
  assert.match(cred.clientSecret, /^amzn1\.oa2-cs\.v1\.sandbox/);
  assert.match(cred.refreshToken, /^Atzr\|sandbox-/);
  assert.equal(cred.marketplaceId, "ATVPDKIKX0DER");
  assert.match(cred.adsProfileId, /^\d+$/);
  const listening = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
  assert.ok(listening, out);
});
