// A settlement: its summary (period, deposit, the report's total beside the
// sum of its lines), links to its reconciliation and its lines' export,
// then its lines grouped by kind, each group with its count and total and
// its lines in file order. Text from the report is rendered as text.
import type { Lang } from "../i18n.ts";
import { formatNumber } from "../format.ts";
import { formatMoney } from "../orders/_format.ts";
import { Time } from "../time.tsx";
import { financeCatalogue, type FinanceKey } from "./messages.ts";
import { settlementHref } from "./settlements.tsx";

export interface LineView {
  lineNo: number;
  transactionType: string;
  amazonOrderId: string | null;
  sku: string | null;
  amountType: string;
  amountDescription: string;
  amount: string;
  currency: string;
  postedAt: Date | null;
}

export interface SettlementView {
  storeId: string;
  storeName: string;
  settlementId: string;
  startsAt: Date;
  endsAt: Date;
  depositAt: Date | null;
  totalAmount: string;
  linesTotal: string;
  currency: string;
  lines: number;
  groups: { kind: string; count: number; total: string; lines: LineView[] }[];
}

export function SettlementPage(p: {
  lang: Lang;
  zone: string;
  settlement: SettlementView;
  canExport: boolean;
  canSeeOrders: boolean;
}) {
  const t = financeCatalogue.translator(p.lang);
  const s = p.settlement;
  const href = settlementHref(s.storeId, s.settlementId);
  return (
    <>
      <hgroup>
        <h1>{t("set.title", { id: s.settlementId })}</h1>
        <p>{t("set.context", { store: s.storeName, currency: s.currency })}</p>
      </hgroup>
      <p>
        <a href={`/finance?store=${s.storeId}`}>{t("fin.back")}</a>
      </p>
      <section aria-labelledby="settlement-summary">
        <h2 id="settlement-summary">{t("set.summary")}</h2>
        <dl class="facts">
          <dt>{t("set.period")}</dt>
          <dd>
            <Time at={s.startsAt} zone={p.zone} />
            {" – "}
            <Time at={s.endsAt} zone={p.zone} />
          </dd>
          <dt>{t("set.deposit")}</dt>
          <dd>
            {s.depositAt
              ? <Time at={s.depositAt} zone={p.zone} />
              : t("fin.notDeposited")}
          </dd>
          <dt>{t("set.total")}</dt>
          <dd data-total={s.totalAmount}>
            {formatMoney(p.lang, s.totalAmount, s.currency)}
          </dd>
          <dt>{t("set.linesTotal")}</dt>
          <dd data-total={s.linesTotal}>
            {formatMoney(p.lang, s.linesTotal, s.currency)}
          </dd>
          <dt>{t("set.lines")}</dt>
          <dd>{formatNumber(p.lang, s.lines)}</dd>
        </dl>
        <div class="actions">
          <a href={`${href}/reconciliation`} role="button">
            {t("set.reconcile")}
          </a>
          {p.canExport && (
            <a
              href={`/finance.csv?store=${s.storeId}&settlement=${
                encodeURIComponent(s.settlementId)
              }`}
              role="button"
              class="secondary"
              download
            >
              {t("set.exportLines")}
            </a>
          )}
        </div>
      </section>
      <h2>{t("set.groups")}</h2>
      {s.groups.map((g) => {
        const kind = t(`set.kind.${g.kind}` as FinanceKey);
        return (
          <section
            id={`kind-${g.kind}`}
            aria-labelledby={`kind-${g.kind}-title`}
          >
            <h3 id={`kind-${g.kind}-title`}>{kind}</h3>
            <p data-kind-total={g.total}>
              {t("set.group.summary", {
                count: formatNumber(p.lang, g.count),
                total: formatMoney(p.lang, g.total, s.currency),
              })}
            </p>
            {g.count === 0
              ? <p class="empty">{t("set.group.none")}</p>
              : (
                <div class="table-wrap">
                  <table class="striped index">
                    <caption class="visually-hidden">
                      {t("set.kindCaption", { kind })}
                    </caption>
                    <thead>
                      <tr>
                        <th scope="col" class="num">{t("set.col.line")}</th>
                        <th scope="col">{t("set.col.posted")}</th>
                        <th scope="col">{t("set.col.type")}</th>
                        <th scope="col">{t("set.col.order")}</th>
                        <th scope="col">{t("set.col.sku")}</th>
                        <th scope="col">{t("set.col.amountType")}</th>
                        <th scope="col">{t("set.col.description")}</th>
                        <th scope="col" class="num">{t("set.col.amount")}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {g.lines.map((l) => (
                        <tr>
                          <td class="num">{l.lineNo}</td>
                          <td>
                            <Time at={l.postedAt} zone={p.zone} />
                          </td>
                          <td>{l.transactionType}</td>
                          <td>
                            {l.amazonOrderId && p.canSeeOrders
                              ? (
                                <a
                                  href={`/orders/${s.storeId}/${
                                    encodeURIComponent(l.amazonOrderId)
                                  }`}
                                >
                                  {l.amazonOrderId}
                                </a>
                              )
                              : l.amazonOrderId ?? "—"}
                          </td>
                          <td>{l.sku ?? "—"}</td>
                          <td>{l.amountType}</td>
                          <td>{l.amountDescription}</td>
                          <td class="num">
                            {formatMoney(p.lang, l.amount, l.currency)}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            {g.count > g.lines.length && (
              <p>
                <small>
                  {t("set.group.more", {
                    shown: formatNumber(p.lang, g.lines.length),
                    count: formatNumber(p.lang, g.count),
                  })}
                </small>
              </p>
            )}
          </section>
        );
      })}
    </>
  );
}
