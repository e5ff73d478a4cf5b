// main.ts as a real process: bad configuration stops it with one message per
// problem; a good one serves, and SIGTERM shuts it down cleanly.
import assert from "node:assert/strict";
import { mainDatabase } from "./_helpers/main_process.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const FLAGS = [
  "run",
  "--allow-net",
  "--allow-env",
  "--allow-read",
  "--allow-write",
  "--allow-sys",
];

Deno.test("main: wrong settings stop start-up with one clear line each, no secret", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [...FLAGS, MAIN],
    env: {
      PORT: "not-a-port",
      DATABASE_URL: "mysql://u:hunter2-canary@h/db",
      DATA_DIR: "/nonexistent-never-created",
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 1);
  const stderr = new TextDecoder().decode(out.stderr);
  assert.match(stderr, /PORT must be a number/);
  assert.match(stderr, /DATABASE_URL must be a postgres:\/\//);
  assert.doesNotMatch(stderr, /hunter2|mysql:/);
  assert.doesNotMatch(stderr, /at .*\.ts:\d+/, "no stack trace");
});

Deno.test("main: serves on PORT with embedded defaults and stops gracefully on SIGTERM", async () => {
  const dataDir = await Deno.makeTempDir();
  // A port the system says is free right now.
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  const env: Record<string, string> = {
    PORT: String(port),
    DATA_DIR: dataDir,
    LOG_LEVEL: "info",
  };
  // On PostgreSQL, a database of its own (never the server's admin
  // database), dropped afterwards with its runtime role.
  await using database = await mainDatabase();
  Object.assign(env, database.env);
  const dbUrl = database.env.DATABASE_URL;
  const child = new Deno.Command(Deno.execPath(), {
    args: [...FLAGS, MAIN],
    env,
    clearEnv: false,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let stdout = "";
  /** Reads stdout until `pattern` shows (false when the process ended first). */
  const waitFor = async (pattern: RegExp) => {
    while (!pattern.test(stdout)) {
      const { value, done } = await lines.read();
      if (done) return false;
      stdout += value;
    }
    return true;
  };
  try {
    // Listening is printed once the database, KV and jobs are up: wait for
    // that line, not for a guessed number of polls.
    const listening = new RegExp(`listening on http://127.0.0.1:${port}`);
    assert.ok(await waitFor(listening), `the server started: ${stdout}`);
    const res = await fetch(`http://127.0.0.1:${port}/readyz`);
    assert.equal(res.status, 200, "the server is ready");
    await res.body?.cancel();
    if (!dbUrl) {
      assert.ok((await Deno.stat(`${dataDir}/pg`)).isDirectory);
    }
    assert.ok((await Deno.stat(`${dataDir}/kv.sqlite3`)).isFile);
    child.kill("SIGTERM");
    await waitFor(/(?!)/); // never matches: reads stdout to its end
    const status = await child.status;
    assert.equal(status.code, 0);
    assert.match(stdout, /"event":"server.stopped"/);
  } finally {
    try {
      child.kill("SIGKILL");
    } catch { /* already exited */ }
    await lines.cancel().catch(() => {});
    await child.stderr.cancel().catch(() => {});
    await Deno.remove(dataDir, { recursive: true });
  }
});
