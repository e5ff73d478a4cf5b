// The dashboard notice of SKUs sold without a cost of goods (finance).
import { formatNumber } from "../format.ts";
import type { Lang } from "../i18n.ts";
import { profitCatalogue } from "./messages.ts";

export function CostsMissingNotice(p: { lang: Lang; count: number }) {
  if (p.count === 0) return null;
  const t = profitCatalogue.translator(p.lang);
  return (
    <article class="notice" id="costs-missing">
      <p>
        {t("attention.costsMissing", { count: formatNumber(p.lang, p.count) })}
      </p>
      <p>
        <a href="/profit/costs">{t("profit.withoutCost.add")}</a>
      </p>
    </article>
  );
}
