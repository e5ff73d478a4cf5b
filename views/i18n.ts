// English and Simplified Chinese. Views look messages up by key; a missing
// Chinese message falls back to English (a test keeps the two in step).
export type Lang = "en" | "zh-CN";
export const LANGS: readonly Lang[] = ["en", "zh-CN"];

const en = {
  "app.name": "Custodian",
  "app.tagline": "Our own Amazon seller data, under our Data Policy",
  "nav.dashboard": "Dashboard",
  "nav.main": "Main navigation",
  "nav.store": "Store",
  "nav.allStores": "All my stores",
  "nav.language": "Language",
  "nav.switch": "Switch",
  "home.title": "Dashboard",
  "home.intro":
    "Custodian syncs the company's own Amazon stores and shows that data to staff by job role, enforcing every promise of the Data Policy.",
  "home.engine": "Database engine",
  "home.policy": "What the portal enforces",
  "policy.isolation": "Store isolation by row-level security in the database",
  "policy.vault": "Credentials and buyer data encrypted in the vault",
  "policy.retention": "Retention and purge on the policy's clock",
  "policy.audit": "An append-only, hash-chained audit trail",
  "error.404.title": "Page not found",
  "error.404.body":
    "There is no page at this address, or you do not have access to it.",
  "error.500.title": "Something went wrong",
  "error.500.body":
    "The server could not complete this request. Nothing was changed. If it happens again, give this reference to an administrator:",
  "error.413.title": "Request too large",
  "error.413.body": "The request was larger than this server accepts.",
  "error.504.title": "The request took too long",
  "error.504.body":
    "The server stopped waiting. Nothing was lost; try again in a moment.",
  "error.generic.title": "Request refused",
  "error.generic.body": "The server could not accept this request.",
  "error.reference": "Reference",
  "error.home": "Back to the dashboard",
} as const;

export type MessageKey = keyof typeof en;

const zhCN: Partial<Record<MessageKey, string>> = {
  "app.tagline": "依据数据政策管理我们自己的亚马逊卖家数据",
  "nav.dashboard": "仪表盘",
  "nav.main": "主导航",
  "nav.store": "店铺",
  "nav.allStores": "我的全部店铺",
  "nav.language": "语言",
  "nav.switch": "切换",
  "home.title": "仪表盘",
  "home.intro":
    "Custodian 同步公司自有的亚马逊店铺，并按岗位角色向员工展示数据，落实数据政策的每一项承诺。",
  "home.engine": "数据库引擎",
  "home.policy": "门户落实的内容",
  "policy.isolation": "数据库行级安全实现的店铺隔离",
  "policy.vault": "凭证与买家数据在保险库中加密",
  "policy.retention": "按政策时限保留与清除",
  "policy.audit": "只可追加、哈希链接的审计记录",
  "error.404.title": "页面不存在",
  "error.404.body": "此地址没有页面，或您无权访问。",
  "error.500.title": "出现错误",
  "error.500.body":
    "服务器无法完成此请求，未做任何更改。如再次发生，请将此编号提供给管理员：",
  "error.413.title": "请求过大",
  "error.413.body": "请求超出了服务器允许的大小。",
  "error.504.title": "请求超时",
  "error.504.body": "服务器已停止等待。没有数据丢失，请稍后重试。",
  "error.generic.title": "请求被拒绝",
  "error.generic.body": "服务器无法接受此请求。",
  "error.reference": "编号",
  "error.home": "返回仪表盘",
};

export const messages: Record<Lang, Partial<Record<MessageKey, string>>> = {
  en,
  "zh-CN": zhCN,
};

/** Returns a translator for one language. */
export function translator(lang: Lang): (key: MessageKey) => string {
  return (key) => messages[lang][key] ?? en[key];
}

/** Picks a language from a cookie value, then Accept-Language, then English. */
export function pickLang(
  cookie: string | undefined,
  acceptLanguage: string | undefined,
): Lang {
  if (cookie && (LANGS as readonly string[]).includes(cookie)) {
    return cookie as Lang;
  }
  const first = (acceptLanguage ?? "").split(",")[0]?.trim().toLowerCase();
  return first?.startsWith("zh") ? "zh-CN" : "en";
}
