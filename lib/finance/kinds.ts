// The kind of each settlement line, as the finance screens group them
// (issue #16): orders (what buyers paid: principal, shipping, tax,
// promotions), refunds, fees (what Amazon charged: per-order fees and the
// account's service fees, advertising, storage), reimbursements, reserves
// (the amounts Amazon holds back and releases) and adjustments (everything
// else that moved money). V2 settlement flat files name a line by its
// transaction type, amount type and description (facts §4.8); a line is
// read by those three, most specific first.

export const LINE_KINDS = [
  "orders",
  "refunds",
  "fees",
  "reimbursements",
  "adjustments",
  "reserves",
] as const;
export type LineKind = typeof LINE_KINDS[number];

const RESERVE = /reserve/i;
const REIMBURSEMENT = /reimburse|warehouse_?(damage|lost)|safe-?t/i;
const FEE = /fee|commission|advertising|subscription|storage|charge/i;
const REFUND = /refund|chargeback|guarantee|a-to-z/i;

/** Which group a settlement line belongs to. */
export function lineKind(line: {
  transactionType: string;
  amountType: string;
  amountDescription: string;
}): LineKind {
  const { transactionType: t, amountType: a, amountDescription: d } = line;
  if (RESERVE.test(d) || RESERVE.test(a)) return "reserves";
  if (REIMBURSEMENT.test(a) || REIMBURSEMENT.test(d)) return "reimbursements";
  if (/^order$/i.test(t)) return a === "ItemFees" ? "fees" : "orders";
  if (REFUND.test(t)) return "refunds";
  if (FEE.test(a) || FEE.test(d) || /servicefee/i.test(t)) return "fees";
  return "adjustments";
}

/**
 * Whether an order line is part of what the buyer paid for the goods
 * (principal, shipping, gift wrap and their promotions), not a tax: the
 * figure the reconciliation compares with the order's items.
 */
export function isSalesLine(line: {
  amountType: string;
  amountDescription: string;
}): boolean {
  if (line.amountType === "Promotion") return true;
  return line.amountType === "ItemPrice" &&
    !/tax/i.test(line.amountDescription);
}
