// The public side of data requests (issue #17): the /request form (works
// without JavaScript; each field's error beside it), the neutral "thank
// you", the verification page (a POST button, so a mail scanner fetching
// the link spends nothing) and the requester's status page. What the
// requester typed is shown as text only (hono/jsx escapes it).
import type { Lang } from "../i18n.ts";
import { Time } from "../time.tsx";
import { requestsCatalogue, type RequestsKey } from "./messages.ts";

export interface IntakeFormView {
  values: Record<string, string | string[]>;
  errors: Record<string, string>;
}

export interface RequestFormProps {
  lang: Lang;
  form: IntakeFormView;
  types: readonly string[];
  relationships: readonly string[];
  categories: readonly string[];
  marketplaces: readonly { id: string; countryCode: string; name: string }[];
}

function FieldError(p: { lang: Lang; id: string; error?: string }) {
  if (!p.error) return null;
  const t = requestsCatalogue.translator(p.lang);
  return (
    <small id={`${p.id}-error`} class="error">
      {t(`error.${p.error}` as RequestsKey)}
    </small>
  );
}

/** `aria-invalid` and `aria-describedby` of a field with an error. */
const invalid = (error: string | undefined, id: string, help?: string) => ({
  "aria-invalid": error ? "true" : undefined,
  "aria-describedby": [help, error ? `${id}-error` : undefined].filter(Boolean)
    .join(" ") || undefined,
});

export function RequestForm(p: RequestFormProps) {
  const t = requestsCatalogue.translator(p.lang);
  const v = (k: string) => {
    const x = p.form.values[k];
    return typeof x === "string" ? x : "";
  };
  const checked = (k: string, value: string) => {
    const x = p.form.values[k];
    return Array.isArray(x) ? x.includes(value) : x === value;
  };
  const e = p.form.errors;
  const hasErrors = Object.keys(e).length > 0;
  return (
    <>
      <h1>{t("form.title")}</h1>
      <p>{t("form.intro")}</p>
      <p>
        <a href="/policy">{t("form.policy")}</a>
      </p>
      {hasErrors && (
        <p class="error" role="alert" id="form-errors">{t("form.errors")}</p>
      )}
      <form method="post" action="/request" novalidate>
        <input type="hidden" name="lang" value={p.lang} />
        <fieldset {...invalid(e.type, "type")}>
          <legend>{t("form.type")}</legend>
          {p.types.map((x) => (
            <label>
              <input
                type="radio"
                name="type"
                value={x}
                checked={checked("type", x)}
                required
              />
              {t(`type.${x}` as RequestsKey)}
            </label>
          ))}
          <FieldError lang={p.lang} id="type" error={e.type} />
        </fieldset>
        <label for="name">{t("form.name")}</label>
        <input
          id="name"
          name="name"
          autocomplete="name"
          maxlength={200}
          required
          value={v("name")}
          {...invalid(e.name, "name")}
        />
        <FieldError lang={p.lang} id="name" error={e.name} />
        <label for="email">{t("form.email")}</label>
        <input
          id="email"
          name="email"
          type="email"
          autocomplete="email"
          maxlength={254}
          required
          value={v("email")}
          {...invalid(e.email, "email", "email-help")}
        />
        <small id="email-help">{t("form.emailHelp")}</small>
        <FieldError lang={p.lang} id="email" error={e.email} />
        <fieldset {...invalid(e.relationship, "relationship")}>
          <legend>{t("form.relationship")}</legend>
          {p.relationships.map((x) => (
            <label>
              <input
                type="radio"
                name="relationship"
                value={x}
                checked={checked("relationship", x)}
                required
              />
              {t(`rel.${x}` as RequestsKey)}
            </label>
          ))}
          <FieldError lang={p.lang} id="relationship" error={e.relationship} />
        </fieldset>
        <fieldset aria-describedby="identifiers-help">
          <legend>{t("form.identifiers")}</legend>
          <small id="identifiers-help">{t("form.identifiersHelp")}</small>
          <label for="sellerId">{t("form.sellerId")}</label>
          <input
            id="sellerId"
            name="sellerId"
            maxlength={20}
            value={v("sellerId")}
            {...invalid(e.sellerId, "sellerId")}
          />
          <FieldError lang={p.lang} id="sellerId" error={e.sellerId} />
          <label for="orderId">{t("form.orderId")}</label>
          <input
            id="orderId"
            name="orderId"
            maxlength={19}
            value={v("orderId")}
            {...invalid(e.orderId, "orderId")}
          />
          <FieldError lang={p.lang} id="orderId" error={e.orderId} />
          <label for="marketplace">{t("form.marketplace")}</label>
          <select
            id="marketplace"
            name="marketplace"
            {...invalid(e.marketplace, "marketplace")}
          >
            <option value="">{t("form.marketplaceNone")}</option>
            {p.marketplaces.map((m) => (
              <option value={m.id} selected={v("marketplace") === m.id}>
                {`${m.countryCode} — ${m.name}`}
              </option>
            ))}
          </select>
          <FieldError lang={p.lang} id="marketplace" error={e.marketplace} />
        </fieldset>
        <fieldset>
          <legend>{t("form.scope")}</legend>
          <fieldset {...invalid(e.categories, "categories")}>
            <legend>{t("form.categories")}</legend>
            {p.categories.map((c) => (
              <label>
                <input
                  type="checkbox"
                  name="categories"
                  value={c}
                  checked={checked("categories", c)}
                />
                {t(`cat.${c}` as RequestsKey)}
              </label>
            ))}
            <FieldError lang={p.lang} id="categories" error={e.categories} />
          </fieldset>
          <label for="stores">{t("form.stores")}</label>
          <input
            id="stores"
            name="stores"
            maxlength={500}
            value={v("stores")}
            {...invalid(e.stores, "stores")}
          />
          <FieldError lang={p.lang} id="stores" error={e.stores} />
          <div class="grid">
            <div>
              <label for="from">{t("form.from")}</label>
              <input
                id="from"
                name="from"
                type="date"
                value={v("from")}
                {...invalid(e.from, "from")}
              />
              <FieldError lang={p.lang} id="from" error={e.from} />
            </div>
            <div>
              <label for="to">{t("form.to")}</label>
              <input
                id="to"
                name="to"
                type="date"
                value={v("to")}
                {...invalid(e.to, "to")}
              />
              <FieldError lang={p.lang} id="to" error={e.to} />
            </div>
          </div>
        </fieldset>
        <label for="description">{t("form.description")}</label>
        <textarea
          id="description"
          name="description"
          rows={6}
          maxlength={5000}
          {...invalid(e.description, "description", "description-help")}
        >
          {v("description")}
        </textarea>
        <small id="description-help">{t("form.descriptionHelp")}</small>
        <FieldError lang={p.lang} id="description" error={e.description} />
        <div class="hp" aria-hidden="true">
          <label for="website">{t("form.honeypot")}</label>
          <input
            id="website"
            name="website"
            tabindex={-1}
            autocomplete="off"
          />
        </div>
        <button type="submit">{t("form.submit")}</button>
      </form>
    </>
  );
}

