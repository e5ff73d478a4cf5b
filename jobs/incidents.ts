// The detection rules as a cron job (Data Policy §8, §12): every five
// minutes the rules of lib/incidents/detection.ts run over the audit trail
// and the API log; what they open is logged by count, never by subject.
// The same run re-arms canaries whose decoy data the purge took.
import type { Logger } from "../lib/log.ts";
import type { Vault } from "../lib/security/vault.ts";
import { rearmCanaries } from "../lib/incidents/canary.ts";
import {
  DETECTION_JOB,
  DETECTION_SCHEDULE,
  runDetection,
} from "../lib/incidents/detection.ts";
import type { CronJob } from "./mod.ts";

/** Runs the incident detection rules on their schedule (UTC). */
export function detectionCron(
  deps: {
    db: Parameters<typeof runDetection>[0];
    vault: Vault;
    log: Logger;
  },
): CronJob {
  return {
    name: DETECTION_JOB,
    schedule: DETECTION_SCHEDULE,
    run: async () => {
      const results = await runDetection(deps.db);
      const rearmed = await rearmCanaries(deps);
      if (rearmed > 0) deps.log.info("incidents.canaries_rearmed", { rearmed });
      const findings = results.reduce((n, r) => n + r.findings, 0);
      if (findings > 0) {
        deps.log.warn("incidents.detected", {
          rules: results.filter((r) => r.findings > 0).map((r) => r.rule),
          findings,
        });
      }
    },
  };
}
