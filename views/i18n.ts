// English and Simplified Chinese: the one message mechanism of the views.
// Each area keeps a catalogue (this file's, views/users/messages.ts,
// views/sync/messages.ts) made by `defineCatalogue`, whose Chinese half
// must have every key of the English one: a missing translation is a type
// error, not an English sentence on a Chinese page. `{name}` marks a value
// filled in from the parameters. lib/ returns codes (with parameters); the
// views turn them into sentences here.
export type Lang = "en" | "zh-CN";
export const LANGS: readonly Lang[] = ["en", "zh-CN"];

/** Values for a message's `{name}` placeholders. */
export type Params = Readonly<Record<string, string | number>>;

/** The messages of one area, in every language, and their lookup. */
export interface Catalogue<K extends string> {
  readonly messages: Readonly<Record<Lang, Readonly<Record<K, string>>>>;
  /**
   * The message `key` in `lang`, its `{name}` placeholders filled from
   * `params` (a placeholder without a value is left as it is).
   */
  t(lang: Lang, key: K, params?: Params): string;
  /** Whether `key` names a message (for codes that come from lib/). */
  has(key: string): key is K;
  /** `t` bound to one language. */
  translator(lang: Lang): (key: K, params?: Params) => string;
}

const PLACEHOLDER = /\{(\w+)\}/g;

/**
 * Makes a catalogue from its English messages and their Simplified Chinese
 * translations; the keys come from `en`, and `zh` must have them all.
 *
 * @example
 * const { t } = defineCatalogue({ "hi": "Hello {name}" }, { "hi": "你好，{name}" });
 * t("zh-CN", "hi", { name: "Li" }); // "你好，Li"
 */
export function defineCatalogue<K extends string>(
  en: Readonly<Record<K, string>>,
  zh: NoInfer<Readonly<Record<K, string>>>,
): Catalogue<K> {
  const messages = { en, "zh-CN": zh };
  const t = (lang: Lang, key: K, params: Params = {}) =>
    (messages[lang] ?? en)[key].replace(
      PLACEHOLDER,
      (all, name: string) =>
        Object.hasOwn(params, name) ? String(params[name]) : all,
    );
  return {
    messages,
    t,
    has: (key: string): key is K => Object.hasOwn(en, key),
    translator: (lang) => (key, params) => t(lang, key, params),
  };
}

