import type { Lang, MessageKey } from "../i18n.ts";
import { translator } from "../i18n.ts";
import { refusalMessage, type RefusalReason } from "./error_messages.ts";

export interface ErrorProps {
  lang: Lang;
  status: number;
  requestId: string;
  /** Why a 4xx refused the request, when known. */
  reason?: RefusalReason;
}

const KNOWN = new Set([404, 413, 500, 504]);

/** An error page that names the problem and a reference, never a stack or SQL. */
export function ErrorPage(props: ErrorProps) {
  const t = translator(props.lang);
  const code = KNOWN.has(props.status) ? String(props.status) : "generic";
  const refused = props.status === 400 || props.status === 429
    ? refusalMessage(props.lang, `${props.status}.title`)
    : null;
  const why = props.reason
    ? refusalMessage(props.lang, props.reason)
    : props.status === 429
    ? refusalMessage(props.lang, "429.body")
    : null;
  return (
    <article>
      <h1>{refused ?? t(`error.${code}.title` as MessageKey)}</h1>
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
