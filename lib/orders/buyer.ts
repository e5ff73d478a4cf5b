// Data Policy §8: buyer personal data is masked by default; revealing it
// takes `pii.reveal`, a typed reason of at least ten characters, and is
// audited with that reason in the same transaction as the read, so no
// reveal goes unrecorded. Refused while exports and reveals are frozen
// (lib/settings.ts, §12). The values are shown for five minutes only.
import { sql } from "drizzle-orm";
import type { Database } from "../../db/client.ts";
import { rowsOf } from "../../db/client.ts";
import {
  BUYER_PII_PURPOSE,
  type BuyerPiiPayload,
  buyerPiiPayload,
} from "../ingest/buyer_pii.ts";
import {
  recordAudit,
  recordAuditInTx,
  type RequestMeta,
} from "../security/audit.ts";
import type { StaffPrincipal } from "../security/principal.ts";
import type { Vault } from "../security/vault.ts";
import { exportsFrozenTx } from "../settings.ts";
import { canaryTouchTx } from "../incidents/canary.ts";
import { plainText } from "../validation.ts";

/** How long revealed values stay on the page. */
export const REVEAL_TTL_MS = 5 * 60_000;

/** A reason typed by the person: at least ten characters, one line. */
export const piiReason = plainText().trim().min(10).max(500);

export type BuyerDataRefusal =
  | "forbidden"
  | "reason"
  | "frozen"
  | "not_found";

/** A reveal or export of buyer data that was refused, and why. */
export class BuyerDataError extends Error {
  constructor(readonly code: BuyerDataRefusal) {
    super(code);
  }
}

export interface RevealedBuyerData {
  values: BuyerPiiPayload;
  /** When the page hides them again. */
  expiresAt: Date;
}

/**
 * Opens one order's buyer data for `principal`, audited with `reason`.
 * Throws BuyerDataError: "forbidden" without pii.reveal, "reason" for a
 * reason that is too short, "frozen" while reveals are frozen, "not_found"
 * when no data is held (or the order is not the principal's).
 *
 * @example
 * const { values, expiresAt } = await revealBuyerData(deps, principal,
 *   storeId, orderId, "Customer called about a wrong address", meta);
 */
export async function revealBuyerData(
  deps: { db: Database; vault: Vault },
  principal: StaffPrincipal,
  storeId: string,
  amazonOrderId: string,
  reasonText: string,
  meta: RequestMeta,
  now = new Date(),
): Promise<RevealedBuyerData> {
  const audit = (outcome: "denied" | "failure", why: string) =>
    recordAudit(deps.db, principal, {
      actorType: "staff",
      actorId: principal.userId,
      action: "pii.reveal",
      target: amazonOrderId,
      storeId: principal.storeIds.includes(storeId) ? storeId : null,
      outcome,
      ...meta,
      details: { refused: why },
    });
  if (!principal.permissions.has("pii.reveal")) {
    await audit("denied", "forbidden");
    throw new BuyerDataError("forbidden");
  }
  const reason = piiReason.safeParse(reasonText);
  if (!reason.success) throw new BuyerDataError("reason");
  if (!principal.storeIds.includes(storeId)) {
    throw new BuyerDataError("not_found");
  }
  const outcome = await deps.db.asUser(principal, async (tx) => {
    if (await exportsFrozenTx(tx)) return "frozen" as const;
    const [row] = rowsOf<{ payload_jwe: string }>(
      await tx.execute(sql`select payload_jwe from buyer_pii
        where store_id = ${storeId}::uuid
          and amazon_order_id = ${amazonOrderId}`),
    );
    if (!row) return "not_found" as const;
    let opened: string;
    try {
      opened = await deps.vault.open(row.payload_jwe, BUYER_PII_PURPOSE);
    } catch (error) {
      return { vaultError: error };
    }
    const values = buyerPiiPayload.parse(JSON.parse(opened));
    await recordAuditInTx(tx, {
      actorType: "staff",
      actorId: principal.userId,
      action: "pii.reveal",
      target: amazonOrderId,
      storeId,
      outcome: "success",
      ...meta,
      details: { reason: reason.data },
    });
    // A decoy no legitimate work opens: an incident at once (§8, §12).
    await canaryTouchTx(tx, storeId, [amazonOrderId], "reveal", now, [{
      label: "pii.reveal",
      href: `/audit?action=pii.reveal&actor=${principal.userId}`,
    }]);
    return { values };
  });
  if (outcome === "frozen") {
    await audit("denied", "frozen");
    throw new BuyerDataError("frozen");
  }
  if (outcome === "not_found") throw new BuyerDataError("not_found");
  if ("vaultError" in outcome) {
    // Counted by the vault_failures detection rule (lib/incidents/).
    await recordAudit(deps.db, principal, {
      actorType: "staff",
      actorId: principal.userId,
      action: "vault.open.failed",
      target: amazonOrderId,
      storeId,
      outcome: "failure",
      ...meta,
      details: { purpose: BUYER_PII_PURPOSE },
    });
    throw outcome.vaultError;
  }
  return {
    values: outcome.values,
    expiresAt: new Date(now.getTime() + REVEAL_TTL_MS),
  };
}

/** The fields of buyer data, in the order pages and exports show them. */
export const BUYER_FIELDS = [
  "name",
  "email",
  "phone",
  "addressLine1",
  "addressLine2",
  "addressLine3",
  "city",
  "stateOrRegion",
  "postalCode",
  "countryCode",
] as const satisfies readonly (keyof BuyerPiiPayload)[];
