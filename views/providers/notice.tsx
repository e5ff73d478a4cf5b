// The dashboard's "needs attention" line for the provider register: reviews
// of confidentiality agreements overdue or coming up (Data Policy §11).
import type { Lang } from "../i18n.ts";
import { formatNumber } from "../format.ts";
import { providersCatalogue } from "./messages.ts";

export function ProviderReviewNotice(
  p: { lang: Lang; overdue: number; dueSoon: number },
) {
  if (p.overdue === 0 && p.dueSoon === 0) return null;
  const t = providersCatalogue.translator(p.lang);
  return (
    <div
      class="notice"
      role={p.overdue > 0 ? "alert" : undefined}
      id="provider-reviews"
    >
      <p>
        {p.overdue > 0 &&
          t("providers.notice.overdue", {
            count: formatNumber(p.lang, p.overdue),
          })}
        {p.overdue > 0 && p.dueSoon > 0 && " "}
        {p.dueSoon > 0 &&
          t("providers.notice.dueSoon", {
            count: formatNumber(p.lang, p.dueSoon),
          })}
      </p>
      <p>
        <a href="/providers?sort=review">{t("providers.notice.link")}</a>
      </p>
    </div>
  );
}
