// English and Simplified Chinese. Views look messages up by key; a missing
// Chinese message falls back to English (a test keeps the two in step).
export type Lang = "en" | "zh-CN";
export const LANGS: readonly Lang[] = ["en", "zh-CN"];

const en = {
  "app.name": "Custodian",
  "app.tagline": "Our own Amazon seller data, under our Data Policy",
  "nav.dashboard": "Dashboard",
  "nav.audit": "Audit",
  "nav.users": "Users",
  "nav.accessReview": "Access review",
  "nav.roles": "Roles",
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
  "auth.signin.title": "Sign in to Custodian",
  "auth.signin.sso": "Single sign-on",
  "auth.signin.with": "Sign in with",
  "auth.signin.local": "Break-glass local account",
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
  "auth.code": "Authenticator code or recovery code",
  "auth.code.help":
    "Six digits from your authenticator app, or one of your recovery codes.",
  "auth.first.title": "Create the first owner",
  "auth.first.intro":
    "This one-time link sets up the first owner of this portal. Multi-factor sign-in is mandatory: after this step you add an authenticator app.",
  "auth.first.submit": "Continue",
  "auth.first.invalid":
    "This sign-in link is not valid: it was used already, expired after 15 minutes, or an owner exists. Restart the server to print a new one if no owner has finished setting up.",
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
  "auth.recovery.title": "Your recovery codes",
  "auth.recovery.intro":
    "Each code signs you in once if you lose your authenticator. Store them somewhere safe now: they are not shown again.",
  "auth.recovery.continue": "Continue to the dashboard",
  "auth.signout": "Sign out",
  "auth.signout.everywhere": "Sign out everywhere",
  "roles.title": "Roles and permissions",
  "roles.intro":
    "Access by job role (Data Policy §5). Rows are permissions, columns are roles; below, what each address requires.",
  "roles.permission": "Permission",
  "roles.allStores": "Every store without a grant",
  "roles.routes": "Routes",
  "roles.route": "Route",
  "roles.requires": "Requires",
  "home.signedInAs": "Signed in as",
  "home.stores": "Stores you can see",
  "home.noStores":
    "No store has been granted to you yet. Ask an administrator for access.",
  "audit.title": "Audit trail",
  "audit.intro":
    "Every sign-in, denial, change, reveal and export, append-only and hash-chained (Data Policy §8).",
  "audit.actor": "Actor",
  "audit.action": "Action",
  "audit.store": "Store",
  "audit.anyStore": "Any store",
  "audit.from": "From",
  "audit.to": "To",
  "audit.filter": "Filter",
  "audit.reset": "Reset",
  "audit.export": "Export CSV",
  "audit.verify": "Verify the chain",
  "audit.verify.ok": "The chain is intact: every row's hash and link checked.",
  "audit.verify.broken": "The chain is broken at row",
  "audit.empty": "No audit events match these filters.",
  "audit.time": "Time (UTC)",
  "audit.target": "Target",
  "audit.outcome": "Outcome",
  "audit.details": "Details",
  "audit.pages": "Pages",
  "audit.older": "Older events",
  "audit.badFilter": "The filters are not valid; showing nothing.",
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
  "nav.account": "Password",
  "nav.stores": "Stores",
  "stores.title": "Stores",
  "stores.name": "Name",
  "stores.seller": "Seller account",
  "stores.region": "Region",
  "stores.status": "Status",
  "stores.marketplaces": "Marketplaces",
  "stores.noMarketplaces": "No marketplace registered.",
  "stores.data": "Data held (row counts)",
  "stores.brand": "Brand (if registered)",
  "stores.register.title": "Register an own seller account",
  "stores.register.intro":
    "Only the company's own seller accounts may be connected to Amazon here (Data Policy §2). Register the account and its marketplaces first.",
  "stores.register.sellerHelp":
    "The selling partner id (merchant token) from Seller Central, starting with A.",
  "stores.register.submit": "Register",
  "disconnect.title": "Disconnect",
  "disconnect.intro":
    "Data Policy §10: synchronisation stops and the store's tokens are deleted. Choose for each data category whether to delete it now, archive it (an encrypted file only the owner can download, with a reason), or keep it until its retention rule.",
  "disconnect.category": "Data category",
  "disconnect.rows": "Rows",
  "disconnect.action": "What happens",
  "disconnect.choice.delete": "Delete now",
  "disconnect.choice.archive": "Archive (encrypted)",
  "disconnect.choice.keep": "Keep until its retention rule",
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
  "disconnect.records": "Disconnection records",
  "disconnect.start": "Disconnect this store",
  "error.reference": "Reference",
  "error.home": "Back to the dashboard",
} as const;

export type MessageKey = keyof typeof en;

