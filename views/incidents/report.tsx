// The report form every signed-in person reaches from every page (the
// layout's "Report an incident" link), and its thank-you page. A refused
// field is marked beside itself; what was typed stays.
import type { Lang } from "../i18n.ts";
import { incidentsCatalogue, type IncidentsKey } from "./messages.ts";

export const REPORT_KINDS = [
  "abnormal_access",
  "mistaken_export",
  "credential_exposure",
  "other",
] as const;
export const REPORT_DATA = [
  "buyer_pii",
  "orders",
  "finance",
  "ads",
  "inventory",
  "credentials",
  "staff_accounts",
  "logs",
] as const;

export interface ReportFormProps {
  lang: Lang;
  stores: { id: string; name: string }[];
  values?: {
    kind?: string;
    what?: string;
    when?: string;
    stores?: string[];
    data?: string[];
  };
  /** Field → problem code, after a refused report. */
  problems?: Record<string, string>;
  /** The latest day the "when" field accepts (today, the reader's). */
  today: string;
}

function FieldError(
  p: { id: string; show: boolean; text: string },
) {
  return p.show ? <small id={p.id} class="field-error">{p.text}</small> : null;
}

export function ReportForm(p: ReportFormProps) {
  const t = incidentsCatalogue.translator(p.lang);
  const v = p.values ?? {};
  const bad = p.problems ?? {};
  const refused = Object.keys(bad).length > 0;
  return (
    <>
      <hgroup>
        <h1>{t("inc.report.title")}</h1>
        <p>{t("inc.report.intro")}</p>
      </hgroup>
      {refused && <p class="error" role="alert">{t("inc.report.invalid")}</p>}
      <form
        method="post"
        action="/incidents/report"
        id="report-form"
        novalidate
      >
        <fieldset
          aria-invalid={bad.kind ? "true" : undefined}
          aria-describedby={bad.kind ? "kind-error" : undefined}
        >
          <legend>{t("inc.report.kind")}</legend>
          {REPORT_KINDS.map((k, i) => (
            <label>
              <input
                type="radio"
                name="kind"
                value={k}
                checked={(v.kind ?? "abnormal_access") === k}
                required={i === 0}
              />
              {t(`inc.kind.${k}` as IncidentsKey)}
            </label>
          ))}
          <FieldError
            id="kind-error"
            show={Boolean(bad.kind)}
            text={t("inc.report.error.kind")}
          />
        </fieldset>
        <label>
          {t("inc.report.what")}
          <textarea
            name="what"
            rows={5}
            required
            minlength={10}
            maxlength={4000}
            aria-invalid={bad.what ? "true" : undefined}
            aria-describedby={bad.what ? "what-error what-help" : "what-help"}
          >
            {v.what ?? ""}
          </textarea>
          <FieldError
            id="what-error"
            show={Boolean(bad.what)}
            text={t("inc.report.error.what")}
          />
          <small id="what-help">{t("inc.report.what.help")}</small>
        </label>
        <label>
          {t("inc.report.when")}
          <input
            type="date"
            name="when"
            value={v.when ?? ""}
            max={p.today}
            aria-invalid={bad.when ? "true" : undefined}
            aria-describedby={bad.when ? "when-error when-help" : "when-help"}
          />
          <FieldError
            id="when-error"
            show={Boolean(bad.when)}
            text={t("inc.report.error.when")}
          />
          <small id="when-help">{t("inc.report.when.help")}</small>
        </label>
        {p.stores.length > 0 && (
          <fieldset
            aria-invalid={bad.stores ? "true" : undefined}
            aria-describedby={bad.stores ? "stores-error" : undefined}
          >
            <legend>{t("inc.report.stores")}</legend>
            {p.stores.map((s) => (
              <label>
                <input
                  type="checkbox"
                  name="stores"
                  value={s.id}
                  checked={v.stores?.includes(s.id)}
                />
                {s.name}
              </label>
            ))}
            <FieldError
              id="stores-error"
              show={Boolean(bad.stores)}
              text={t("inc.report.error.stores")}
            />
          </fieldset>
        )}
        <fieldset>
          <legend>{t("inc.report.data")}</legend>
          {REPORT_DATA.map((d) => (
            <label>
              <input
                type="checkbox"
                name="data"
                value={d}
                checked={v.data?.includes(d)}
              />
              {t(`inc.data.${d}` as IncidentsKey)}
            </label>
          ))}
        </fieldset>
        <button type="submit">{t("inc.report.submit")}</button>
      </form>
    </>
  );
}

export function ReportThanks(p: { lang: Lang }) {
  const t = incidentsCatalogue.translator(p.lang);
  return (
    <>
      <h1>{t("inc.report.thanks.title")}</h1>
      <p role="status" data-testid="report-thanks">{t("inc.report.thanks")}</p>
    </>
  );
}
