// The audit checkpoint as a cron job: every 15 minutes the trail is compared
// with the last checkpoint and, if it matches, checkpointed again (the work
// is lib/security/audit_checkpoint.ts).
import { takeAuditCheckpoint } from "../lib/security/audit_checkpoint.ts";
import type { CronJob } from "./mod.ts";

/** Checkpoints the audit trail every 15 minutes (UTC). */
export function auditCheckpointCron(
  deps: Parameters<typeof takeAuditCheckpoint>[0],
): CronJob {
  return {
    name: "audit-checkpoint",
    schedule: "*/15 * * * *",
    run: async () => {
      await takeAuditCheckpoint(deps);
    },
  };
}
