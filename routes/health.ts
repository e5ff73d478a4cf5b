// Liveness and readiness for the container's HEALTHCHECK and load balancers.
import { Hono } from "hono";
import type { Database } from "../db/client.ts";

const READY_PROBE_KEY = ["health", "probe"] as const;

/** `/healthz`: the process answers. `/readyz`: the database and KV answer. */
export function healthRoutes(deps: { db: Database; kv: Deno.Kv }): Hono {
  const app = new Hono();
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", async (c) => {
    const [database, kv] = await Promise.all([
      deps.db.ping().then(() => "ok", () => "unavailable"),
      deps.kv.get(READY_PROBE_KEY).then(() => "ok", () => "unavailable"),
    ]);
    const ready = database === "ok" && kv === "ok";
    return c.json(
      { status: ready ? "ready" : "not ready", database, kv },
      ready ? 200 : 503,
    );
  });
  return app;
}
