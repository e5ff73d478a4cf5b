// Settlement line kinds and exact decimal sums (lib/finance/kinds.ts,
// lib/finance/decimal.ts) on lines as V2 settlement files write them.
import assert from "node:assert/strict";
import { isSalesLine, lineKind } from "../../lib/finance/kinds.ts";
import {
  normalizeDecimal,
  subtractDecimals,
  sumDecimals,
} from "../../lib/finance/decimal.ts";

Deno.test("a settlement line's kind, from its transaction type, amount type and description", () => {
  const k = (t: string, a: string, d: string) =>
    lineKind({ transactionType: t, amountType: a, amountDescription: d });
  assert.equal(k("Order", "ItemPrice", "Principal"), "orders");
  assert.equal(k("Order", "Promotion", "Shipping"), "orders");
  assert.equal(k("Order", "ItemFees", "Commission"), "fees");
  assert.equal(k("Refund", "ItemFees", "RefundCommission"), "refunds");
  assert.equal(k("Chargeback Refund", "ItemPrice", "Principal"), "refunds");
  assert.equal(
    k("other-transaction", "other-transaction", "Subscription Fee"),
    "fees",
  );
  assert.equal(
    k("other-transaction", "other-transaction", "Cost of Advertising"),
    "fees",
  );
  assert.equal(
    k("other-transaction", "FBA Inventory Reimbursement", "WAREHOUSE_DAMAGE"),
    "reimbursements",
  );
  assert.equal(
    k(
      "other-transaction",
      "other-transaction",
      "Previous Reserve Amount Balance",
    ),
    "reserves",
  );
  assert.equal(
    k("other-transaction", "other-transaction", "Liquidations"),
    "adjustments",
  );
  assert.equal(
    isSalesLine({ amountType: "ItemPrice", amountDescription: "Principal" }),
    true,
  );
  assert.equal(
    isSalesLine({ amountType: "ItemPrice", amountDescription: "ShippingTax" }),
    false,
  );
});

Deno.test("decimal amounts are summed exactly, never through a float", () => {
  assert.equal(sumDecimals(["0.10", "0.20"]), "0.30");
  assert.equal(sumDecimals(["-26.3400", "11.75"]), "-14.59");
  assert.equal(sumDecimals([]), "0.00");
  assert.equal(
    sumDecimals(["99999999999999.9999", "0.0001"]),
    "100000000000000.00",
  );
  assert.equal(subtractDecimals("10.75", "11.75"), "-1.00");
  assert.equal(normalizeDecimal("-0.5000"), "-0.50");
  assert.equal(normalizeDecimal("1.2345"), "1.2345");
  assert.throws(() => sumDecimals(["1e3"]), RangeError);
});
