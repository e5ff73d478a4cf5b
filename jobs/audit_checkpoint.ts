// The audit checkpoint as a cron job: every 15 minutes the trail is compared
// with the last checkpoint and, if it matches, checkpointed again (the work
// is lib/security/audit_checkpoint.ts).
import type { Database } from "../db/client.ts";
import type { Logger } from "../lib/log.ts";
import { takeAuditCheckpoint } from "../lib/security/audit_checkpoint.ts";
import type { Vault } from "../lib/security/vault.ts";
import type { CronJob } from "./mod.ts";

/** Checkpoints the audit trail every 15 minutes (UTC). */
export function auditCheckpointCron(
  deps: { db: Database; kv: Deno.Kv; vault: Vault; log: Logger },
): CronJob {
  return {
    name: "audit-checkpoint",
    schedule: "*/15 * * * *",
    run: async () => {
      await takeAuditCheckpoint(deps);
    },
  };
}
