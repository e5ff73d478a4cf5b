// Write path for buyer personal data, kept apart from orders (Data Policy §8)
// and only as one JWE per order sealed by the vault (§7: encrypted at rest
// under keys from the server's environment). §9: it is "generally not
// retained in production systems for more than 30 days after order
// delivery", so every row carries `purge_after` = delivery + 30 days, and a
// row whose clock has already run out is not written at all.
import { z } from "zod";
import type { Tx } from "../../db/client.ts";
import { buyerPii } from "../../db/schema.ts";
import type { Vault } from "../security/vault.ts";
import { upsertRows, type WriteResult } from "./_upsert.ts";

/** Days buyer personal data may be kept after delivery (Data Policy §9). */
export const BUYER_PII_RETENTION_DAYS = 30;
/** The vault purpose every buyer_pii ciphertext is sealed under. */
export const BUYER_PII_PURPOSE = "buyer_pii";

const DAY_MS = 86_400_000;
const line = z.string().trim().min(1).max(200);

/**
 * The only fields kept about a buyer: what fulfilment, tax or invoicing
 * needs. Unknown fields are rejected so nothing else slips into the vault.
 */
export const buyerPiiPayload = z.object({
  name: line,
  email: z.string().trim().max(320).optional(),
  addressLine1: line,
  addressLine2: z.string().trim().max(200).optional(),
  addressLine3: z.string().trim().max(200).optional(),
  city: line,
  stateOrRegion: z.string().trim().max(100).optional(),
  postalCode: z.string().trim().max(20).optional(),
  countryCode: z.string().regex(/^[A-Z]{2}$/, "must be an ISO country code"),
  phone: z.string().trim().max(40).optional(),
}).strict();

export type BuyerPiiPayload = z.infer<typeof buyerPiiPayload>;

/** One order's buyer data as received, before sealing. */
export interface BuyerPiiInput {
  storeId: string;
  amazonOrderId: string;
  purpose?: "fulfillment" | "tax" | "invoice" | "legal";
  /** When the data was fetched from Amazon. */
  collectedAt: Date;
  /** Actual delivery, once known. */
  deliveredAt?: Date | null;
  /** End of the promised delivery window, used until delivery is known. */
  latestDeliveryAt?: Date | null;
  payload: BuyerPiiPayload;
}

/** Written rows, plus rows skipped because their retention had already run out. */
export interface BuyerPiiWriteResult extends WriteResult {
  skipped: number;
}

/**
 * When a row must be gone: delivery + 30 days. Before delivery is known the
 * clock runs from the promised delivery date (or collection), which can only
 * purge early; the next sync after delivery moves it to the real date.
 */
export function purgeAfterFor(
  input: Pick<
    BuyerPiiInput,
    "collectedAt" | "deliveredAt" | "latestDeliveryAt"
  >,
): Date {
  const base = input.deliveredAt ?? input.latestDeliveryAt ?? input.collectedAt;
  return new Date(base.getTime() + BUYER_PII_RETENTION_DAYS * DAY_MS);
}

/**
 * Seals each payload (`vault.seal(JSON.stringify(payload), "buyer_pii")`)
 * and upserts it on (store_id, amazon_order_id). Rows whose purge_after is
 * not after `opts.now` (default: the current time) are skipped, not stored.
 */
export async function upsertBuyerPii(
  tx: Tx,
  vault: Vault,
  rows: readonly BuyerPiiInput[],
  opts: { now?: Date } = {},
): Promise<BuyerPiiWriteResult> {
  const now = (opts.now ?? new Date()).getTime();
  const keep: { input: BuyerPiiInput; payload: string; purgeAfter: Date }[] =
    [];
  for (const [i, input] of rows.entries()) {
    const parsed = buyerPiiPayload.safeParse(input.payload);
    if (!parsed.success) {
      // Name the fields only: the values are personal data.
      const fields = [
        ...new Set(parsed.error.issues.map((x) => x.path.join("."))),
      ];
      throw new TypeError(
        `buyer_pii row ${i} (${input.amazonOrderId}) has invalid fields: ${
          fields.join(", ") || "payload"
        }`,
      );
    }
    const purgeAfter = purgeAfterFor(input);
    if (purgeAfter.getTime() <= now) continue;
    keep.push({ input, payload: JSON.stringify(parsed.data), purgeAfter });
  }
  const sealed = await Promise.all(
    keep.map(async ({ input, payload, purgeAfter }) => ({
      storeId: input.storeId,
      amazonOrderId: input.amazonOrderId,
      payloadJwe: await vault.seal(payload, BUYER_PII_PURPOSE),
      purpose: input.purpose ?? "fulfillment",
      collectedAt: input.collectedAt,
      purgeAfter,
    } satisfies typeof buyerPii.$inferInsert)),
  );
  const written = await upsertRows(tx, buyerPii, sealed);
  return { ...written, skipped: rows.length - keep.length };
}
