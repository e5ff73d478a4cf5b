// The permission matrix and the route table, as one overview (PocketBase's
// rules page): who may do what, and what each address requires. A
// permission that no route requires yet says so, and which feature brings it.
import type { Lang } from "../i18n.ts";
import { translator } from "../i18n.ts";

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
                <th scope="col" title={r.description}>{r.name}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">{t("roles.allStores")}</th>
              {p.roles.map((r) => <td>{r.allStores ? "✓" : "—"}</td>)}
            </tr>
            {p.permissions.map((perm) => (
              <tr>
                <th scope="row">
                  <code>{perm.name}</code>
                  <br />
                  <small>{perm.description}</small>
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
                  <td
                    aria-label={`${r.name} ${perm.name}: ${
                      r.permissions.includes(perm.name) ? "yes" : "no"
                    }`}
                  >
                    {r.permissions.includes(perm.name) ? "✓" : "—"}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>{t("roles.routes")}</h2>
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
    </>
  );
}
