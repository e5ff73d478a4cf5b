// The data requests' background work (issue #17): the e-mail outbox is
// sent every minute (lib/mail/outbox.ts: retries with backoff), and
// requests never confirmed expire after 7 days (lib/requests/expiry.ts).
import type { Logger } from "../lib/log.ts";
import { deliverDue } from "../lib/mail/outbox.ts";
import type { MailTransport } from "../lib/mail/transport.ts";
import { expireUnverified } from "../lib/requests/expiry.ts";
import type { CronJob } from "./mod.ts";

type Database = Parameters<typeof deliverDue>[0]["db"];

/** Sends due e-mail every minute (nothing without a transport). */
export function mailCron(
  deps: { db: Database; transport: MailTransport | null; log: Logger },
): CronJob {
  return {
    name: "requests-mail",
    schedule: "* * * * *",
    run: async () => {
      const report = await deliverDue(deps);
      if (report.sent + report.retried + report.failed > 0) {
        deps.log.info("mail.delivery", { ...report });
      }
    },
  };
}

/** Expires unverified requests once a day (04:05 UTC). */
export function requestExpiryCron(deps: { db: Database }): CronJob {
  return {
    name: "requests-expire",
    schedule: "5 4 * * *",
    run: async () => {
      await expireUnverified(deps.db);
    },
  };
}
