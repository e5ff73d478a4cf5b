// Data Policy §7 (rotate credentials): re-encrypts every vault ciphertext
// under the active key. Resumable: values already under the active key are
// left alone, so a rerun after a crash finishes the job.
import type { Database } from "../../db/client.ts";
import {
  rewriteSealedColumn,
  type SealedColumn,
} from "../../db/maintenance.ts";
import type { Vault } from "./vault.ts";

/** Every sealed column with the purpose its values were sealed for. */
export const SEALED_COLUMNS: (SealedColumn & { purpose: string })[] = [
  {
    table: "amazon_apps",
    column: "client_id_jwe",
    keys: ["id"],
    purpose: "lwa_client_id",
  },
  {
    table: "amazon_apps",
    column: "client_secret_jwe",
    keys: ["id"],
    purpose: "lwa_client_secret",
  },
  {
    table: "amazon_apps",
    column: "previous_secret_jwe",
    keys: ["id"],
    purpose: "lwa_client_secret",
  },
  {
    table: "store_credentials",
    column: "refresh_token_jwe",
    keys: ["store_id", "api"],
    purpose: "lwa_refresh_token",
  },
  {
    table: "local_credentials",
    column: "totp_secret_jwe",
    keys: ["user_id"],
    purpose: "totp_secret",
  },
  {
    table: "buyer_pii",
    column: "payload_jwe",
    keys: ["store_id", "amazon_order_id"],
    purpose: "buyer_pii",
  },
];

export interface RotationReport {
  column: string;
  scanned: number;
  rewritten: number;
}

/** Re-encrypts every sealed value not yet under `vault.activeKid`. */
export async function rotateVault(
  db: Database,
  vault: Vault,
  onProgress?: (r: RotationReport) => void,
): Promise<RotationReport[]> {
  const reports: RotationReport[] = [];
  for (const spec of SEALED_COLUMNS) {
    const { scanned, rewritten } = await rewriteSealedColumn(
      db,
      spec,
      async (value) => {
        if (vault.kidOf(value) === vault.activeKid) return null;
        return await vault.seal(
          await vault.open(value, spec.purpose),
          spec.purpose,
        );
      },
    );
    const report = {
      column: `${spec.table}.${spec.column}`,
      scanned,
      rewritten,
    };
    reports.push(report);
    onProgress?.(report);
  }
  return reports;
}
