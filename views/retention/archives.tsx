// /archives: the cold archives of disconnected stores, from their manifests
// (store, category, rows, created, expires; never content), each with a
// download form (reason and confirmation) for those who hold
// archives.download. Plain data in, HTML out.
import type { Lang } from "../i18n.ts";
import { UTC } from "../format.ts";
import { Time } from "../time.tsx";
import { retentionCatalogue } from "./messages.ts";

export interface ArchivesPageProps {
  lang: Lang;
  /** The reader's time zone. */
  zone?: string;
  canDownload: boolean;
  error?: "reason" | "reason_text" | "confirm" | null;
  archives: {
    storeId: string;
    storeName: string;
    disconnectionId: string;
    category: string;
    rows: number;
    createdAt: Date;
    expiresAt: Date;
  }[];
}

export function ArchivesPage(p: ArchivesPageProps) {
  const t = retentionCatalogue.translator(p.lang);
  return (
    <>
      <hgroup>
        <h1>{t("archives.title")}</h1>
        <p>{t("archives.intro")}</p>
      </hgroup>
      {p.error && (
        <p role="alert" class="error">{t(`archives.error.${p.error}`)}</p>
      )}
      {p.archives.length === 0
        ? <p>{t("archives.none")}</p>
        : (
          <table class="striped">
            <thead>
              <tr>
                <th>{t("archives.col.store")}</th>
                <th>{t("archives.col.category")}</th>
                <th>{t("archives.col.rows")}</th>
                <th>{t("archives.col.created")}</th>
                <th>{t("archives.col.expires")}</th>
                {p.canDownload && <th>{t("archives.col.download")}</th>}
              </tr>
            </thead>
            <tbody>
              {p.archives.map((a) => (
                <tr>
                  <td>{a.storeName}</td>
                  <td>
                    <code>{a.category}</code>
                  </td>
                  <td>{String(a.rows)}</td>
                  <td>
                    <Time at={a.createdAt} zone={p.zone ?? UTC} />
                  </td>
                  <td>
                    <Time
                      at={a.expiresAt}
                      zone={p.zone ?? UTC}
                      precision="day"
                    />
                  </td>
                  {p.canDownload && (
                    <td>
                      <form method="post" action="/archives/download">
                        <input type="hidden" name="storeId" value={a.storeId} />
                        <input
                          type="hidden"
                          name="disconnectionId"
                          value={a.disconnectionId}
                        />
                        <input
                          type="hidden"
                          name="category"
                          value={a.category}
                        />
                        <input
                          name="reason"
                          required
                          minlength={5}
                          maxlength={500}
                          placeholder={t("archives.reason")}
                          aria-label={t("archives.reason")}
                        />
                        <label>
                          <input
                            type="checkbox"
                            name="confirm"
                            value="yes"
                            required
                          />
                          {t("archives.confirm")}
                        </label>
                        <button type="submit" class="secondary">
                          {t("archives.download")}
                        </button>
                      </form>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
    </>
  );
}
