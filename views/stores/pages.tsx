// The stores a principal may see, and one store's overview.
import type { Lang } from "../i18n.ts";
import { translator } from "../i18n.ts";

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

export function StoreListPage(p: StoreListProps) {
  const t = translator(p.lang);
  return (
    <>
      <h1>{t("stores.title")}</h1>
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
                    <span class="badge">{s.status}</span>
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
  store: {
    name: string;
    sellerId: string;
    region: string;
    status: string;
    brand: string | null;
    createdAt: string;
    marketplaces: {
      marketplaceId: string;
      countryCode: string;
      defaultCurrency: string;
      domain: string;
    }[];
    counts: Record<string, number>;
  };
}

export function StoreDetailPage(p: StoreDetailProps) {
  const t = translator(p.lang);
  const s = p.store;
  return (
    <>
      <hgroup>
        <h1>{s.name}</h1>
        <p>
          <code>{s.sellerId}</code> · {s.region} · {s.status}
          {s.brand ? ` · ${s.brand}` : ""}
        </p>
      </hgroup>
      <h2>{t("stores.marketplaces")}</h2>
      {s.marketplaces.length === 0
        ? <p class="empty">{t("stores.noMarketplaces")}</p>
        : (
          <ul>
            {s.marketplaces.map((m) => (
              <li>
                {m.domain} ({m.countryCode}, {m.defaultCurrency}) —{" "}
                <code>{m.marketplaceId}</code>
              </li>
            ))}
          </ul>
        )}
      <h2>{t("stores.data")}</h2>
      <table class="striped">
        <tbody>
          {Object.entries(s.counts).map(([table, n]) => (
            <tr>
              <th scope="row">
                <code>{table}</code>
              </th>
              <td>{n.toLocaleString(p.lang)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
