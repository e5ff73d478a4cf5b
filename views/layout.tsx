// The one layout every full page renders through: the app shell (a top bar
// with the store switcher, the language and the user menu; a left
// navigation grouped by area; the page in the middle). HTMX fragments reuse
// the same components without it. Works without JavaScript: the user menu
// and the narrow-screen navigation are <details>, the switcher a GET form.
import type { Child } from "hono/jsx";
import { raw } from "hono/html";
import { type Lang, LANGS, type MessageKey, translator } from "./i18n.ts";
import { roleName } from "./words.ts";

export interface NavItem {
  href: string;
  label: MessageKey;
}

/** One area of the navigation (Overview, Sales, …) with its entries. */
export interface NavGroup {
  label: MessageKey;
  items: NavItem[];
}

/**
 * The store switcher: a GET form to `action` that keeps the other query
 * parameters (`keep`) and sets `?store=` (empty: every granted store).
 */
export interface StoreSwitcher {
  stores: { id: string; name: string }[];
  /** The store shown, or null for all of them. */
  selected: string | null;
  action: string;
  keep: [string, string][];
}

export interface LayoutProps {
  title: string;
  lang: Lang;
  nonce: string;
  /** The current path with its query string (the language form returns here). */
  path: string;
  nav: NavGroup[];
  /** The signed-in staff member, or null on public pages. */
  user?: { displayName: string; role: string } | null;
  /** Shown only to someone with two or more stores, never on public pages. */
  switcher?: StoreSwitcher | null;
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

/** Whether `href` is the page at `path` or an ancestor of it. */
function isCurrent(path: string, href: string): boolean {
  const bare = path.split("?")[0];
  const target = href.split("?")[0];
  return target === "/"
    ? bare === "/"
    : bare === target || bare.startsWith(`${target}/`);
}

/** Full HTML page in the app shell. */
export function Layout(props: LayoutProps) {
  const t = translator(props.lang);
  const switcher = props.user && props.switcher &&
      props.switcher.stores.length > 1
    ? props.switcher
    : null;
  const signedIn = Boolean(props.user);
  // The most specific entry is the current one (/stores/x/sync is Sync).
  const current = props.nav.flatMap((g) => g.items).filter((i) =>
    isCurrent(props.path, i.href)
  ).sort((a, b) => b.href.length - a.href.length)[0]?.href;
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
        <body class={signedIn ? "shell" : "shell public"}>
          <a class="skip-link" href="#main">{t("nav.skip")}</a>
          <header class="topbar">
            <a href={signedIn ? "/" : "/auth/signin"} class="brand">
              {t("app.name")}
            </a>
            {switcher && (
              <form
                method="get"
                action={switcher.action}
                class="store-switcher"
                id="store-switcher"
              >
                {switcher.keep.map(([name, value]) => (
                  <input type="hidden" name={name} value={value} />
                ))}
                <select name="store" aria-label={t("nav.storeSwitcher")}>
                  <option value="" selected={switcher.selected === null}>
                    {t("nav.allStores")}
                  </option>
                  {switcher.stores.map((s) => (
                    <option value={s.id} selected={s.id === switcher.selected}>
                      {s.name}
                    </option>
                  ))}
                </select>
                <button type="submit" class="secondary">{t("nav.show")}</button>
              </form>
            )}
            <span class="topbar-spacer"></span>
            {props.user && (
              <a
                href="/incidents/report"
                class="report-incident"
                data-testid="report-incident"
              >
                {t("nav.reportIncident")}
              </a>
            )}
            <form method="post" action="/lang" class="lang-form">
              <input type="hidden" name="next" value={props.path} />
              <select name="lang" aria-label={t("nav.language")}>
                {LANGS.map((l) => (
                  <option value={l} selected={l === props.lang}>
                    {LANG_LABEL[l]}
                  </option>
                ))}
              </select>
              <button type="submit" class="secondary">{t("nav.switch")}</button>
            </form>
            {props.user && (
              <details class="user-menu">
                <summary>
                  <span class="avatar" aria-hidden="true">
                    {initials(props.user.displayName)}
                  </span>
                  <span class="user-name">{props.user.displayName}</span>
                </summary>
                <div class="menu">
                  <p class="menu-who">
                    <strong>{props.user.displayName}</strong>
                    <br />
                    <small>{roleName(props.lang, props.user.role)}</small>
                  </p>
                  <a href="/account">{t("nav.account")}</a>
                  <form method="post" action="/auth/signout">
                    <button type="submit" class="link">
                      {t("auth.signout")}
                    </button>
                  </form>
                  <form method="post" action="/auth/signout-everywhere">
                    <button type="submit" class="link">
                      {t("auth.signout.everywhere")}
                    </button>
                  </form>
                </div>
              </details>
            )}
          </header>
          <div class="shell-body">
            {signedIn && (
              <nav class="sidenav" aria-label={t("nav.main")}>
                <details open>
                  <summary>{t("nav.menu")}</summary>
                  {props.nav.map((group) => (
                    <section class="nav-group">
                      <h2>{t(group.label)}</h2>
                      <ul>
                        {group.items.map((item) => (
                          <li>
                            <a
                              href={item.href}
                              aria-current={item.href === current
                                ? "page"
                                : undefined}
                            >
                              {t(item.label)}
                            </a>
                          </li>
                        ))}
                      </ul>
                    </section>
                  ))}
                </details>
              </nav>
            )}
            <main id="main">{props.children}</main>
          </div>
          <footer class="shell-footer">
            <small>{t("app.tagline")}</small>
            <nav class="footer-links" aria-label={t("footer.label")}>
              <a href="/policy">{t("footer.policy")}</a>
              <a href="/privacy">{t("footer.privacy")}</a>
              <a href="/terms">{t("footer.terms")}</a>
            </nav>
          </footer>
        </body>
      </html>
    </>
  );
}

/** "Mei Chen" → "MC" (the user menu's round mark). */
function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1
    ? [parts[0], parts[parts.length - 1]].map((p) => [...p][0])
    : [...(parts[0] ?? "?")].slice(0, 2);
  return letters.join("").toUpperCase();
}
