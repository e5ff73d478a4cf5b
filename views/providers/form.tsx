// A service provider's entry (add or edit): every field labelled, each
// refusal beside its field (aria-invalid, tied by aria-describedby), the
// check boxes in fieldsets with their legends.
import type { Lang } from "../i18n.ts";
import { providersCatalogue, type ProvidersKey } from "./messages.ts";

export interface ProviderFormValues {
  name: string;
  service: string;
  purpose: string;
  dataCategories: string[];
  region: string;
  safeguards: string[];
  hasAgreement: string;
  agreementSignedOn: string;
  reviewDueOn: string;
}

export interface ProviderFormProps {
  lang: Lang;
  /** Null to add a provider; its id and name to edit one. */
  editing: { id: string; name: string } | null;
  values: ProviderFormValues;
  problems?: Partial<Record<keyof ProviderFormValues, string>>;
  services: readonly string[];
  categories: readonly string[];
  safeguards: readonly string[];
}

/**
 * A date field's value: the date as typed when it is a real one; otherwise
 * empty (the refusal beside the field says why), as a date input holds only
 * real dates.
 */
function dateValue(v: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return "";
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === v ? v : "";
}

export function ProviderForm(p: ProviderFormProps) {
  const t = providersCatalogue.translator(p.lang);
  const problems = p.problems ?? {};
  const refused = Object.keys(problems).length > 0;
  const error = (f: keyof ProviderFormValues) =>
    problems[f]
      ? (
        <small id={`${f}-error`} class="field-error">
          {t(`providers.problem.${problems[f]}` as ProvidersKey)}
        </small>
      )
      : null;
  const aria = (f: keyof ProviderFormValues, help = false) => ({
    "aria-invalid": problems[f] ? "true" : undefined,
    "aria-describedby":
      [problems[f] ? `${f}-error` : "", help ? `${f}-help` : ""]
        .filter(Boolean).join(" ") || undefined,
  });
  const group = (f: keyof ProviderFormValues) => ({
    "aria-describedby": problems[f] ? `${f}-error` : undefined,
  });
  const action = p.editing ? `/providers/${p.editing.id}` : "/providers";
  return (
    <>
      <h1>
        {p.editing
          ? t("providers.edit.title", { name: p.editing.name })
          : t("providers.new.title")}
      </h1>
      {refused && (
        <p class="error" role="alert">{t("providers.form.invalid")}</p>
      )}
      <form method="post" action={action} id="provider-form" novalidate>
        <label>
          {t("providers.form.name")}
          <input
            name="name"
            value={p.values.name}
            maxlength={200}
            required
            {...aria("name")}
          />
          {error("name")}
        </label>
        <label>
          {t("providers.form.service")}
          <select name="service" {...aria("service")}>
            {p.services.map((s) => (
              <option value={s} selected={s === p.values.service}>
                {t(`service.${s}` as ProvidersKey)}
              </option>
            ))}
          </select>
          {error("service")}
        </label>
        <label>
          {t("providers.form.purpose")}
          <textarea
            name="purpose"
            rows={2}
            maxlength={500}
            required
            {...aria("purpose", true)}
          >
            {p.values.purpose}
          </textarea>
          {error("purpose")}
          <small id="purpose-help">{t("providers.form.purpose.help")}</small>
        </label>
        <fieldset {...group("dataCategories")}>
          <legend>{t("providers.form.categories")}</legend>
          {p.categories.map((c) => (
            <label>
              <input
                type="checkbox"
                name="dataCategories"
                value={c}
                checked={p.values.dataCategories.includes(c)}
              />
              {t(`category.${c}` as ProvidersKey)}
            </label>
          ))}
          {error("dataCategories")}
        </fieldset>
        <label>
          {t("providers.form.region")}
          <input
            name="region"
            value={p.values.region}
            maxlength={200}
            required
            {...aria("region", true)}
          />
          {error("region")}
          <small id="region-help">{t("providers.form.region.help")}</small>
        </label>
        <fieldset {...group("safeguards")}>
          <legend>{t("providers.form.safeguards")}</legend>
          {p.safeguards.map((s) => (
            <label>
              <input
                type="checkbox"
                name="safeguards"
                value={s}
                checked={p.values.safeguards.includes(s)}
              />
              {t(`safeguard.${s}` as ProvidersKey)}
            </label>
          ))}
          {error("safeguards")}
        </fieldset>
        <fieldset {...group("hasAgreement")}>
          <legend>{t("providers.form.agreement")}</legend>
          {(["yes", "no"] as const).map((v) => (
            <label>
              <input
                type="radio"
                name="hasAgreement"
                value={v}
                checked={p.values.hasAgreement === v}
              />
              {t(`providers.form.agreement.${v}`)}
            </label>
          ))}
          {error("hasAgreement")}
        </fieldset>
        <label>
          {t("providers.form.signedOn")}
          <input
            type="date"
            name="agreementSignedOn"
            value={dateValue(p.values.agreementSignedOn)}
            {...aria("agreementSignedOn", true)}
          />
          {error("agreementSignedOn")}
          <small id="agreementSignedOn-help">
            {t("providers.form.signedOn.help")}
          </small>
        </label>
        <label>
          {t("providers.form.reviewDue")}
          <input
            type="date"
            name="reviewDueOn"
            value={dateValue(p.values.reviewDueOn)}
            required
            {...aria("reviewDueOn")}
          />
          {error("reviewDueOn")}
        </label>
        <p>
          <small>{t("providers.form.audited")}</small>
        </p>
        <div class="actions">
          <button type="submit">{t("providers.form.save")}</button>
          <a href="/providers" role="button" class="secondary outline">
            {t("providers.form.cancel")}
          </a>
        </div>
      </form>
    </>
  );
}

/** Retiring a provider, confirmed first. */
export function RetireProviderPage(
  p: { lang: Lang; id: string; name: string },
) {
  const t = providersCatalogue.translator(p.lang);
  return (
    <article class="narrow">
      <h1>{t("providers.retire.title", { name: p.name })}</h1>
      <p>{t("providers.retire.body")}</p>
      <form method="post" action={`/providers/${p.id}/retire`}>
        <div class="actions">
          <button type="submit" class="contrast">
            {t("providers.retire.confirm")}
          </button>
          <a href="/providers" role="button" class="secondary outline">
            {t("providers.retire.cancel")}
          </a>
        </div>
      </form>
    </article>
  );
}
