// A settlement's reconciliation: whether it ties out, the totals side by
// side (settled, known to the portal, difference, a badge with icon and
// word), and each discrepancy with its likely cause in plain words.
import { Badge } from "../badge.tsx";
import type { Lang } from "../i18n.ts";
import { formatNumber } from "../format.ts";
import { formatMoney } from "../orders/_format.ts";
import { Time } from "../time.tsx";
import { financeCatalogue, type FinanceKey } from "./messages.ts";
import { settlementHref } from "./settlements.tsx";

export interface ReconciliationView {
  storeId: string;
  storeName: string;
  settlementId: string;
  startsAt: Date;
  endsAt: Date;
  currency: string;
  marketplaces: string[];
  ties: {
    key: string;
    settled: string;
    known: string | null;
    difference: string | null;
    tiesOut: boolean;
  }[];
  discrepancies: {
    kind: string;
    cause: string;
    amazonOrderId: string | null;
    settled: string | null;
    known: string | null;
    difference: string | null;
    at: Date | null;
  }[];
  ordersSettled: number;
  ordersShipped: number;
  byEventGroup: boolean;
  tiesOut: boolean;
}

export function ReconciliationPage(p: {
  lang: Lang;
  zone: string;
  rec: ReconciliationView;
  canSeeOrders: boolean;
}) {
  const t = financeCatalogue.translator(p.lang);
  const r = p.rec;
  const money = (v: string | null) => formatMoney(p.lang, v, r.currency);
  return (
    <>
      <hgroup>
        <h1>{t("rec.title", { id: r.settlementId })}</h1>
        <p>{t("set.context", { store: r.storeName, currency: r.currency })}</p>
      </hgroup>
      <p>
        <a href={settlementHref(r.storeId, r.settlementId)}>{t("rec.back")}</a>
      </p>
      <p>
        {t("rec.intro", {
          marketplaces: r.marketplaces.join(", ") || "—",
          currency: r.currency,
        })}
      </p>
      <p>
        {t("rec.period")}: <Time at={r.startsAt} zone={p.zone} />
        {" – "}
        <Time at={r.endsAt} zone={p.zone} />
      </p>
      <p
        id="reconciliation-verdict"
        class={r.tiesOut ? "notice" : "error"}
        role="status"
        data-ties-out={r.tiesOut ? "true" : "false"}
      >
        {r.tiesOut ? t("rec.tiesOut") : t("rec.discrepancyCount", {
          count: formatNumber(p.lang, r.discrepancies.length),
        })}
      </p>
      <p>
        {t("rec.counts", {
          settled: formatNumber(p.lang, r.ordersSettled),
          shipped: formatNumber(p.lang, r.ordersShipped),
        })} {t(r.byEventGroup ? "rec.byGroup" : "rec.byPeriod")}
      </p>
      <div class="table-wrap">
        <table class="striped" id="reconciliation-ties">
          <caption>{t("rec.ties")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("rec.col.figure")}</th>
              <th scope="col" class="num">{t("rec.col.settled")}</th>
              <th scope="col" class="num">{t("rec.col.known")}</th>
              <th scope="col" class="num">{t("rec.col.difference")}</th>
              <th scope="col">{t("rec.col.status")}</th>
            </tr>
          </thead>
          <tbody>
            {r.ties.map((x) => (
              <tr data-tie={x.key} data-ties-out={x.tiesOut ? "true" : "false"}>
                <th scope="row">{t(`rec.tie.${x.key}` as FinanceKey)}</th>
                <td class="num" data-amount={x.settled}>{money(x.settled)}</td>
                <td class="num" data-amount={x.known ?? ""}>
                  {money(x.known)}
                </td>
                <td class="num" data-amount={x.difference ?? ""}>
                  {money(x.difference)}
                </td>
                <td>
                  {x.known === null
                    ? (
                      <Badge
                        tone="grey"
                        icon="–"
                        label={t("rec.tie.na")}
                        state="na"
                      />
                    )
                    : x.tiesOut
                    ? (
                      <Badge
                        tone="green"
                        icon="✓"
                        label={t("rec.tie.ok")}
                        state="ok"
                      />
                    )
                    : (
                      <Badge
                        tone="red"
                        icon="✕"
                        label={t("rec.tie.off")}
                        state="off"
                      />
                    )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {r.discrepancies.length > 0 && (
        <section aria-labelledby="discrepancies-title">
          <h2 id="discrepancies-title">{t("rec.list")}</h2>
          <div class="table-wrap">
            <table class="striped" id="discrepancies">
              <caption class="visually-hidden">{t("rec.list")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("rec.col.kind")}</th>
                  <th scope="col">{t("rec.col.order")}</th>
                  <th scope="col" class="num">{t("rec.col.settled")}</th>
                  <th scope="col" class="num">{t("rec.col.known")}</th>
                  <th scope="col" class="num">{t("rec.col.difference")}</th>
                  <th scope="col">{t("rec.col.cause")}</th>
                </tr>
              </thead>
              <tbody>
                {r.discrepancies.map((d) => (
                  <tr
                    data-kind={d.kind}
                    data-cause={d.cause}
                    data-order={d.amazonOrderId ?? ""}
                  >
                    <td>{t(`rec.kind.${d.kind}` as FinanceKey)}</td>
                    <td>
                      {d.amazonOrderId && p.canSeeOrders
                        ? (
                          <a
                            href={`/orders/${r.storeId}/${
                              encodeURIComponent(d.amazonOrderId)
                            }`}
                          >
                            {d.amazonOrderId}
                          </a>
                        )
                        : d.amazonOrderId ?? "—"}
                    </td>
                    <td class="num">{money(d.settled)}</td>
                    <td class="num">{money(d.known)}</td>
                    <td class="num" data-amount={d.difference ?? ""}>
                      {money(d.difference)}
                    </td>
                    <td>
                      {t(`rec.cause.${d.cause}` as FinanceKey)}
                      {d.at && (
                        <>
                          {" ("}
                          <Time at={d.at} zone={p.zone} />
                          {")"}
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
    </>
  );
}
