// The permission matrix, as one overview (PocketBase's rules page): who may
// do what. A permission that no route requires yet says so, and which
// feature brings it. What each address requires is there for auditors,
// behind a disclosure.
import type { Lang } from "../i18n.ts";
import { translator } from "../i18n.ts";
import { roleName } from "../words.ts";

export interface RolesProps {
  lang: Lang;
  permissions: {
    name: string;
    description: string;
    /** Set while no route requires the permission: why, and what brings it. */
    notUsedYet: string | null;
  }[];
  roles: {
    name: string;
    description: string;
    allStores: boolean;
    permissions: string[];
  }[];
  routes: { route: string; access: string }[];
}

export function RolesPage(p: RolesProps) {
  const t = translator(p.lang);
  return (
    <>
      <hgroup>
        <h1>{t("roles.title")}</h1>
        <p>{t("roles.intro")}</p>
      </hgroup>
      <div class="overflow-auto">
        <table class="striped matrix">
          <thead>
            <tr>
              <th scope="col">{t("roles.permission")}</th>
              {p.roles.map((r) => (
                <th scope="col" title={r.description}>
                  {roleName(p.lang, r.name)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">{t("roles.allStores")}</th>
              {p.roles.map((r) => (
                <td>
                  <span aria-hidden="true">{r.allStores ? "✓" : "—"}</span>
                  <span class="visually-hidden">
                    {r.allStores ? t("roles.yes") : t("roles.no")}
                  </span>
                </td>
              ))}
            </tr>
            {p.permissions.map((perm) => (
              <tr>
                <th scope="row">
                  {perm.description}
                  <br />
                  <small>
                    <code>{perm.name}</code>
                  </small>
                  {perm.notUsedYet && (
                    <>
                      <br />
                      <small class="not-used-yet">
                        <em>{perm.notUsedYet}</em>
                      </small>
                    </>
                  )}
                </th>
                {p.roles.map((r) => (
                  <td>
                    <span aria-hidden="true">
                      {r.permissions.includes(perm.name) ? "✓" : "—"}
                    </span>
                    <span class="visually-hidden">
                      {r.permissions.includes(perm.name)
                        ? t("roles.yes")
                        : t("roles.no")}
                    </span>
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <details id="auditor-details">
        <summary>{t("roles.auditorDetails")}</summary>
        <p>{t("roles.auditorDetails.intro")}</p>
        <h2>{t("roles.routes")}</h2>
        <div class="overflow-auto">
          <table class="striped">
            <thead>
              <tr>
                <th scope="col">{t("roles.route")}</th>
                <th scope="col">{t("roles.requires")}</th>
              </tr>
            </thead>
            <tbody>
              {p.routes.map((r) => (
                <tr>
                  <td>
                    <code>{r.route}</code>
                  </td>
                  <td>
                    <code>{r.access}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </>
  );
}
