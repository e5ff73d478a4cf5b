// /providers: the register of service providers (Data Policy §11) — filters
// in a GET form (status, sort, order, page size, all in the URL), a table
// with each provider's confidentiality agreement and review date (red, with
// its word, when past), a keyset pager, and, for providers.manage, add,
// edit and retire.
import type { Lang } from "../i18n.ts";
import { choice, OrderFields } from "../list_controls.tsx";
import { Badge } from "../badge.tsx";
import { formatNumber } from "../format.ts";
import { providersCatalogue, type ProvidersKey } from "./messages.ts";

export interface ProviderRowView {
  id: string;
  name: string;
  service: string;
  region: string;
  dataCategories: string[];
  safeguards: string[];
  hasAgreement: boolean;
  agreementSignedOn: string | null;
  reviewDueOn: string;
  review: {
    state: "retired" | "overdue" | "due_soon" | "no_agreement" | "ok";
    daysLeft: number;
  };
}

export interface ProvidersPageProps {
  lang: Lang;
  filter: { status: string; sort: string; dir: string; size: number };
  sizes: readonly number[];
  rows: ProviderRowView[];
  nextQuery: string | null;
  /** The filters alone, for "first page"; null on the first page. */
  firstQuery: string | null;
  filtered: boolean;
  badFilter: boolean;
  canManage: boolean;
  overdue: number;
  saved: boolean;
}

const TONE = {
  overdue: ["red", "!"],
  due_soon: ["amber", "◷"],
  no_agreement: ["amber", "?"],
  ok: ["green", "✓"],
  retired: ["grey", "⊘"],
} as const;

export function ProvidersPage(p: ProvidersPageProps) {
  const t = providersCatalogue.translator(p.lang);
  return (
    <>
      <hgroup>
        <h1>{t("providers.title")}</h1>
        <p>{t("providers.intro")}</p>
      </hgroup>
      {p.saved && <p role="status" class="success">{t("providers.saved")}</p>}
      {p.badFilter && (
        <p role="alert" class="error">{t("providers.badFilter")}</p>
      )}
      {p.overdue > 0 && (
        <p role="alert" class="error" id="overdue-reviews">
          {t("providers.overdueCount", {
            count: formatNumber(p.lang, p.overdue),
          })}
        </p>
      )}
      {p.canManage && (
        <p>
          <a href="/providers/new" role="button">{t("providers.add")}</a>
        </p>
      )}
      <form
        method="get"
        action="/providers"
        class="filters"
        aria-label={t("providers.filters")}
      >
        <div class="grid">
          <label>
            {t("providers.field.status")}
            <select name="status">
              {(["active", "retired", "all"] as const).map((s) =>
                choice(s, t(`providers.status.${s}`), p.filter.status)
              )}
            </select>
          </label>
          <OrderFields
            lang={p.lang}
            labels={{
              sort: t("providers.field.sort"),
              dir: t("providers.field.dir"),
              size: t("providers.field.size"),
              asc: t("providers.dir.asc"),
              desc: t("providers.dir.desc"),
            }}
            sorts={[
              { value: "name", label: t("providers.sort.name") },
              { value: "review", label: t("providers.sort.review") },
            ]}
            sizes={p.sizes}
            current={p.filter}
          />
        </div>
        <div class="actions">
          <button type="submit">{t("providers.apply")}</button>
          <a href="/providers" role="button" class="secondary outline">
            {t("providers.reset")}
          </a>
        </div>
      </form>
      {p.rows.length === 0
        ? (
          <p id="providers-empty">
            {p.filtered || p.firstQuery !== null
              ? t("providers.empty.filtered")
              : t("providers.empty.none")}
          </p>
        )
        : (
          <div class="table-scroll">
            <table id="providers">
              <caption>
                {t("providers.caption", {
                  count: formatNumber(p.lang, p.rows.length),
                })}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t("providers.col.name")}</th>
                  <th scope="col">{t("providers.col.region")}</th>
                  <th scope="col">{t("providers.col.categories")}</th>
                  <th scope="col">{t("providers.col.safeguards")}</th>
                  <th scope="col">{t("providers.col.agreement")}</th>
                  <th scope="col">{t("providers.col.review")}</th>
                  {p.canManage && (
                    <th scope="col">{t("providers.col.actions")}</th>
                  )}
                </tr>
              </thead>
              <tbody>
                {p.rows.map((r) => {
                  const [tone, icon] = TONE[r.review.state];
                  const overdue = r.review.state === "overdue";
                  return (
                    <tr id={`provider-${r.id}`}>
                      <th scope="row">
                        {r.name}
                        <br />
                        <small>
                          {t(`service.${r.service}` as ProvidersKey)}
                        </small>
                      </th>
                      <td>{r.region}</td>
                      <td>
                        {r.dataCategories.map((c) =>
                          t(`category.${c}` as ProvidersKey)
                        ).join("; ")}
                      </td>
                      <td>
                        {r.safeguards.map((s) =>
                          t(`safeguard.${s}` as ProvidersKey)
                        ).join("; ")}
                      </td>
                      <td>
                        {r.hasAgreement && r.agreementSignedOn
                          ? t("providers.agreement.yes", {
                            date: r.agreementSignedOn,
                          })
                          : t("providers.agreement.no")}
                      </td>
                      <td class={overdue ? "review-overdue" : undefined}>
                        <time datetime={r.reviewDueOn}>{r.reviewDueOn}</time>
                        <br />
                        <Badge
                          tone={tone}
                          icon={icon}
                          state={r.review.state}
                          label={t(`providers.review.${r.review.state}`, {
                            days: formatNumber(
                              p.lang,
                              Math.abs(r.review.daysLeft),
                            ),
                          })}
                        />
                      </td>
                      {p.canManage && (
                        <td>
                          {r.review.state !== "retired" && (
                            <>
                              <a
                                href={`/providers/${r.id}/edit`}
                                aria-label={`${t("providers.edit")}: ${r.name}`}
                              >
                                {t("providers.edit")}
                              </a>
                              {" · "}
                              <a
                                href={`/providers/${r.id}/retire`}
                                aria-label={`${
                                  t("providers.retire")
                                }: ${r.name}`}
                              >
                                {t("providers.retire")}
                              </a>
                            </>
                          )}
                        </td>
                      )}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      {(p.nextQuery !== null || p.firstQuery !== null) && (
        <nav aria-label={t("providers.pager")} class="pager">
          {p.firstQuery !== null && (
            <a href={`/providers${p.firstQuery ? `?${p.firstQuery}` : ""}`}>
              {t("providers.first")}
            </a>
          )}{" "}
          {p.nextQuery !== null && (
            <a href={`/providers?${p.nextQuery}`} rel="next">
              {t("providers.next")}
            </a>
          )}
        </nav>
      )}
    </>
  );
}