const zhCN: Partial<Record<MessageKey, string>> = {
  "app.tagline": "依据数据政策管理我们自己的亚马逊卖家数据",
  "nav.dashboard": "仪表盘",
  "nav.audit": "审计",
  "nav.users": "用户",
  "nav.accessReview": "访问审查",
  "nav.roles": "角色",
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
  "auth.signin.title": "登录 Custodian",
  "auth.signin.sso": "单点登录",
  "auth.signin.with": "使用以下方式登录：",
  "auth.signin.local": "应急本地账户",
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
  "auth.code": "身份验证器代码或恢复码",
  "auth.code.help": "身份验证器应用中的六位数字，或一个恢复码。",
  "auth.first.title": "创建首位所有者",
  "auth.first.intro":
    "此一次性链接用于设置本门户的首位所有者。必须使用多因素登录：下一步需添加身份验证器应用。",
  "auth.first.submit": "继续",
  "auth.first.invalid":
    "此登录链接无效：已被使用、已超过 15 分钟或所有者已存在。如尚无所有者完成设置，请重启服务器以打印新链接。",
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
  "auth.recovery.title": "您的恢复码",
  "auth.recovery.intro":
    "丢失身份验证器时，每个恢复码可登录一次。请立即妥善保存：它们不会再次显示。",
  "auth.recovery.continue": "继续前往仪表盘",
  "auth.signout": "退出登录",
  "auth.signout.everywhere": "退出所有设备",
  "roles.title": "角色与权限",
  "roles.intro":
    "按岗位角色授权（数据政策第 5 条）。行为权限，列为角色；下方为每个地址所需的权限。",
  "roles.permission": "权限",
  "roles.allStores": "无需授权即可访问所有店铺",
  "roles.routes": "路由",
  "roles.route": "路由",
  "roles.requires": "所需权限",
  "home.signedInAs": "当前登录",
  "home.stores": "您可查看的店铺",
  "home.noStores": "尚未为您授权任何店铺，请联系管理员。",
  "audit.title": "审计记录",
  "audit.intro":
    "所有登录、拒绝、变更、查看与导出，只可追加并以哈希链接（数据政策第 8 条）。",
  "audit.actor": "操作者",
  "audit.action": "操作",
  "audit.store": "店铺",
  "audit.anyStore": "全部店铺",
  "audit.from": "开始",
  "audit.to": "结束",
  "audit.filter": "筛选",
  "audit.reset": "重置",
  "audit.export": "导出 CSV",
  "audit.verify": "校验哈希链",
  "audit.verify.ok": "哈希链完整：已校验每一行的哈希与链接。",
  "audit.verify.broken": "哈希链断裂于第",
  "audit.empty": "没有符合条件的审计事件。",
  "audit.time": "时间（UTC）",
  "audit.target": "对象",
  "audit.outcome": "结果",
  "audit.details": "详情",
  "audit.pages": "分页",
  "audit.older": "更早的事件",
  "audit.badFilter": "筛选条件无效，未显示任何内容。",
  "account.password.title": "修改密码",
  "account.password.sso": "您通过单点登录进入，密码由身份提供方管理。",
  "account.password.expired": "您的密码已超过 365 天，请设置新密码后继续。",
  "account.password.done": "密码已修改。",
  "account.password.current": "当前密码",
  "account.password.new": "新密码",
  "account.password.submit": "修改密码",
  "account.password.invalid": "请填写所有字段。",
  "account.password.wrongCurrent": "当前密码不正确。",
  "nav.account": "密码",
  "nav.stores": "店铺",
  "stores.title": "店铺",
  "stores.name": "名称",
  "stores.seller": "卖家账户",
  "stores.region": "区域",
  "stores.status": "状态",
  "stores.marketplaces": "站点",
  "stores.noMarketplaces": "未登记站点。",
  "stores.data": "持有数据（行数）",
  "stores.brand": "品牌（如已注册）",
  "stores.register.title": "登记自有卖家账户",
  "stores.register.intro":
    "此处只能连接公司自有的卖家账户（数据政策第 2 条）。请先登记账户及其站点。",
  "stores.register.sellerHelp":
    "Seller Central 中以 A 开头的卖家编号（merchant token）。",
  "stores.register.submit": "登记",
  "disconnect.title": "断开连接",
  "disconnect.intro":
    "数据政策第 10 条：同步停止，店铺令牌被删除。请为每类数据选择立即删除、归档（加密文件，仅所有者说明理由后可下载）或保留至其保留期规则。",
  "disconnect.category": "数据类别",
  "disconnect.rows": "行数",
  "disconnect.action": "处理方式",
  "disconnect.choice.delete": "立即删除",
  "disconnect.choice.archive": "归档（加密）",
  "disconnect.choice.keep": "保留至保留期规则",
  "disconnect.reason": "原因",
  "disconnect.review": "检查",
  "disconnect.confirm.title": "确认断开连接",
  "disconnect.confirm.intro": "将断开连接：",
  "disconnect.confirm.sync": "同步立即停止，店铺排队中的任务被丢弃。",
  "disconnect.confirm.tokens": "店铺的刷新令牌和访问令牌被删除。",
  "disconnect.confirm.backups": "包含该店铺的备份被标记为受限。",
  "disconnect.confirm.submit": "断开店铺连接",
  "disconnect.cancel": "取消",
  "disconnect.records": "断开连接记录",
  "disconnect.start": "断开此店铺",
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
