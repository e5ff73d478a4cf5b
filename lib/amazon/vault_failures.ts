// A credential that the vault cannot open (a wrong or missing key, a changed
// ciphertext) is a security event, not only a failed call: Data Policy §8
// abuse monitoring. Each one is audited as `vault.open.failed`, the action
// the vault_failures detection rule counts (lib/incidents/detection.ts).
import type { Database } from "../../db/client.ts";
import { recordAuditInTx } from "../security/audit.ts";
import { VaultError } from "../security/vault.ts";

/**
 * Runs `work`, which opens a store's sealed credentials; a VaultError is
 * audited in its own transaction (the caller's is rolled back by the throw)
 * and rethrown. Other errors pass untouched.
 */
export async function auditingVaultFailure<T>(
  db: Database,
  storeId: string,
  what: string,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof VaultError) {
      await db.asJob(storeId, (tx) =>
        recordAuditInTx(tx, {
          actorType: "system",
          action: "vault.open.failed",
          target: storeId,
          storeId,
          outcome: "failure",
          // Which credential, and why in the vault's words (never a value).
          details: { purpose: what, error: err.message },
        }));
    }
    throw err;
  }
}
