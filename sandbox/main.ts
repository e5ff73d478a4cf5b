// `deno task sandbox`: the sandbox marketplace on its own, on PORT (default
// 8100) at 127.0.0.1, with one fixed demo seller, printing that seller's
// fake credentials on one line so anyone can point a client at it:
//   Sandbox credentials: {"clientId":…,"clientSecret":…,"refreshToken":…,
//   "sellingPartnerId":…,"marketplaceId":…,"adsProfileId":…}
// Environment: PORT, SANDBOX_SEED, SANDBOX_ORDERS (default 300),
// SANDBOX_DAYS (60), SANDBOX_TIME_SCALE (1), SANDBOX_FAULTS=1 to serve
// /_sandbox/faults and honour the x-sandbox-fault header.
import { startSandbox } from "./server.ts";

const env = (name: string) => Deno.env.get(name);
const num = (name: string, fallback: number) => {
  const v = env(name);
  const n = v === undefined || v === "" ? fallback : Number(v);
  if (!Number.isFinite(n) || n < 0) {
    throw new RangeError(`${name} must be a non-negative number`);
  }
  return n;
};

if (import.meta.main) {
  const faults = env("SANDBOX_FAULTS") === "1";
  const running = await startSandbox({
    port: num("PORT", 8100),
    hostname: "127.0.0.1",
    seed: env("SANDBOX_SEED") || "custodian-demo",
    stores: 1,
    orders: num("SANDBOX_ORDERS", 300),
    days: num("SANDBOX_DAYS", 60),
    timeScale: num("SANDBOX_TIME_SCALE", 1) || 1,
    faultAdmin: faults,
    faultHeader: faults,
  });
  console.log(`Sandbox marketplace listening on ${running.url}`);
  console.log(
    `Sandbox credentials: ${JSON.stringify(running.sandbox.credentials(0))}`,
  );
  const stop = () => {
    running.close().then(() => Deno.exit(0));
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
}
