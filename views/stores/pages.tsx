// The stores a principal may see, and one store's overview.
import type { Lang } from "../i18n.ts";
import { translator } from "../i18n.ts";
import { StateBadge } from "../badge.tsx";
import { formatNumber, UTC } from "../format.ts";
import { TimeIn } from "../time.tsx";
import { word } from "../words.ts";

export interface StoreListProps {
  lang: Lang;
  stores: {
    id: string;
    name: string;
    sellerId: string;
    region: string;
    status: string;
  }[];
}

export function StoreListPage(p: StoreListProps & { canRegister?: boolean }) {
  const t = translator(p.lang);
  return (
    <>
      <h1>{t("stores.title")}</h1>
      {p.canRegister && (
        <p>
          <a role="button" href="/stores/new">{t("stores.register.title")}</a>
        </p>
      )}
      {p.stores.length === 0
        ? <p class="empty">{t("home.noStores")}</p>
        : (
          <table class="striped">
            <thead>
              <tr>
                <th scope="col">{t("stores.name")}</th>
                <th scope="col">{t("stores.seller")}</th>
                <th scope="col">{t("stores.region")}</th>
                <th scope="col">{t("stores.status")}</th>
              </tr>
            </thead>
            <tbody>
              {p.stores.map((s) => (
                <tr>
                  <td>
                    <a href={`/stores/${s.id}`}>{s.name}</a>
                  </td>
                  <td>
                    <code>{s.sellerId}</code>
                  </td>
                  <td>{s.region}</td>
                  <td>
                    <StateBadge lang={p.lang} kind="store" state={s.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
    </>
  );
}

export interface StoreDetailProps {
  lang: Lang;
  /** The reader's time zone. */
  zone?: string;
  storeId: string;
  store: {
    name: string;
    sellerId: string;
    region: string;
    status: string;
    brand: string | null;
    createdAt: Date;
    primaryMarketplaceId: string | null;
    marketplaces: {
      marketplaceId: string;
      countryCode: string;
      defaultCurrency: string;
      domain: string;
    }[];
    counts: Record<string, number>;
  };
  /** Link to the store's sync page (sync.read). */
  syncHref?: string;
  syncLabel?: string;
  /** Link to the store's restock settings (stores.manage). */
  restockHref?: string;
  restockLabel?: string;
  /** Shows the primary-marketplace form (stores.manage). */
  canManage?: boolean;
  /** Problems of a refused primary-marketplace change, in words. */
  primaryErrors?: string[];
}

export function StoreDetailPage(p: StoreDetailProps) {
  const t = translator(p.lang);
  const s = p.store;
  return (
    <>
      <hgroup>
        <h1>{s.name}</h1>
        <p>
          <StateBadge lang={p.lang} kind="store" state={s.status} /> ·{" "}
          <code>{s.sellerId}</code> · {s.region}
          {s.brand ? ` · ${s.brand}` : ""} ·{" "}
          <TimeIn
            text={(at) => t("stores.added", { at })}
            at={s.createdAt}
            zone={p.zone ?? UTC}
          />
        </p>
      </hgroup>
      {(p.syncHref || p.restockHref) && (
        <p>
          {p.syncHref && (
            <a href={p.syncHref} role="button" class="outline">
              {p.syncLabel}
            </a>
          )} {p.restockHref && <a href={p.restockHref}>{p.restockLabel}</a>}
        </p>
      )}
      <h2>{t("stores.marketplaces")}</h2>
      {s.marketplaces.length === 0
        ? <p class="empty">{t("stores.noMarketplaces")}</p>
        : (
          <ul>
            {s.marketplaces.map((m) => (
              <li>
                {m.domain} ({m.countryCode}, {m.defaultCurrency}) —{" "}
                <code>{m.marketplaceId}</code>
                {m.marketplaceId === s.primaryMarketplaceId && (
                  <>
                    {" "}
                    <mark data-primary>{t("stores.primary.badge")}</mark>
                  </>
                )}
              </li>
            ))}
          </ul>
        )}
      {p.canManage && s.marketplaces.length > 0 && (
        <form
          method="post"
          action={`/stores/${p.storeId}/primary-marketplace`}
          id="primary-marketplace"
        >
          <label>
            {t("stores.primary")}
            <select
              name="marketplaceId"
              aria-describedby="primary-help"
              aria-invalid={p.primaryErrors?.length ? "true" : undefined}
            >
              {s.marketplaces.map((m) => (
                <option
                  value={m.marketplaceId}
                  selected={m.marketplaceId === s.primaryMarketplaceId}
                >
                  {m.domain} ({m.countryCode})
                </option>
              ))}
            </select>
            <small id="primary-help">{t("stores.primary.help")}</small>
          </label>
          {p.primaryErrors && p.primaryErrors.length > 0 && (
            <ul role="alert" class="error">
              {p.primaryErrors.map((e) => <li>{e}</li>)}
            </ul>
          )}
          <button type="submit">{t("stores.primary.save")}</button>
        </form>
      )}
      <h2>{t("stores.data")}</h2>
      <p>
        <small>{t("stores.data.note")}</small>
      </p>
      <table class="striped" id="rows-held">
        <thead>
          <tr>
            <th scope="col">{t("disconnect.category")}</th>
            <th scope="col" class="num">{t("stores.data.rows")}</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(s.counts).map(([category, n]) => (
            <tr data-category={category}>
              <th scope="row">{word(p.lang, "category", category)}</th>
              <td class="num">{formatNumber(p.lang, n)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export interface RegisterStoreProps {
  lang: Lang;
  regions: {
    region: string;
    marketplaces: { id: string; label: string }[];
  }[];
  values?: {
    sellerId?: string;
    region?: string;
    name?: string;
    brand?: string;
    marketplaceIds?: string[];
    primaryMarketplaceId?: string;
  };
  errors?: string[];
  /** Problems in words by the field they belong to, shown at the field. */
  fieldErrors?: Partial<Record<"primaryMarketplaceId", string>>;
}

/** Registers one of the company's own seller accounts (Data Policy §2). */
export function RegisterStorePage(p: RegisterStoreProps) {
  const t = translator(p.lang);
  const v = p.values ?? {};
  return (
    <article>
      <hgroup>
        <h1>{t("stores.register.title")}</h1>
        <p>{t("stores.register.intro")}</p>
      </hgroup>
      {p.errors && p.errors.length > 0 && (
        <ul role="alert" class="error">
          {p.errors.map((e) => <li>{e}</li>)}
        </ul>
      )}
      <form method="post" action="/stores">
        <label>
          {t("stores.seller")}
          <input
            name="sellerId"
            required
            pattern="A[0-9A-Za-z]{8,20}"
            value={v.sellerId ?? ""}
            aria-describedby="seller-help"
          />
          <small id="seller-help">{t("stores.register.sellerHelp")}</small>
        </label>
        <label>
          {t("stores.name")}
          <input name="name" required maxlength={120} value={v.name ?? ""} />
        </label>
        <label>
          {t("stores.brand")}
          <input name="brand" maxlength={120} value={v.brand ?? ""} />
        </label>
        <label>
          {t("stores.region")}
          <select name="region">
            {p.regions.map((r) => (
              <option value={r.region} selected={v.region === r.region}>
                {r.region}
              </option>
            ))}
          </select>
        </label>
        {p.regions.map((r) => (
          <fieldset>
            <legend>
              {t("stores.marketplaces")} — {r.region}
            </legend>
            {r.marketplaces.map((m) => (
              <label>
                <input
                  type="checkbox"
                  name="marketplaceIds"
                  value={m.id}
                  checked={v.marketplaceIds?.includes(m.id)}
                />
                {m.label}
              </label>
            ))}
          </fieldset>
        ))}
        <label>
          {t("stores.primary")}
          <select
            name="primaryMarketplaceId"
            aria-describedby={p.fieldErrors?.primaryMarketplaceId
              ? "primary-help primary-error"
              : "primary-help"}
            aria-invalid={p.fieldErrors?.primaryMarketplaceId
              ? "true"
              : undefined}
          >
            <option value="">{t("stores.primary.first")}</option>
            {p.regions.map((r) => (
              <optgroup label={r.region}>
                {r.marketplaces.map((m) => (
                  <option
                    value={m.id}
                    selected={v.primaryMarketplaceId === m.id}
                  >
                    {m.label}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
          <small id="primary-help">{t("stores.primary.help")}</small>
          {p.fieldErrors?.primaryMarketplaceId && (
            <small id="primary-error" class="error">
              {p.fieldErrors.primaryMarketplaceId}
            </small>
          )}
        </label>
        <button type="submit">{t("stores.register.submit")}</button>
      </form>
    </article>
  );
}
