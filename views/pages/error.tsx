import type { Lang, MessageKey } from "../i18n.ts";
import { catalogue, translator } from "../i18n.ts";
import { roleName } from "../words.ts";
import { refusalMessage, type RefusalReason } from "./error_messages.ts";

export interface ErrorProps {
  lang: Lang;
  status: number;
  requestId: string;
  /** Why a 4xx refused the request, when known. */
  reason?: RefusalReason;
  /**
   * Why a 403 forbade it: the missing permission (its code), an address
   * outside the allow-list, a cross-site form, an undeclared route.
   */
  forbidden?: {
    reason: "permission" | "network" | "csrf" | "undeclared";
    permission?: string;
  };
  /** The signed-in person's role, to say what it lacks. */
  role?: string | null;
}

const KNOWN = new Set([403, 404, 413, 500, 504]);

/** The page title of an error status ("Page not found", not "404"). */
export function errorTitle(lang: Lang, status: number): string {
  const t = translator(lang);
  if (status === 400 || status === 429) {
    return refusalMessage(lang, `${status}.title`);
  }
  const code = KNOWN.has(status) ? String(status) : "generic";
  return t(`error.${code}.title` as MessageKey);
}

/** An error page that names the problem and a reference, never a stack or SQL. */
export function ErrorPage(props: ErrorProps) {
  const t = translator(props.lang);
  const code = KNOWN.has(props.status) ? String(props.status) : "generic";
  const why = props.reason
    ? refusalMessage(props.lang, props.reason)
    : props.status === 429
    ? refusalMessage(props.lang, "429.body")
    : props.status === 403
    ? forbiddenText(props)
    : null;
  return (
    <article>
      <h1>{errorTitle(props.lang, props.status)}</h1>
      <p>{why ?? t(`error.${code}.body` as MessageKey)}</p>
      {props.status >= 500 && (
        <p>
          {t("error.reference")}: <code>{props.requestId}</code>
        </p>
      )}
      <p>
        <a href="/">{t("error.home")}</a>
      </p>
    </article>
  );
}

function forbiddenText(p: ErrorProps): string {
  const t = translator(p.lang);
  const f = p.forbidden;
  if (f?.reason === "permission" && f.permission) {
    const key = `permission.${f.permission}`;
    const described = catalogue.has(key) ? t(key) : f.permission;
    return t(p.role ? "error.403.permission" : "error.403.permission.noRole", {
      permission: described,
      code: f.permission,
      role: p.role ? roleName(p.lang, p.role) : "",
    });
  }
  if (f?.reason === "network") return t("error.403.network");
  if (f?.reason === "csrf") return t("error.403.csrf");
  return t("error.403.body");
}
