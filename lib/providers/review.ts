// Data Policy §11: a service provider's confidentiality agreement is
// reviewed by a due date. This says where a provider stands against it, for
// the register (/providers: red when past) and, later, the compliance page.

/** How many days ahead a review counts as coming up. */
export const REVIEW_SOON_DAYS = 30;

export type ProviderReviewState =
  | "retired"
  | "overdue"
  | "due_soon"
  | "no_agreement"
  | "ok";

export interface ProviderReviewStatus {
  state: ProviderReviewState;
  /** Days from `today` to the due date (negative when past). */
  daysLeft: number;
}

const DAY_MS = 86_400_000;

/**
 * Where a provider's review stands on `today` (a `YYYY-MM-DD` day, in the
 * company's or the reader's zone): retired providers need none; a past due
 * date is overdue; within REVIEW_SOON_DAYS it is due soon; a provider with
 * no confidentiality agreement is flagged; otherwise it is in order.
 *
 * @example
 * providerReviewStatus({ reviewDueOn: "2026-01-31", hasAgreement: true, retiredAt: null }, "2026-02-01");
 * // { state: "overdue", daysLeft: -1 }
 */
export function providerReviewStatus(
  provider: {
    reviewDueOn: string;
    hasAgreement: boolean;
    retiredAt: Date | null;
  },
  today: string,
  soonDays = REVIEW_SOON_DAYS,
): ProviderReviewStatus {
  const daysLeft = Math.round(
    (Date.parse(`${provider.reviewDueOn}T00:00:00Z`) -
      Date.parse(`${today}T00:00:00Z`)) / DAY_MS,
  );
  const state: ProviderReviewState = provider.retiredAt
    ? "retired"
    : daysLeft < 0
    ? "overdue"
    : daysLeft <= soonDays
    ? "due_soon"
    : !provider.hasAgreement
    ? "no_agreement"
    : "ok";
  return { state, daysLeft };
}
