// An owner's evidence context over a test app: the same database, KV and
// vault the app uses, configuration from `env`.
import { loadConfig } from "../../lib/config.ts";
import type { EvidenceContext } from "../../lib/compliance/registry.ts";
import { loadPrincipal } from "../../lib/security/principal.ts";
import type { TestApp } from "../_helpers/app.ts";
import { makeStaff } from "../_helpers/staff.ts";

export async function ownerContext(
  s: TestApp,
  env: Record<string, string> = {},
): Promise<EvidenceContext> {
  const owner = await makeStaff(s, "owner");
  const principal = await loadPrincipal(s.t.db, owner.id, owner.sessionId);
  if (!principal) throw new Error("owner did not load");
  return {
    db: s.t.db,
    kv: s.kv,
    vault: s.vault,
    config: loadConfig(env),
    principal,
    now: new Date(),
  };
}
