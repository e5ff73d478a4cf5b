// The dashboard's advertising notice: campaigns that spent their whole
// daily budget on some of the last 7 days, each a link to its page.
import { formatNumber } from "../format.ts";
import type { Lang } from "../i18n.ts";
import { adsCatalogue } from "./messages.ts";

export function AdsBudgetNotice(p: {
  lang: Lang;
  capped: {
    campaigns: {
      storeId: string;
      campaignId: string;
      name: string;
      capped: number;
      days: number;
    }[];
    total: number;
    from: string;
    to: string;
  } | null;
}) {
  if (!p.capped || p.capped.campaigns.length === 0) return null;
  const t = adsCatalogue.translator(p.lang);
  const c = p.capped;
  const period = `from=${c.from}&to=${c.to}`;
  return (
    <article class="notice" id="ads-capped">
      <p>
        {t("ads.attention.capped", { count: formatNumber(p.lang, c.total) })}
      </p>
      <ul>
        {c.campaigns.map((x) => (
          <li>
            <a href={`/ads/campaigns/${x.storeId}/${x.campaignId}?${period}`}>
              {x.name}
            </a>{" "}
            {t("ads.attention.days", {
              capped: formatNumber(p.lang, x.capped),
              days: formatNumber(p.lang, x.days),
            })}
          </li>
        ))}
      </ul>
      <p>
        <a href={`/ads?${period}&sort=utilization`}>
          {t("ads.attention.link")}
        </a>
      </p>
    </article>
  );
}
