// The one layout every full page renders through. HTMX fragments reuse the
// same components without it.
import type { Child } from "hono/jsx";
import { raw } from "hono/html";
import { type Lang, LANGS, type MessageKey, translator } from "./i18n.ts";
import { roleName } from "./words.ts";

export interface NavItem {
  href: string;
  label: MessageKey;
}

export interface LayoutProps {
  title: string;
  lang: Lang;
  nonce: string;
  path: string;
  nav: NavItem[];
  /** The signed-in staff member, or null on public pages. */
  user?: { displayName: string; role: string } | null;
  /**
   * The stores the signed-in person may open. The switcher shows only when
   * there is a choice (two or more), never on public pages.
   */
  stores?: { id: string; name: string }[];
  /** The store the page is about, if any (marked in the switcher). */
  currentStoreId?: string | null;
  children?: Child;
}

const LANG_LABEL: Record<Lang, string> = { en: "English", "zh-CN": "简体中文" };

/**
 * The document title: the page's, then the portal's name, once ("Custodian"
 * alone when the page has no title of its own).
 */
export function documentTitle(title: string, appName: string): string {
  const own = title.trim();
  return !own || own === appName || own.endsWith(` · ${appName}`)
    ? own || appName
    : `${own} · ${appName}`;
}

/** Full HTML page: header with navigation, store switcher and language. */
export function Layout(props: LayoutProps) {
  const t = translator(props.lang);
  const stores = props.user ? props.stores ?? [] : [];
  const current = stores.find((s) => s.id === props.currentStoreId);
  return (
    <>
      {raw("<!DOCTYPE html>")}
      <html lang={props.lang}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta
            name="htmx-config"
            content='{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false}'
          />
          <title>{documentTitle(props.title, t("app.name"))}</title>
          <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
          <link rel="stylesheet" href="/static/vendor/pico.min.css" />
          <link rel="stylesheet" href="/static/app.css" />
          <script src="/static/vendor/htmx.min.js" nonce={props.nonce} defer>
          </script>
          <script src="/static/copy.js" nonce={props.nonce} defer></script>
        </head>
        <body>
          <a class="skip-link" href="#main">{t("nav.skip")}</a>
          <header class="container">
            <nav aria-label={t("nav.main")}>
              <ul>
                <li>
                  <a href={props.user ? "/" : "/auth/signin"} class="brand">
                    <strong>{t("app.name")}</strong>
                  </a>
                </li>
                {props.nav.map((item) => (
                  <li>
                    <a
                      href={item.href}
                      aria-current={props.path === item.href
                        ? "page"
                        : undefined}
                    >
                      {t(item.label)}
                    </a>
                  </li>
                ))}
              </ul>
              <ul>
                {props.user && (
                  <li>
                    <details class="dropdown">
                      <summary>{props.user.displayName}</summary>
                      <ul dir="rtl">
                        <li>
                          <small>{roleName(props.lang, props.user.role)}</small>
                        </li>
                        <li>
                          <a href="/account">{t("nav.account")}</a>
                        </li>
                        <li>
                          <form method="post" action="/auth/signout">
                            <button type="submit" class="link">
                              {t("auth.signout")}
                            </button>
                          </form>
                        </li>
                        <li>
                          <form method="post" action="/auth/signout-everywhere">
                            <button type="submit" class="link">
                              {t("auth.signout.everywhere")}
                            </button>
                          </form>
                        </li>
                      </ul>
                    </details>
                  </li>
                )}
                {stores.length > 1 && (
                  <li>
                    <details class="dropdown" id="store-switcher">
                      <summary aria-label={t("nav.store")}>
                        {current?.name ?? t("nav.allStores")}
                      </summary>
                      <ul>
                        <li>
                          <a
                            href="/stores"
                            aria-current={current ? undefined : "page"}
                          >
                            {t("nav.allStores")}
                          </a>
                        </li>
                        {stores.map((s) => (
                          <li>
                            <a
                              href={`/stores/${s.id}`}
                              aria-current={s.id === current?.id
                                ? "page"
                                : undefined}
                            >
                              {s.name}
                            </a>
                          </li>
                        ))}
                      </ul>
                    </details>
                  </li>
                )}
                <li>
                  <form method="post" action="/lang" class="inline">
                    <input type="hidden" name="next" value={props.path} />
                    <select name="lang" aria-label={t("nav.language")}>
                      {LANGS.map((l) => (
                        <option value={l} selected={l === props.lang}>
                          {LANG_LABEL[l]}
                        </option>
                      ))}
                    </select>
                    <button type="submit" class="secondary outline">
                      {t("nav.switch")}
                    </button>
                  </form>
                </li>
              </ul>
            </nav>
          </header>
          <main id="main" class="container">{props.children}</main>
          <footer class="container">
            <small>{t("app.tagline")}</small>
          </footer>
        </body>
      </html>
    </>
  );
}
