// Faults over HTTP, for a sandbox running in its own process (`deno task
// sandbox` with SANDBOX_FAULTS=1): POST a rule (or a list) to
// /_sandbox/faults, GET the pending rules, DELETE to clear them. Served only
// when the sandbox was created with `faultAdmin: true`.
import type { Hono } from "hono";
import { json } from "./_http.ts";
import type { SandboxEnv } from "./env.ts";
import type { FaultRule } from "./faults.ts";

/** Registers /_sandbox/faults. */
export function adminRoutes(app: Hono, env: SandboxEnv): void {
  app.get(
    "/_sandbox/faults",
    () => json(200, { pending: env.faults.pending(), fired: env.faults.fired }),
  );
  app.post("/_sandbox/faults", async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return json(400, { error: "body must be JSON" });
    }
    const rules = (Array.isArray(body)
      ? body
      : (body as { rules?: unknown })?.rules ?? [body]) as FaultRule[];
    try {
      env.faults.inject(
        rules.map((r) => ({ ...r, count: r.count ?? 1 })),
      );
    } catch (e) {
      return json(400, { error: (e as Error).message });
    }
    return json(200, { pending: env.faults.pending() });
  });
  app.delete("/_sandbox/faults", () => {
    env.faults.clear();
    return new Response(null, { status: 204 });
  });
}