/** A heading and one paragraph: thanks, limits, invalid links. */
export function Notice(
  p: { lang: Lang; title: RequestsKey; body: RequestsKey; minutes?: number },
) {
  const t = requestsCatalogue.translator(p.lang);
  return (
    <>
      <h1>{t(p.title)}</h1>
      <p role="status">{t(p.body, { minutes: p.minutes ?? 60 })}</p>
      <p>
        <a href="/request">{t("form.title")}</a>
      </p>
    </>
  );
}

/** The verification link's page: one button that spends the token. */
export function VerifyPage(p: { lang: Lang; token: string }) {
  const t = requestsCatalogue.translator(p.lang);
  return (
    <>
      <h1>{t("verify.title")}</h1>
      <p>{t("verify.body")}</p>
      <form method="post" action={`/request/verify/${p.token}`}>
        <button type="submit">{t("verify.submit")}</button>
      </form>
    </>
  );
}

export function VerifiedPage(p: { lang: Lang; statusPath: string }) {
  const t = requestsCatalogue.translator(p.lang);
  return (
    <>
      <h1>{t("verified.title")}</h1>
      <p role="status">{t("verified.body")}</p>
      <p>
        <a href={p.statusPath}>{t("verified.open")}</a>
      </p>
    </>
  );
}

export interface StatusView {
  publicId: string;
  state: string;
  receivedAt: Date;
  dueAt: Date;
  closedAt: Date | null;
  messages: { at: Date; kind: string; details: Record<string, unknown> }[];
  answer: string | null;
  denialCode: string | null;
  denialExplanation: string | null;
  completion: string | null;
  canWithdraw: boolean;
}

export function StatusPage(
  p: { lang: Lang; zone: string; token: string; status: StatusView },
) {
  const t = requestsCatalogue.translator(p.lang);
  const s = p.status;
  const message = (m: StatusView["messages"][number]) => {
    const key = `msg.${m.kind}`;
    return requestsCatalogue.has(key)
      ? t(key, { due: String(m.details.due ?? "") })
      : m.kind;
  };
  return (
    <>
      <h1>{t("status.title", { ref: s.publicId })}</h1>
      <dl>
        <dt>{t("status.state")}</dt>
        <dd data-state={s.state}>{t(`state.${s.state}` as RequestsKey)}</dd>
        <dt>{t("status.received")}</dt>
        <dd>
          <Time at={s.receivedAt} zone={p.zone} />
        </dd>
        <dt>{t("status.due")}</dt>
        <dd>
          <Time at={s.dueAt} zone={p.zone} precision="day" />
        </dd>
        {s.closedAt && (
          <>
            <dt>{t("status.closed")}</dt>
            <dd>
              <Time at={s.closedAt} zone={p.zone} />
            </dd>
          </>
        )}
      </dl>
      {s.denialCode && (
        <section>
          <h2>{t("status.denial")}</h2>
          <p>{t(`denial.${s.denialCode}` as RequestsKey)}</p>
          <p class="pre">{s.denialExplanation}</p>
        </section>
      )}
      {s.answer && (
        <section>
          <h2>{t("status.answer")}</h2>
          <p class="pre">{s.answer}</p>
        </section>
      )}
      {s.completion && !s.answer && (
        <section>
          <h2>{t("status.completion")}</h2>
          <p>{s.completion}</p>
        </section>
      )}
      <section>
        <h2>{t("status.messages")}</h2>
        {s.messages.length === 0 ? <p>{t("status.noMessages")}</p> : (
          <ul>
            {s.messages.map((m) => (
              <li>
                <Time at={m.at} zone={p.zone} /> — {message(m)}
              </li>
            ))}
          </ul>
        )}
      </section>
      {s.canWithdraw && (
        <form
          method="post"
          action={`/request/status/${p.token}/withdraw`}
        >
          <label>
            <input type="checkbox" name="confirm" value="yes" required />
            {t("status.withdrawConfirm")}
          </label>
          <button type="submit" class="secondary">
            {t("status.withdraw")}
          </button>
        </form>
      )}
      <p>
        <a href={`/request/status/${p.token}/json`}>{t("status.json")}</a>
      </p>
    </>
  );
}
