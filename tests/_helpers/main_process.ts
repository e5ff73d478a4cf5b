// main.ts as a child process (demo and restart tests): spawned with a given
// environment on a free port, its stdout read line by line so a test waits
// for what the process says (a printed line, a JSON log event) instead of a
// guessed delay, and stopped with a signal.

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

export interface MainProcess {
  port: number;
  /** Everything printed so far. */
  stdout(): string;
  /** Reads until `pattern` matches the output; false on exit or timeout. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<boolean>;
  /**
   * Feeds every JSON log line (from the start) to `seen` until it returns
   * true; false on exit or timeout.
   */
  waitForLines(
    seen: (line: Record<string, unknown>) => boolean,
    timeoutMs: number,
  ): Promise<boolean>;
  /** Sends `signal` and waits for the exit; resolves with the status. */
  stop(signal: Deno.Signal): Promise<Deno.CommandStatus>;
}

/** A port the system says is free right now. */
function freePort(): number {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  return port;
}

/**
 * Starts main.ts with `env` (PORT chosen here; DATABASE_URL passed on when
 * the test runs on PostgreSQL).
 */
export function startMain(env: Record<string, string>): MainProcess {
  const port = freePort();
  const full: Record<string, string> = { PORT: String(port), ...env };
  const dbUrl = Deno.env.get("DATABASE_URL");
  if (dbUrl && !("DATABASE_URL" in full)) full.DATABASE_URL = dbUrl;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN],
    env: full,
    clearEnv: false,
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  let ended = false;
  let pending: Promise<ReadableStreamReadResult<string>> | null = null;
  /** Reads one chunk, or gives up at `deadline` (the read stays pending). */
  const readSome = async (deadline: number): Promise<boolean> => {
    if (ended) return false;
    pending ??= reader.read();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<"timeout">((r) => {
      timer = setTimeout(
        () => r("timeout"),
        Math.max(0, deadline - Date.now()),
      );
    });
    const res = await Promise.race([pending, timeout]);
    clearTimeout(timer);
    if (res === "timeout") return false;
    pending = null;
    if (res.done) {
      ended = true;
      return false;
    }
    out += res.value;
    return true;
  };
  return {
    port,
    stdout: () => out,
    async waitFor(pattern, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(out)) {
        if (!(await readSome(deadline))) return pattern.test(out);
      }
      return true;
    },
    async waitForLines(seen, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      let consumed = 0;
      for (;;) {
        const end = out.lastIndexOf("\n") + 1;
        for (const text of out.slice(consumed, end).split("\n")) {
          if (!text.startsWith("{")) continue;
          let line: Record<string, unknown>;
          try {
            line = JSON.parse(text);
          } catch {
            continue;
          }
          if (seen(line)) return true;
        }
        consumed = end;
        if (!(await readSome(deadline))) return false;
      }
    },
    async stop(signal) {
      try {
        child.kill(signal);
      } catch { /* already ended */ }
      while (await readSome(Date.now() + 60_000)) { /* drain */ }
      return await child.status;
    },
  };
}

/**
 * On PostgreSQL, a database of this test's own for main.ts (tests run in
 * parallel: two portals on one database would wait on each other's leases),
 * dropped with its runtime role on dispose; on PGlite, nothing.
 */
export async function mainDatabase(): Promise<
  { env: Record<string, string> } & AsyncDisposable
> {
  const adminUrl = Deno.env.get("DATABASE_URL");
  if (!adminUrl) return { env: {}, [Symbol.asyncDispose]: async () => {} };
  const { default: postgres } = await import("postgres");
  const name = `custodian_t_${crypto.randomUUID().replaceAll("-", "")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString() },
    async [Symbol.asyncDispose]() {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.unsafe(`drop role if exists "custodian_app_${name}"`);
      await admin.end();
    },
  };
}