const en = {
  "app.name": "Custodian",
  "app.tagline": "Our own Amazon seller data, under our Data Policy",
  "nav.dashboard": "Dashboard",
  "nav.audit": "Audit",
  "nav.compliance": "Compliance",
  "nav.users": "Users",
  "nav.accessReview": "Access review",
  "nav.roles": "Roles",
  "nav.jobs": "Jobs",
  "nav.retention": "Retention",
  "nav.documents": "Public documents",
  "nav.providers": "Service providers",
  "footer.policy": "Data Policy",
  "footer.privacy": "Privacy Policy",
  "footer.terms": "Terms of Service",
  "footer.label": "Policies",
  "nav.requests": "Data requests",
  "nav.incidents": "Incidents",
  "nav.reportIncident": "Report an incident",
  "nav.orders": "Orders",
  "nav.profit": "Profit",
  "nav.main": "Main navigation",
  "nav.store": "Store",
  "nav.allStores": "All my stores",
  "nav.language": "Language",
  "nav.switch": "Switch",
  "nav.skip": "Skip to content",
  "error.403.title": "You do not have permission",
  "error.403.body":
    "This is a permission problem: the portal does not allow this request for your account.",
  "error.403.permission":
    "This is a permission problem: this page or action needs the permission “{permission}” ({code}), which your role, {role}, does not include. Ask an owner or an administrator if your job needs it.",
  "error.403.permission.noRole":
    "This is a permission problem: this page or action needs the permission “{permission}” ({code}).",
  "error.403.network":
    "This is a network restriction: your address is not on the staff IP allow-list, so the staff area is closed to it. Connect from an allowed network (for example the company VPN).",
  "error.403.csrf":
    "The form was sent from another site, or from a page that is no longer current. Reload the page and send the form again.",
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
  "auth.signin.title": "Sign in to Custodian",
  "auth.signin.sso": "Single sign-on",
  "auth.signin.with": "Sign in with",
  "auth.signin.local": "Break-glass local account",
  "auth.signin.localHelp":
    "For emergencies, when single sign-on is unavailable, and for the first owner: an account an owner created, signed in with a password and an authenticator app (or a recovery code).",
  "auth.signin.submit": "Sign in",
  "auth.signin.failed":
    "Sign-in failed. Check the e-mail, password and code, or ask an administrator for an invitation.",
  "auth.signin.locked":
    "Too many failed attempts. Sign-in is locked for a while; try again later.",
  "auth.signin.sso_failed":
    "Single sign-on did not complete. Nothing was changed; please try again.",
  "auth.signin.not_invited":
    "This account has not been invited to Custodian. Ask an administrator for an invitation.",
  "auth.signin.expired": "Your session ended. Please sign in again.",
  "auth.email": "E-mail",
  "auth.name": "Your name",
  "auth.password": "Password",
  "auth.password.confirm": "Password again",
  "auth.password.rules":
    "At least 12 characters with lower case, upper case, digits and symbols; not your name or a common password.",
  "auth.password.mismatch": "The two passwords differ.",
  "password.problem.too_short": "Use at least {min} characters.",
  "password.problem.too_long": "Use at most {max} characters.",
  "password.problem.contains_user_name":
    "Do not use your name or e-mail address in the password.",
  "password.problem.too_few_character_classes":
    "Use lower case, upper case, digits and symbols, at least one of each.",
  "password.problem.common_password":
    "This password is too common; choose another.",
  "password.problem.too_soon": "The password can be changed only once a day.",
  "auth.code": "Authenticator code or recovery code",
  "auth.code.help":
    "Six digits from your authenticator app, or one of your recovery codes.",
  "auth.first.title": "Create the first owner",
  "auth.first.intro":
    "This one-time link sets up the first owner of this portal. Multi-factor sign-in is mandatory: after this step you add an authenticator app.",
  "auth.first.submit": "Continue",
  "auth.first.invalid":
    "This sign-in link is not valid: it was used already, expired after 15 minutes, a newer one was printed, or an owner exists. Restart the server to print a new one if no owner has finished setting up.",
  "auth.first.field.displayName":
    "Enter your name: 2 to 120 characters on one line.",
  "auth.first.field.email": "Enter a valid e-mail address.",
  "auth.first.field.password": "Enter the password twice.",
  "auth.first.email_taken":
    "That address belongs to an existing account; use another.",
  "auth.generic_address":
    "Use a personal address: shared or generic accounts are not allowed.",
  "auth.setup.title": "Set up your local account",
  "auth.setup.intro":
    "An owner created a break-glass account for you. Choose a password; next you add an authenticator app.",
  "auth.enroll.title": "Add an authenticator app",
  "auth.enroll.intro":
    "Add this secret to your authenticator app (or open the link on a phone that has one), then enter the six-digit code it shows.",
  "auth.enroll.link": "Open in an authenticator app",
  "auth.enroll.code": "Six-digit code",
  "auth.enroll.submit": "Confirm",
  "auth.enroll.bad_code":
    "That code did not match. Check the app's clock and try the next code.",
  "auth.enroll.expired":
    "This enrollment has expired. Start again from the sign-in link.",
  "auth.enroll.refused":
    "This account can no longer be set up: it was disabled or is set up already. Ask an owner.",
  "auth.recovery.title": "Your recovery codes",
  "auth.recovery.intro":
    "Each code signs you in once if you lose your authenticator. Store them somewhere safe now: they are not shown again.",
  "auth.recovery.continue": "Continue to the dashboard",
  "auth.signout": "Sign out",
  "auth.signout.everywhere": "Sign out everywhere",
  "roles.title": "Roles and permissions",
  "roles.intro":
    "Access by job role (Data Policy §5). Rows are permissions, columns are roles; hover a role for what it is for.",
  "roles.auditorDetails": "Details for auditors",
  "roles.auditorDetails.intro":
    "Every address of the portal and the permission it requires, as the access guard enforces them (routes/route_access.ts). An address missing from this table is served to nobody.",
  "roles.yes": "yes",
  "roles.no": "no",
  "roles.permission": "Permission",
  "roles.allStores": "Every store without a grant",
  "roles.routes": "Routes",
  "roles.route": "Route",
  "roles.requires": "Requires",
  "roles.notUsedYet": "Not used yet — arrives with {feature}.",
  "permission.dashboard.view": "See the dashboard of the stores granted",
  "permission.catalog.read": "Read products and listings",
  "permission.inventory.read": "Read FBA inventory",
  "permission.orders.read":
    "Read orders, order items and returns (no buyer personal data)",
  "permission.pii.reveal":
    "Reveal buyer personal data of an order, giving a reason",
  "permission.reports.read":
    "Read sales and traffic and Brand Analytics search terms",
  "permission.ads.read":
    "Read advertising campaigns, keywords, budgets, bids and metrics",
  "permission.finance.read": "Read settlements, fees and financial events",
  "permission.costs.manage":
    "Enter and import the cost of goods per SKU and the currency rates",
  "permission.export.csv": "Export lists as CSV",
  "permission.pii.export":
    "Include buyer personal data in an order export, giving a reason",
  "permission.sync.read": "See sync runs and API logs",
  "permission.sync.run": "Run a sync now or retry a failed one",
  "permission.stores.manage": "Register, connect and disconnect stores",
  "permission.credentials.manage": "Manage Amazon app credentials and tokens",
  "permission.users.manage":
    "Invite users, change roles, grant stores, disable users",
  "permission.access.review": "Run the periodic access review",
  "permission.retention.manage": "Set retention rules and legal holds",
  "permission.retention.deletion_request":
    "Record Amazon's deletion requests and download their certificates",
  "permission.requests.manage": "Handle data requests from outside the company",
  "permission.incidents.manage": "Record and handle security incidents",
  "permission.audit.read": "Read the audit trail and compliance pages",
  "permission.roles.read": "See the permission matrix",
  "permission.archives.download":
    "Download a disconnected store's encrypted archive, giving a reason",
  "permission.documents.publish":
    "Publish new versions of the Data Policy, Privacy Policy and Terms, and the company details they show",
  "permission.providers.manage":
    "Add, edit and retire service providers in the register",
  "role.owner": "Accountable for the portal; every permission",
  "role.admin": "Runs the portal: stores, credentials, users, retention",
  "role.operations": "Products, listings and inventory",
  "role.advertising": "Campaigns, keywords, budgets and bids",
  "role.finance": "Settlements, fees and reconciliation",
  "role.support": "Orders; may reveal buyer personal data with a reason",
  "role.auditor": "Audit trail and compliance pages; no buyer personal data",
  "role.viewer": "Read-only dashboard and catalog of the stores granted",
  "feature.dashboard": "the dashboard",
  "feature.catalog": "the catalog screens",
  "feature.inventory": "the inventory screens",
  "feature.orders": "the order screens",
  "feature.reports": "the sales and search-term reports",
  "feature.ads": "the advertising screens",
  "feature.finance": "the finance screens",
  "feature.exports": "CSV exports",
  "feature.sync": "the sync screens",
  "feature.stores": "the store screens",
  "feature.credentials": "the credential screens",
  "feature.users": "user management",
  "feature.access_review": "the access review",
  "feature.retention": "retention and legal holds",
  "feature.requests": "data requests",
  "feature.incidents": "incident response",
  "feature.audit": "the audit trail",
  "feature.roles": "the roles page",
  "feature.documents": "the public documents",
  "feature.providers": "the service-provider register",
  "home.noStores":
    "No store has been granted to you yet. Ask an administrator for access.",
  "home.overLimit":
    "Needs attention: data kept past its retention limit (Data Policy §9).",
  "home.overLimit.row": "{category}: {n} rows over the limit",
  "home.overLimit.link": "Open Retention",
  "audit.title": "Audit trail",
  "audit.intro":
    "Every sign-in, denial, change, reveal and export, append-only and hash-chained (Data Policy §8).",
  "audit.actor": "Actor",
  "audit.action": "Action",
  "audit.store": "Store",
  "audit.anyStore": "Any store",
  "audit.anyActor": "Anyone",
  "audit.from": "From",
  "audit.to": "To",
  "audit.filter": "Filter",
  "audit.reset": "Reset",
  "audit.export": "Export CSV",
  "audit.verify": "Verify the chain",
  "audit.verify.ok": "The chain is intact: every row's hash and link checked.",
  "audit.verify.broken": "The chain is broken at row",
  "audit.verify.checkpoint.ok": "It matches the last checkpoint, taken",
  "audit.verify.checkpoint.none": "No checkpoint has been taken yet.",
  "audit.verify.checkpoint.mismatch":
    "The trail does not match the last checkpoint, taken",
  "audit.empty": "No audit events match these filters.",
  "audit.time": "Time",
  "audit.target": "Target",
  "audit.outcome": "Outcome",
  "audit.details": "Details",
  "audit.pages": "Pages",
  "audit.older": "Older events",
  "audit.badFilter": "The filters are not valid; showing nothing.",
  "audit.badDate":
    "Enter a real date written YYYY-MM-DD, for example 2026-03-12.",
  "account.password.title": "Change your password",
  "account.password.sso":
    "You sign in through single sign-on; your identity provider manages your password.",
  "account.password.expired":
    "Your password is more than 365 days old. Choose a new one to continue.",
  "account.password.done": "Your password was changed.",
  "account.password.current": "Current password",
  "account.password.new": "New password",
  "account.password.submit": "Change password",
  "account.password.invalid": "Fill in every field.",
  "account.password.wrongCurrent": "The current password is not right.",
  "nav.account": "Your account",
  "nav.stores": "Stores",
  "stores.title": "Stores",
  "stores.name": "Name",
  "stores.seller": "Seller account",
  "stores.region": "Region",
  "stores.status": "Status",
  "stores.marketplaces": "Marketplaces",
  "stores.added": "added {at}",
  "stores.noMarketplaces": "No marketplace registered.",
  "stores.data": "Data held (row counts)",
  "stores.data.rows": "Rows held",
  "stores.data.note":
    "The rows this store holds now, per data category. A sync run counts the rows it wrote, updates included, so the numbers on the Sync pages add up to more than what is held.",
  "stores.brand": "Brand (if registered)",
  "stores.register.title": "Register an own seller account",
  "stores.register.intro":
    "Only the company's own seller accounts may be connected to Amazon here (Data Policy §2). Register the account and its marketplaces first.",
  "stores.register.sellerHelp":
    "The selling partner id (merchant token) from Seller Central, starting with A.",
  "stores.register.submit": "Register",
  "stores.problem.sellerId":
    "Seller id: a selling partner id (merchant token), like A1B2C3D4E5F6G7.",
  "stores.problem.region": "Region: choose NA, EU or FE.",
  "stores.problem.name":
    "Name: 2 to 120 characters, without control characters.",
  "stores.problem.brand":
    "Brand: at most 120 characters, without control characters.",
  "stores.problem.marketplaceIds": "Marketplaces: choose at least one.",
  "stores.problem.primaryMarketplaceId":
    "Primary marketplace: choose one of the marketplaces ticked below.",
  "stores.primary": "Primary marketplace",
  "stores.primary.help":
    "Products take their title and attributes from this marketplace; each listing keeps its own marketplace's values.",
  "stores.primary.first": "The first marketplace ticked",
  "stores.primary.badge": "primary",
  "stores.primary.save": "Save primary marketplace",
  "stores.primary.problem.marketplaceId":
    "Primary marketplace: choose a marketplace.",
  "stores.primary.problem.not_in_store":
    "Primary marketplace: choose one of this store's marketplaces.",
  "stores.problem.marketplace_region":
    "Every marketplace must belong to the {region} region.",
  "stores.problem.already_registered":
    "The seller account {sellerId} is already registered in {region}.",
  "disconnect.title": "Disconnect",
  "disconnect.intro":
    "Data Policy §10: synchronisation stops and the store's tokens are deleted. Choose for each data category whether to delete it now, archive it (an encrypted file only the owner can download, with a reason), or keep it until its retention rule.",
  "disconnect.category": "Data category",
  "disconnect.rows": "Rows",
  "disconnect.action": "What happens",
  "disconnect.choice.delete": "Delete now",
  "disconnect.choice.archive": "Archive (encrypted)",
  "disconnect.choice.keep": "Keep until its retention rule",
  "disconnect.explain.delete":
    "The rows are deleted from the database now; nothing of them remains to read.",
  "disconnect.explain.archive":
    "The rows are written to an encrypted file and deleted from the database; only an owner can download the file, giving a reason that is recorded.",
  "disconnect.explain.keep":
    "The rows stay, readable as before by those granted the store, and are deleted automatically when the Data Policy's retention rule for them ends (§9): buyer personal data at most 30 days after delivery, API logs after at least 90 days, everything else once no longer needed for business, audit, reconciliation or legal reasons.",
  "disconnect.retention.pii":
    "Retention: at most 30 days after delivery; never archived.",
  "disconnect.retention.logs":
    "Retention: at least 90 days, then purged; always kept until then.",
  "disconnect.retention.need":
    "Retention: while needed for business, audit, reconciliation or legal compliance.",
  "disconnect.confirm.category": "{category}: {action} ({rows} rows)",
  "disconnect.step.syncs":
    "Synchronisation stopped at {at}; {cancelled} queued runs cancelled.",
  "disconnect.step.tokens": "{count} stored tokens deleted at {at}.",
  "disconnect.step.delete": "{category}: {rows} rows deleted at {at}.",
  "disconnect.step.archive":
    "{category}: {rows} rows archived (encrypted) and deleted at {at}.",
  "disconnect.step.keep":
    "{category}: {rows} rows kept until their retention rule ({at}).",
  "disconnect.step.backups":
    "Backups containing the store marked restricted at {at}.",
  "disconnect.reason": "Reason",
  "disconnect.review": "Review",
  "disconnect.confirm.title": "Confirm the disconnection",
  "disconnect.confirm.intro": "This will disconnect",
  "disconnect.confirm.sync":
    "Synchronisation stops at once; queued work for the store is dropped.",
  "disconnect.confirm.tokens":
    "The store's refresh and access tokens are deleted.",
  "disconnect.confirm.backups":
    "Backups that contain the store are marked restricted.",
  "disconnect.confirm.submit": "Disconnect the store",
  "disconnect.cancel": "Cancel",
  "disconnect.problem.choices": "Choose an allowed action for: {categories}.",
  "disconnect.problem.reason": "Give a reason (5 to 500 characters).",
  "disconnect.problem.reason_text":
    "The reason must not contain control characters (such as NUL).",
  "disconnect.problem.already_disconnected":
    "The store is disconnected already.",
  "disconnect.records": "Disconnection records",
  "disconnect.records.none": "This store has never been disconnected.",
  "disconnect.start": "Disconnect this store",
  "apps.problem.api": "API: choose SP-API or Ads API.",
  "apps.problem.name": "Name: 2 to 80 characters, without control characters.",
  "apps.problem.applicationId":
    "Application id: amzn1.sp.solution.… or amzn1.sellerapps.app.… followed by a UUID, or empty.",
  "apps.problem.clientId":
    "LWA client id: it looks like amzn1.application-oa2-client.…",
  "apps.problem.clientSecret":
    "LWA client secret: it looks like amzn1.oa2-cs.v1.…",
  "apps.problem.secretIssuedAt":
    "Secret issued: a real calendar date (YYYY-MM-DD) between 1900 and 9999.",
  "apps.problem.draft": "Draft: tick the box or leave it empty.",
  "apps.title": "Amazon app credentials",
  "apps.intro":
    "LWA client credentials of the company's own applications, stored only encrypted (Data Policy §7). Secrets must be rotated every 180 days; the previous secret is kept until the new one has worked once.",
  "apps.empty": "No Amazon application is registered yet.",
  "apps.name": "Name",
  "apps.issued": "Secret issued",
  "apps.due": "Rotate by",
  "apps.rotate": "Rotate secret",
  "apps.newSecret": "New client secret",
  "apps.previousKept": "previous secret kept until the new one works",
  "apps.add": "Register an application",
  "apps.applicationId": "Application id (optional)",
  "apps.draft": "The application is in draft (consent URLs carry version=beta)",
  "apps.warnings": "Credential deadlines",
  "apps.warn.secret": "Client secret expires:",
  "apps.warn.authorization": "Seller authorization expires:",
  "nav.apps": "Amazon apps",
  "connect.title": "Connection to Amazon",
  "connect.status": "Status",
  "connect.none": "No authorization is stored for this store.",
  "connect.method": "How",
  "connect.issued": "Authorized",
  "connect.lastUsed": "Last used",
  "connect.rotated": "Last rotated",
  "connect.expires": "Re-authorize by",
  "connect.roles": "SP-API roles requested, and why (least privilege)",
  "connect.app": "Application",
  "connect.website": "Authorize in Seller Central",
  "connect.ads": "Authorize the Advertising API",
  "connect.self": "Self-authorization refresh token",
  "connect.selfHelp":
    "From Seller Central → Develop Apps → Authorize, for our own private app. It is checked with Amazon at once and never shown again.",
  "connect.selfSubmit": "Verify and store",
  "connect.registerApp": "Register the Amazon application first",
  "connect.why.account": "seller account and marketplaces",
  "connect.why.listings": "catalog and listings of our own SKUs",
  "connect.why.fulfillment": "FBA inventory and returns",
  "connect.why.orders": "orders and order items",
  "connect.why.finance": "settlements, fees, financial events",
  "connect.why.brand_analytics": "search terms, for stores with a brand",
  "connect.ok": "The store is connected",
  "connect.failed": "The store was not connected",
  "connect.back": "Back to the store",
  "connect.fail.bad_state":
    "This authorization link is not valid: it expired, was used already, or was started in another session. Start again from the store page.",
  "connect.fail.not_own_account":
    "Amazon authorized a seller account that is not one of ours. Nothing was stored; only the company's registered accounts may be connected.",
  "connect.fail.wrong_account":
    "Amazon authorized another of our accounts than the store you started from. Nothing was stored; connect it from its own store page.",
  "connect.fail.exchange_failed":
    "Amazon did not accept the authorization code (it lasts 5 minutes and works once). Nothing was stored; try again.",
  "connect.fail.token_refused":
    "Amazon did not accept that refresh token for this application. Nothing was stored.",
  "connect.fail.token_invalid":
    "That is not a refresh token: Seller Central's begin with Atzr|. Nothing was stored.",
  "connect.fail.amazon_error":
    "Amazon could not be reached or answered with an error. Nothing was stored; try again later.",
  "connect.fail.no_app": "Choose a registered SP-API application.",
  "archive.category": "Archived category",
  "archive.reason": "Why you need it (recorded)",
  "archive.download": "Download archive",
  "archive.confirm": "I confirm; the download is recorded",
  "error.reference": "Reference",
  "error.home": "Back to the dashboard",
  "nav.group.overview": "Overview",
  "nav.group.sales": "Sales",
  "nav.group.advertising": "Advertising",
  "nav.group.finance": "Finance",
  "nav.group.data": "Data",
  "nav.group.governance": "Governance",
  "nav.products": "Products",
  "nav.inventory": "Inventory",
  "nav.settlements": "Settlements",
  "nav.financialEvents": "Financial events",
  "nav.sync": "Sync",
  "nav.apiLog": "API log",
  "nav.ads": "Campaigns",
  "nav.adsKeywords": "Keywords",
  "nav.adsSearchTerms": "Search terms",
  "nav.menu": "Menu",
  "nav.show": "Show",
  "nav.storeSwitcher": "Store shown",
} as const;

