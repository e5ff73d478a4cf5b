// Puts a sandbox on a real port with Deno.serve, so clients reach it over
// HTTP exactly as they reach Amazon. Port 0 picks a free port (tests).
import { createSandbox, type Sandbox } from "./sandbox.ts";
import type { SandboxOptions } from "./options.ts";
import { ConnectionReset } from "./_http.ts";

export interface StartOptions extends SandboxOptions {
  /** Port (default 0: any free port). */
  port?: number;
  /** Interface (default 127.0.0.1). */
  hostname?: string;
}

/** A sandbox listening on a port. */
export interface RunningSandbox {
  /** Base URL, e.g. `http://127.0.0.1:8100` (no trailing slash). */
  url: string;
  port: number;
  server: Deno.HttpServer<Deno.NetAddr>;
  sandbox: Sandbox;
  /** Ends pending waits, then stops the server. */
  close(): Promise<void>;
}

/**
 * Starts a sandbox on `hostname:port`.
 *
 * @example
 * const running = await startSandbox({ stores: 2 });
 * try { await fetch(`${running.url}/auth/o2/token`, …); } finally { await running.close(); }
 */
export function startSandbox(opts: StartOptions = {}): Promise<RunningSandbox> {
  const sandbox = createSandbox(opts);
  const server = Deno.serve(
    {
      port: opts.port ?? 0,
      hostname: opts.hostname ?? "127.0.0.1",
      onListen: () => {},
      // A connectionReset fault's body fails on purpose: not worth a log line.
      onError: (err) => {
        if (!(err instanceof ConnectionReset)) {
          console.error("sandbox: request failed", err);
        }
        return new Response(null, { status: 500 });
      },
    },
    sandbox.app.fetch,
  );
  const { hostname, port } = server.addr;
  let closing: Promise<void> | undefined;
  return Promise.resolve({
    url: `http://${hostname}:${port}`,
    port,
    server,
    sandbox,
    close() {
      closing ??= sandbox.close().then(() => server.shutdown());
      return closing;
    },
  });
}
