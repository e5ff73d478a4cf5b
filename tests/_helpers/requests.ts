// A data request made the way /request makes one, for tests of screens:
// its id, an unspent verification link and its status link.
import { sql } from "drizzle-orm";
import { rowsOf } from "../../db/client.ts";
import { submitRequest } from "../../lib/requests/intake.ts";
import { parseIntake } from "../../lib/requests/model.ts";
import { verifyIdentity } from "../../lib/requests/requester.ts";
import { asRequestsSystem } from "../../lib/requests/scope.ts";
import type { TestApp } from "./app.ts";

export interface TestDataRequest {
  id: string;
  /** `/request/verify/…`, not yet used (of a second, unverified request). */
  verifyPath: string;
  /** `/request/status/…` of the verified one. */
  statusPath: string;
}

/** Two requests from `email`: one verified, one waiting for its link. */
export async function makeDataRequest(
  s: TestApp,
  origin: string,
  fields: Record<string, string> = {},
): Promise<TestDataRequest> {
  const parsed = parseIntake({
    type: "question",
    name: "Jane <b>Requester</b>",
    email: "jane.requester@example.test",
    relationship: "other",
    description: "How long do you keep <script>x</script> data?",
    ...fields,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const deps = { db: s.t.db, kv: s.kv, publicUrl: origin };
  const links: { id: string; link: string }[] = [];
  for (const ip of ["192.0.2.201", "192.0.2.202"]) {
    await submitRequest(deps, parsed.value, "en", { ip });
    const [m] = await asRequestsSystem(
      s.t.db,
      async (tx) =>
        rowsOf<{ request_id: string; params: unknown }>(
          await tx.execute(sql`select request_id::text, params from mail_outbox
          where template = 'verify' order by created_at desc limit 1`),
        ),
    );
    const params =
      (typeof m.params === "string" ? JSON.parse(m.params) : m.params) as {
        link: string;
      };
    links.push({ id: m.request_id, link: params.link });
  }
  const token = new URL(links[0].link).pathname.split("/").at(-1)!;
  const out = await verifyIdentity(
    { db: s.t.db, vault: s.vault, publicUrl: origin },
    token,
    {},
  );
  if (out.outcome !== "verified") throw new Error("verification failed");
  return {
    id: links[0].id,
    verifyPath: new URL(links[1].link).pathname,
    statusPath: `/request/status/${out.statusToken}`,
  };
}
