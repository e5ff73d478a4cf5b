import type { Lang, MessageKey } from "../i18n.ts";
import { translator } from "../i18n.ts";

export interface ErrorProps {
  lang: Lang;
  status: number;
  requestId: string;
}

const KNOWN = new Set([404, 413, 500, 504]);

/** An error page that names the problem and a reference, never a stack or SQL. */
export function ErrorPage(props: ErrorProps) {
  const t = translator(props.lang);
  const code = KNOWN.has(props.status) ? String(props.status) : "generic";
  return (
    <article>
      <h1>{t(`error.${code}.title` as MessageKey)}</h1>
      <p>{t(`error.${code}.body` as MessageKey)}</p>
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