export type MessageKey = keyof typeof en;

const zhCN: Record<MessageKey, string> = {
  "app.name": "Custodian",
  "app.tagline": "依据数据政策管理我们自己的亚马逊卖家数据",
  "nav.dashboard": "仪表盘",
  "nav.audit": "审计",
  "nav.compliance": "合规证据",
  "nav.users": "用户",
  "nav.accessReview": "访问审查",
  "nav.roles": "角色",
  "nav.jobs": "计划任务",
  "nav.retention": "数据保留",
  "nav.documents": "公开文件",
  "nav.providers": "服务提供方",
  "footer.policy": "数据政策",
  "footer.privacy": "隐私政策",
  "footer.terms": "服务条款",
  "footer.label": "政策",
  "nav.requests": "数据请求",
  "nav.incidents": "安全事件",
  "nav.reportIncident": "报告安全事件",
  "nav.orders": "订单",
  "nav.profit": "利润",
  "nav.main": "主导航",
  "nav.store": "店铺",
  "nav.allStores": "我的全部店铺",
  "nav.language": "语言",
  "nav.switch": "切换",
  "nav.skip": "跳到正文",
  "error.403.title": "您没有权限",
  "error.403.body": "这是权限问题：门户不允许您的账户发出此请求。",
  "error.403.permission":
    "这是权限问题：此页面或操作需要权限“{permission}”（{code}），而您的角色“{role}”不包含该权限。如工作需要，请联系所有者或管理员。",
  "error.403.permission.noRole":
    "这是权限问题：此页面或操作需要权限“{permission}”（{code}）。",
  "error.403.network":
    "这是网络限制：您的地址不在员工 IP 允许列表中，因此无法访问员工区域。请从允许的网络（例如公司 VPN）连接。",
  "error.403.csrf": "表单来自其他网站或已过期的页面。请刷新页面后重新提交。",
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
  "auth.signin.title": "登录 Custodian",
  "auth.signin.sso": "单点登录",
  "auth.signin.with": "使用以下方式登录：",
  "auth.signin.local": "应急本地账户",
  "auth.signin.localHelp":
    "用于单点登录不可用时的紧急情况，以及首位所有者：由所有者创建的账户，使用密码和身份验证器应用（或恢复码）登录。",
  "auth.signin.submit": "登录",
  "auth.signin.failed":
    "登录失败。请检查邮箱、密码和验证码，或请管理员发送邀请。",
  "auth.signin.locked": "失败次数过多，登录已暂时锁定，请稍后再试。",
  "auth.signin.sso_failed": "单点登录未完成，未做任何更改，请重试。",
  "auth.signin.not_invited": "此账户未受邀使用 Custodian，请联系管理员邀请。",
  "auth.signin.expired": "会话已结束，请重新登录。",
  "auth.email": "邮箱",
  "auth.name": "姓名",
  "auth.password": "密码",
  "auth.password.confirm": "再次输入密码",
  "auth.password.rules":
    "至少 12 个字符，须同时包含小写、大写、数字和符号；不得包含姓名或常见密码。",
  "auth.password.mismatch": "两次输入的密码不一致。",
  "password.problem.too_short": "请至少使用 {min} 个字符。",
  "password.problem.too_long": "请最多使用 {max} 个字符。",
  "password.problem.contains_user_name":
    "密码中不得包含您的姓名或电子邮件地址。",
  "password.problem.too_few_character_classes":
    "请同时使用小写字母、大写字母、数字和符号，每类至少一个。",
  "password.problem.common_password": "此密码过于常见，请另选一个。",
  "password.problem.too_soon": "密码每天只能修改一次。",
  "auth.code": "身份验证器代码或恢复码",
  "auth.code.help": "身份验证器应用中的六位数字，或一个恢复码。",
  "auth.first.title": "创建首位所有者",
  "auth.first.intro":
    "此一次性链接用于设置本门户的首位所有者。必须使用多因素登录：下一步需添加身份验证器应用。",
  "auth.first.submit": "继续",
  "auth.first.invalid":
    "此登录链接无效：已被使用、已超过 15 分钟、已有更新的链接或所有者已存在。如尚无所有者完成设置，请重启服务器以打印新链接。",
  "auth.first.field.displayName": "请输入姓名：一行，2 至 120 个字符。",
  "auth.first.field.email": "请输入有效的邮箱地址。",
  "auth.first.field.password": "请将密码输入两次。",
  "auth.first.email_taken": "该邮箱已属于现有账户，请使用其他邮箱。",
  "auth.generic_address": "请使用个人邮箱：不允许使用共享或通用账户。",
  "auth.setup.title": "设置本地账户",
  "auth.setup.intro":
    "所有者为您创建了应急账户。请设置密码，下一步添加身份验证器应用。",
  "auth.enroll.title": "添加身份验证器应用",
  "auth.enroll.intro":
    "将此密钥添加到身份验证器应用（或在装有该应用的手机上打开链接），然后输入显示的六位代码。",
  "auth.enroll.link": "在身份验证器应用中打开",
  "auth.enroll.code": "六位代码",
  "auth.enroll.submit": "确认",
  "auth.enroll.bad_code": "代码不匹配。请检查应用时间并尝试下一个代码。",
  "auth.enroll.expired": "此注册已过期，请从登录链接重新开始。",
  "auth.enroll.refused":
    "此账户已无法完成设置：已被停用或已设置完成。请联系所有者。",
  "auth.recovery.title": "您的恢复码",
  "auth.recovery.intro":
    "丢失身份验证器时，每个恢复码可登录一次。请立即妥善保存：它们不会再次显示。",
  "auth.recovery.continue": "继续前往仪表盘",
  "auth.signout": "退出登录",
  "auth.signout.everywhere": "退出所有设备",
  "roles.title": "角色与权限",
  "roles.intro":
    "按岗位角色授权（数据政策第 5 条）。行为权限，列为角色；将鼠标悬停在角色上可查看其用途。",
  "roles.auditorDetails": "审计详情",
  "roles.auditorDetails.intro":
    "门户的每个地址及其所需权限，由访问守卫强制执行（routes/route_access.ts）。未列入此表的地址不向任何人提供。",
  "roles.yes": "是",
  "roles.no": "否",
  "roles.permission": "权限",
  "roles.allStores": "无需授权即可访问所有店铺",
  "roles.routes": "路由",
  "roles.route": "路由",
  "roles.requires": "所需权限",
  "roles.notUsedYet": "尚未使用——将随{feature}上线。",
  "permission.dashboard.view": "查看已授权店铺的仪表盘",
  "permission.catalog.read": "查看商品和商品信息",
  "permission.inventory.read": "查看 FBA 库存",
  "permission.orders.read": "查看订单、订单商品和退货（不含买家个人数据）",
  "permission.pii.reveal": "说明理由后显示订单的买家个人数据",
  "permission.reports.read": "查看销售与流量以及品牌分析搜索词",
  "permission.ads.read": "查看广告活动、关键词、预算、竞价和指标",
  "permission.finance.read": "查看结算、费用和财务事件",
  "permission.costs.manage": "录入和导入每个 SKU 的商品成本及汇率",
  "permission.export.csv": "将列表导出为 CSV",
  "permission.pii.export": "说明理由后在订单导出中包含买家个人数据",
  "permission.sync.read": "查看同步运行和 API 日志",
  "permission.sync.run": "立即运行同步或重试失败的同步",
  "permission.stores.manage": "登记、连接和断开店铺",
  "permission.credentials.manage": "管理亚马逊应用凭证和令牌",
  "permission.users.manage": "邀请用户、更改角色、授予店铺、停用用户",
  "permission.access.review": "执行定期访问审查",
  "permission.retention.manage": "设置保留规则和法律保留",
  "permission.retention.deletion_request": "登记亚马逊的删除请求并下载删除证明",
  "permission.requests.manage": "处理来自公司外部的数据请求",
  "permission.incidents.manage": "记录和处理安全事件",
  "permission.audit.read": "查看审计记录和合规页面",
  "permission.roles.read": "查看权限矩阵",
  "permission.archives.download": "说明理由后下载已断开店铺的加密归档",
  "permission.documents.publish":
    "发布数据政策、隐私政策和服务条款的新版本，以及其中显示的公司信息",
  "permission.providers.manage": "在登记簿中添加、编辑和停用服务提供方",
  "role.owner": "对门户负责；拥有全部权限",
  "role.admin": "运营门户：店铺、凭证、用户、保留规则",
  "role.operations": "商品、商品信息和库存",
  "role.advertising": "广告活动、关键词、预算和竞价",
  "role.finance": "结算、费用和对账",
  "role.support": "订单；可说明理由后显示买家个人数据",
  "role.auditor": "审计记录和合规页面；不含买家个人数据",
  "role.viewer": "已授权店铺的只读仪表盘和商品目录",
  "feature.dashboard": "仪表盘",
  "feature.catalog": "商品目录页面",
  "feature.inventory": "库存页面",
  "feature.orders": "订单页面",
  "feature.reports": "销售与搜索词报告",
  "feature.ads": "广告页面",
  "feature.finance": "财务页面",
  "feature.exports": "CSV 导出",
  "feature.sync": "同步页面",
  "feature.stores": "店铺页面",
  "feature.credentials": "凭证页面",
  "feature.users": "用户管理",
  "feature.access_review": "访问审查",
  "feature.retention": "保留规则与法律保留",
  "feature.requests": "数据请求",
  "feature.incidents": "事件响应",
  "feature.audit": "审计记录",
  "feature.roles": "角色页面",
  "feature.documents": "公开文件",
  "feature.providers": "服务提供方登记",
  "home.noStores": "尚未为您授权任何店铺，请联系管理员。",
  "home.overLimit": "需要处理：有数据超出其保留期限（数据政策第9条）。",
  "home.overLimit.row": "{category}：{n} 行超出期限",
  "home.overLimit.link": "打开数据保留",
  "audit.title": "审计记录",
  "audit.intro":
    "所有登录、拒绝、变更、查看与导出，只可追加并以哈希链接（数据政策第 8 条）。",
  "audit.actor": "操作者",
  "audit.action": "操作",
  "audit.store": "店铺",
  "audit.anyStore": "全部店铺",
  "audit.anyActor": "所有人",
  "audit.from": "开始",
  "audit.to": "结束",
  "audit.filter": "筛选",
  "audit.reset": "重置",
  "audit.export": "导出 CSV",
  "audit.verify": "校验哈希链",
  "audit.verify.ok": "哈希链完整：已校验每一行的哈希与链接。",
  "audit.verify.broken": "哈希链断裂于第",
  "audit.verify.checkpoint.ok": "与最近一次检查点一致，检查点时间",
  "audit.verify.checkpoint.none": "尚未生成检查点。",
  "audit.verify.checkpoint.mismatch": "与最近一次检查点不一致，检查点时间",
  "audit.empty": "没有符合条件的审计事件。",
  "audit.time": "时间",
  "audit.target": "对象",
  "audit.outcome": "结果",
  "audit.details": "详情",
  "audit.pages": "分页",
  "audit.older": "更早的事件",
  "audit.badFilter": "筛选条件无效，未显示任何内容。",
  "audit.badDate": "请输入有效日期，格式为 YYYY-MM-DD，例如 2026-03-12。",
  "account.password.title": "修改密码",
  "account.password.sso": "您通过单点登录进入，密码由身份提供方管理。",
  "account.password.expired": "您的密码已超过 365 天，请设置新密码后继续。",
  "account.password.done": "密码已修改。",
  "account.password.current": "当前密码",
  "account.password.new": "新密码",
  "account.password.submit": "修改密码",
  "account.password.invalid": "请填写所有字段。",
  "account.password.wrongCurrent": "当前密码不正确。",
  "nav.account": "我的账户",
  "nav.stores": "店铺",
  "stores.title": "店铺",
  "stores.name": "名称",
  "stores.seller": "卖家账户",
  "stores.region": "区域",
  "stores.status": "状态",
  "stores.marketplaces": "站点",
  "stores.added": "添加于 {at}",
  "stores.noMarketplaces": "未登记站点。",
  "stores.data": "持有数据（行数）",
  "stores.data.rows": "持有行数",
  "stores.data.note":
    "此店铺当前按数据类别持有的行数。同步运行计的是写入的行数（包括更新），因此同步页面上的数字合计会大于持有的行数。",
  "stores.brand": "品牌（如已注册）",
  "stores.register.title": "登记自有卖家账户",
  "stores.register.intro":
    "此处只能连接公司自有的卖家账户（数据政策第 2 条）。请先登记账户及其站点。",
  "stores.register.sellerHelp":
    "Seller Central 中以 A 开头的卖家编号（merchant token）。",
  "stores.register.submit": "登记",
  "stores.problem.sellerId":
    "卖家 ID：须为销售伙伴 ID（商户令牌），例如 A1B2C3D4E5F6G7。",
  "stores.problem.region": "区域：请选择 NA、EU 或 FE。",
  "stores.problem.name": "名称：2 至 120 个字符，不含控制字符。",
  "stores.problem.brand": "品牌：最多 120 个字符，不含控制字符。",
  "stores.problem.marketplaceIds": "站点：请至少选择一个。",
  "stores.problem.primaryMarketplaceId":
    "主站点：请从下方勾选的站点中选择一个。",
  "stores.primary": "主站点",
  "stores.primary.help":
    "商品的标题和属性取自该站点；每个站点的刊登保留各自的值。",
  "stores.primary.first": "勾选的第一个站点",
  "stores.primary.badge": "主站点",
  "stores.primary.save": "保存主站点",
  "stores.primary.problem.marketplaceId": "主站点：请选择一个站点。",
  "stores.primary.problem.not_in_store": "主站点：请选择本店铺的一个站点。",
  "stores.problem.marketplace_region": "所有站点都必须属于 {region} 区域。",
  "stores.problem.already_registered":
    "卖家账户 {sellerId} 已在 {region} 区域登记。",
  "disconnect.title": "断开连接",
  "disconnect.intro":
    "数据政策第 10 条：同步停止，店铺令牌被删除。请为每类数据选择立即删除、归档（加密文件，仅所有者说明理由后可下载）或保留至其保留期规则。",
  "disconnect.category": "数据类别",
  "disconnect.rows": "行数",
  "disconnect.action": "处理方式",
  "disconnect.choice.delete": "立即删除",
  "disconnect.choice.archive": "归档（加密）",
  "disconnect.choice.keep": "保留至保留期规则",
  "disconnect.explain.delete": "立即从数据库删除这些行，不再保留可读取的内容。",
  "disconnect.explain.archive":
    "这些行写入加密文件后从数据库删除；只有所有者说明理由（将被记录）后才能下载该文件。",
  "disconnect.explain.keep":
    "这些行继续保留，已获授权的人员仍可照常查看，并在数据政策规定的保留期结束时自动删除（第 9 条）：买家个人数据最多保留至送达后 30 天，API 日志至少保留 90 天，其他数据在业务、审计、对账或法律上不再需要时删除。",
  "disconnect.retention.pii": "保留期：最多至送达后 30 天；不可归档。",
  "disconnect.retention.logs": "保留期：至少 90 天后清除；在此之前始终保留。",
  "disconnect.retention.need": "保留期：业务、审计、对账或法律合规需要期间。",
  "disconnect.confirm.category": "{category}：{action}（{rows} 行）",
  "disconnect.step.syncs":
    "同步已于 {at} 停止；已取消 {cancelled} 个排队的运行。",
  "disconnect.step.tokens": "已于 {at} 删除 {count} 个存储的令牌。",
  "disconnect.step.delete": "{category}：已于 {at} 删除 {rows} 行。",
  "disconnect.step.archive":
    "{category}：已于 {at} 将 {rows} 行加密归档并删除。",
  "disconnect.step.keep": "{category}：{rows} 行保留至其保留期规则（{at}）。",
  "disconnect.step.backups": "包含该店铺的备份已于 {at} 标记为受限。",
  "disconnect.reason": "原因",
  "disconnect.review": "检查",
  "disconnect.confirm.title": "确认断开连接",
  "disconnect.confirm.intro": "将断开连接：",
  "disconnect.confirm.sync": "同步立即停止，店铺排队中的任务被丢弃。",
  "disconnect.confirm.tokens": "店铺的刷新令牌和访问令牌被删除。",
  "disconnect.confirm.backups": "包含该店铺的备份被标记为受限。",
  "disconnect.confirm.submit": "断开店铺连接",
  "disconnect.cancel": "取消",
  "disconnect.problem.choices":
    "请为以下类别选择允许的处理方式：{categories}。",
  "disconnect.problem.reason": "请填写原因（5 至 500 个字符）。",
  "disconnect.problem.reason_text": "原因不能包含控制字符（例如 NUL）。",
  "disconnect.problem.already_disconnected": "该店铺已断开连接。",
  "disconnect.records": "断开连接记录",
  "disconnect.records.none": "此店铺从未断开连接。",
  "disconnect.start": "断开此店铺",
  "apps.problem.api": "API：请选择 SP-API 或广告 API。",
  "apps.problem.name": "名称：2 至 80 个字符，不含控制字符。",
  "apps.problem.applicationId":
    "应用 ID：须为 amzn1.sp.solution.… 或 amzn1.sellerapps.app.… 加 UUID，或留空。",
  "apps.problem.clientId":
    "LWA 客户端 ID：格式应为 amzn1.application-oa2-client.…",
  "apps.problem.clientSecret": "LWA 客户端密钥：格式应为 amzn1.oa2-cs.v1.…",
  "apps.problem.secretIssuedAt":
    "密钥签发日期：须为 1900 至 9999 年间的真实日期（YYYY-MM-DD）。",
  "apps.problem.draft": "草稿：勾选或留空。",
  "apps.title": "亚马逊应用凭证",
  "apps.intro":
    "公司自有应用的 LWA 客户端凭证，仅加密存储（数据政策第 7 条）。密钥须每 180 天轮换；新密钥成功使用一次前保留旧密钥。",
  "apps.empty": "尚未登记任何亚马逊应用。",
  "apps.name": "名称",
  "apps.issued": "密钥签发日",
  "apps.due": "轮换截止",
  "apps.rotate": "轮换密钥",
  "apps.newSecret": "新的客户端密钥",
  "apps.previousKept": "新密钥生效前保留旧密钥",
  "apps.add": "登记应用",
  "apps.applicationId": "应用编号（可选）",
  "apps.draft": "应用处于草稿状态（授权链接带 version=beta）",
  "apps.warnings": "凭证期限",
  "apps.warn.secret": "客户端密钥到期：",
  "apps.warn.authorization": "卖家授权到期：",
  "nav.apps": "亚马逊应用",
  "connect.title": "与亚马逊的连接",
  "connect.status": "状态",
  "connect.none": "此店铺尚无已存储的授权。",
  "connect.method": "方式",
  "connect.issued": "授权时间",
  "connect.lastUsed": "最近使用",
  "connect.rotated": "最近轮换",
  "connect.expires": "重新授权截止",
  "connect.roles": "申请的 SP-API 角色及原因（最小权限）",
  "connect.app": "应用",
  "connect.website": "在 Seller Central 授权",
  "connect.ads": "授权广告 API",
  "connect.self": "自授权刷新令牌",
  "connect.selfHelp":
    "来自 Seller Central → 开发应用 → 授权（本公司私有应用）。将立即向亚马逊核验，且不会再次显示。",
  "connect.selfSubmit": "核验并保存",
  "connect.registerApp": "请先登记亚马逊应用",
  "connect.why.account": "卖家账户和站点",
  "connect.why.listings": "自有 SKU 的目录和商品信息",
  "connect.why.fulfillment": "FBA 库存和退货",
  "connect.why.orders": "订单和订单商品",
  "connect.why.finance": "结算、费用、财务事件",
  "connect.why.brand_analytics": "搜索词（适用于有品牌的店铺）",
  "connect.ok": "店铺已连接",
  "connect.failed": "店铺未连接",
  "connect.back": "返回店铺",
  "connect.fail.bad_state":
    "此授权链接无效：已过期、已使用或在其他会话中发起。请从店铺页面重新开始。",
  "connect.fail.not_own_account":
    "亚马逊授权的卖家账户不属于本公司。未保存任何内容；只能连接已登记的公司账户。",
  "connect.fail.wrong_account":
    "亚马逊授权的是本公司另一个账户，而非发起的店铺。未保存任何内容；请从该账户的店铺页面连接。",
  "connect.fail.exchange_failed":
    "亚马逊未接受授权码（有效期 5 分钟且仅可使用一次）。未保存任何内容，请重试。",
  "connect.fail.token_refused":
    "亚马逊未接受该应用的刷新令牌。未保存任何内容。",
  "connect.fail.token_invalid":
    "这不是刷新令牌：卖家平台的刷新令牌以 Atzr| 开头。未保存任何内容。",
  "connect.fail.amazon_error":
    "无法连接亚马逊或其返回错误。未保存任何内容，请稍后重试。",
  "connect.fail.no_app": "请选择已登记的 SP-API 应用。",
  "archive.category": "已归档类别",
  "archive.reason": "用途说明（将记录）",
  "archive.download": "下载归档",
  "archive.confirm": "我确认；此次下载将被记录",
  "error.reference": "编号",
  "error.home": "返回仪表盘",
  "nav.group.overview": "概览",
  "nav.group.sales": "销售",
  "nav.group.advertising": "广告",
  "nav.group.finance": "财务",
  "nav.group.data": "数据",
  "nav.group.governance": "治理",
  "nav.products": "商品",
  "nav.inventory": "库存",
  "nav.settlements": "结算",
  "nav.financialEvents": "财务事件",
  "nav.sync": "同步",
  "nav.apiLog": "API 日志",
  "nav.ads": "广告活动",
  "nav.adsKeywords": "关键词",
  "nav.adsSearchTerms": "搜索词",
  "nav.menu": "菜单",
  "nav.show": "显示",
  "nav.storeSwitcher": "显示的店铺",
};

/** The portal's general messages (layout, errors, sign-in, stores, …). */
export const catalogue: Catalogue<MessageKey> = defineCatalogue(en, zhCN);
export const messages = catalogue.messages;

/** Returns a translator for one language. */
export function translator(
  lang: Lang,
): (key: MessageKey, params?: Params) => string {
  return catalogue.translator(lang);
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
