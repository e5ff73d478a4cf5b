// Messages of the Users and access review pages, in English and Simplified
// Chinese (a catalogue of views/i18n.ts: a missing Chinese message is a type
// error); `{name}` marks a value filled in by `t`.
import { type Catalogue, defineCatalogue } from "../i18n.ts";

const en = {
  "users.title": "Users",
  "users.intro":
    "One account per person, invited by e-mail, with the job role and stores they need (Data Policy §5). Every change is confirmed first and recorded in the audit trail.",
  "users.invite": "Invite a user",
  "users.filter": "Filter",
  "users.filter.apply": "Apply",
  "users.filter.clear": "Clear",
  "users.filter.search": "E-mail or name contains",
  "users.filter.anyRole": "Any role",
  "users.filter.anyStatus": "Any status",
  "users.col.user": "User",
  "users.col.email": "E-mail",
  "users.col.role": "Role",
  "users.col.status": "Status",
  "users.col.kind": "Sign-in",
  "users.col.lastSignIn": "Last sign-in",
  "users.col.lastSeen": "Last seen",
  "users.col.stores": "Stores",
  "users.col.actions": "Actions",
  "users.sort.asc": "sorted ascending",
  "users.sort.desc": "sorted descending",
  "users.empty": "No user matches these filters.",
  "users.empty.none": "No users yet. Invite the first person to work here.",
  "users.allStores": "All stores (role)",
  "users.noStores": "None",
  "users.never": "Never",
  "users.open": "Open",
  "users.pager": "Pages",
  "users.pager.prev": "Previous",
  "users.pager.next": "Next",
  "users.pager.of": "Page {page} of {pages} · {total} users",
  "status.invited": "Invited",
  "status.active": "Active",
  "status.disabled": "Disabled",
  "kind.sso": "Single sign-on",
  "kind.local": "Local (break-glass)",
  "user.back": "Back to users",
  "user.details": "Account",
  "user.created": "Invited",
  "user.role": "Role",
  "user.role.change": "Change role",
  "user.role.new": "New role",
  "user.grants": "Store grants",
  "user.grants.intro":
    "Grants decide which stores' data this person sees (row-level security). Unused grants are flagged in the access review.",
  "user.grants.allStores":
    "This role sees every store without grants; store grants would change nothing.",
  "user.grants.none": "No store granted.",
  "user.grant.store": "Store",
  "user.grant.granted": "Granted",
  "user.grant.lastUsed": "Last used",
  "user.grant.add": "Grant store",
  "user.grant.revoke": "Revoke",
  "user.grant.noneLeft": "Every store you can see is granted already.",
  "user.access": "Access",
  "user.disable": "Disable",
  "user.disable.help":
    "For people who leave: they are signed out at once and cannot sign in again (Data Policy §7).",
  "user.enable": "Re-enable",
  "user.signout": "Sign out everywhere",
  "user.signout.help":
    "Ends every session of this person now; they can sign in again.",
  "user.locked": "Local sign-in locked",
  "user.locked.until": "Every new address is locked out until",
  "user.locked.addresses":
    "Locked at {count} address(es) after failed attempts.",
  "user.unlock": "Unlock sign-in",
  "user.unlock.help":
    "Lifts the lockout after failed sign-in attempts, at every address. Owners only.",
  "invite.title": "Invite a user",
  "invite.intro":
    "Invite one person by their own work e-mail address. Shared or generic addresses (admin@, info@, team@) are refused, as Amazon requires unique accounts.",
  "invite.sso.none":
    "No single sign-on provider is configured (Google, Microsoft Entra ID or GitHub; see the README), so a person invited now could not sign in. Configure one first, or ask an owner for a break-glass local account.",
  "invite.sso.none.owner":
    "No single sign-on provider is configured (Google, Microsoft Entra ID or GitHub; see the README), so a person can only be given a break-glass local account now.",
  "invite.kind.sso.none": "Single sign-on (no provider is configured)",
  "invite.kind.localHelp":
    "A break-glass account is for emergencies, when single sign-on is unavailable: the person signs in with a password and an authenticator app instead of your identity provider. Only owners create them; keep them few.",
  "users.dayHelp": "The day (UTC); recorded once a day.",
  "invite.name": "Name",
  "invite.email": "E-mail address",
  "invite.role": "Job role",
  "invite.roleHelp": "Choose the least that the job needs.",
  "invite.stores": "Stores",
  "invite.storesHelp":
    "Only for roles that do not see every store; you can add grants later.",
  "invite.noStores": "No store is registered yet.",
  "invite.submit": "Continue",
  "confirm.title": "Please confirm",
  "confirm.yes": "Confirm",
  "confirm.cancel": "Cancel",
  "confirm.invite":
    "Invite {name} <{email}> as {role}? They sign in with single sign-on ({providers}) using that address.",
  "confirm.invite.local":
    "Create a break-glass local account for {name} <{email}> as {role}? Next you get a one-time setup link to give them; with it they choose a password and add an authenticator app. They do not sign in with single sign-on.",
  "confirm.invite.stores": "Stores granted: {stores}.",
  "confirm.role":
    "Change {name}'s role from {from} to {to}? Their access changes on their next request.",
  "confirm.grant":
    "Grant {name} access to {store}? They see that store's data from their next request.",
  "confirm.revoke":
    "Revoke {name}'s access to {store}? They lose it on their next request.",
  "confirm.disable": "Disable {name}? They will be signed out at once.",
  "confirm.enable": "Re-enable {name}? They can sign in again as {role}.",
  "confirm.signout":
    "Sign {name} out everywhere? Every session they have ends now.",
  "confirm.unlock":
    "Unlock {name}'s local sign-in? Failed attempts are forgotten at every address.",
  "confirm.review.start":
    "Start an access review? It lists {lines} lines (every user's role and store grants) for you to confirm or revoke; {flagged} are flagged as unused.",
  "confirm.review.confirmRole": "Confirm that {name} keeps the role {role}?",
  "confirm.review.confirmGrant": "Confirm that {name} keeps access to {store}?",
  "confirm.review.complete":
    "Complete the access review? {confirmed} lines confirmed, {revoked} revoked. It is recorded as finished.",
  "done.invite": "The invitation was recorded.",
  "done.role": "The role was changed.",
  "done.grant": "The store was granted.",
  "done.revoke": "The store grant was revoked.",
  "done.disable": "The user was disabled and signed out.",
  "done.enable": "The user was re-enabled.",
  "done.signout": "Every session of the user has ended.",
  "done.unlock": "The sign-in lockout was lifted.",
  "done.start": "The access review has started.",
  "done.decide": "The decision was recorded.",
  "done.complete": "The access review is complete.",
  "error.title": "Nothing was changed",
  "error.back": "Go back",
  "error.invalid_input": "The form was not filled in correctly.",
  "error.invalid_fields":
    "The form was not filled in correctly. Check: {fields}.",
  "error.no_sso":
    "No single sign-on provider is configured, so the person could not sign in. Nothing was changed: configure Google, Microsoft Entra ID or GitHub (see the README), or ask an owner for a break-glass local account.",
  "error.no_sso.owner":
    "No single sign-on provider is configured, so the person could not sign in with single sign-on. Nothing was changed: choose a break-glass local account, or configure Google, Microsoft Entra ID or GitHub first (see the README).",
  "error.local_owner_only":
    "Only an owner may create a break-glass local account.",
  "error.owner_only": "Only an owner may do this.",
  "invite.kind": "Account type",
  "invite.kind.sso": "Single sign-on ({providers})",
  "invite.kind.local": "Break-glass local account (password and authenticator)",
  "setup.title": "Setup link for the local account",
  "setup.done": "Go to the user",
  "setup.intro":
    "Give this link to {name} through a trusted channel. It works once, for 72 hours, and is not shown again. They choose a password and add an authenticator app.",
  "error.generic_address":
    "That address names a function, not a person. Amazon requires one account per person: invite the person's own address.",
  "error.domain_not_allowed":
    "That address is outside the e-mail domains allowed to sign in.",
  "error.duplicate": "A user with that e-mail address exists already.",
  "error.unknown_role": "There is no such role.",
  "error.role_not_assignable":
    "Only an owner may make someone an owner: nobody grants a role they could not hold themselves.",
  "error.owner_protected":
    "Only an owner may change, disable or re-enable an owner.",
  "error.self":
    "You cannot disable your own account; ask another administrator.",
  "error.last_owner":
    "This is the last active owner. Make someone else an owner first.",
  "error.same_role": "The user holds that role already.",
  "error.not_found": "There is no such user.",
  "error.store_not_found":
    "There is no such store among the stores you can see.",
  "error.grant_exists": "The user holds that store already.",
  "error.grant_not_found": "The user does not hold that store.",
  "error.all_stores_role":
    "This role sees every store without grants; a store grant would change nothing.",
  "error.already_disabled": "The user is disabled already.",
  "error.not_disabled": "The user is not disabled.",
  "error.forbidden": "You are not allowed to do this.",
  "error.already_open": "An access review is open already; finish it first.",
  "error.no_open_review": "There is no open access review.",
  "error.line_not_found": "There is no such line in the open access review.",
  "error.already_decided": "That line has been decided already.",
  "error.undecided_lines":
    "Every line must be confirmed or revoked before the review is complete.",
  "review.title": "Access review",
  "review.intro":
    "Amazon's Data Protection Policy asks for an access review at least every quarter (Data Policy §5). Each line is a user's role or one store grant with its last use; grants unused for 90 days are flagged.",
  "review.lastCompleted": "Last completed",
  "review.nextDue": "Next review due",
  "review.interval": "Every {days} days",
  "review.state.due": "Due now",
  "review.state.ok": "Not due yet",
  "review.start": "Start a review",
  "review.open": "Open review",
  "review.open.started": "Started {date}; complete by {due}.",
  "review.open.progress":
    "{decided} of {total} lines decided · {flagged} flagged",
  "review.col.user": "User",
  "review.col.line": "Line",
  "review.col.lastUsed": "Last used",
  "review.col.flag": "Flag",
  "review.col.decision": "Decision",
  "review.line.role": "Role: {role}",
  "review.line.grant": "Store: {store}",
  "review.flag.unused": "Unused 90+ days",
  "review.confirm": "Confirm",
  "review.revoke": "Revoke",
  "review.revoke.roleHelp": "Revoking a role line disables the user.",
  "review.decision.confirm": "Confirmed",
  "review.decision.revoke": "Revoked",
  "review.complete": "Complete the review",
  "review.complete.blocked":
    "Decide every line to complete the review ({left} left).",
  "review.history": "Completed reviews",
  "review.history.none": "No review has been completed yet.",
  "review.history.completed": "Completed",
  "review.history.by": "By",
  "review.history.lines": "Lines",
  "review.history.revoked": "Revoked",
  "review.history.flagged": "Flagged",
  "review.empty": "This review has no lines.",
  "reminder.due": "The access review is due on {date}.",
  "reminder.overdue": "The access review is overdue since {date}.",
  "reminder.open": "Open the access review",
} as const;

export type UsersMessageKey = keyof typeof en;

const zhCN: Record<UsersMessageKey, string> = {
  "users.title": "用户",
  "users.intro":
    "每人一个账户，通过邮箱邀请，仅授予其工作所需的岗位角色和店铺（数据政策第 5 条）。每项变更均需先确认，并记录在审计日志中。",
  "users.invite": "邀请用户",
  "users.filter": "筛选",
  "users.filter.apply": "应用",
  "users.filter.clear": "清除",
  "users.filter.search": "邮箱或姓名包含",
  "users.filter.anyRole": "任意角色",
  "users.filter.anyStatus": "任意状态",
  "users.col.user": "用户",
  "users.col.email": "邮箱",
  "users.col.role": "角色",
  "users.col.status": "状态",
  "users.col.kind": "登录方式",
  "users.col.lastSignIn": "最近登录",
  "users.col.lastSeen": "最近活动",
  "users.col.stores": "店铺",
  "users.col.actions": "操作",
  "users.sort.asc": "升序",
  "users.sort.desc": "降序",
  "users.empty": "没有符合筛选条件的用户。",
  "users.empty.none": "尚无用户。请邀请第一位同事。",
  "users.allStores": "全部店铺（由角色决定）",
  "users.noStores": "无",
  "users.never": "从未",
  "users.open": "打开",
  "users.pager": "分页",
  "users.pager.prev": "上一页",
  "users.pager.next": "下一页",
  "users.pager.of": "第 {page} / {pages} 页 · 共 {total} 位用户",
  "status.invited": "已邀请",
  "status.active": "已启用",
  "status.disabled": "已停用",
  "kind.sso": "单点登录",
  "kind.local": "本地（应急）",
  "user.back": "返回用户列表",
  "user.details": "账户",
  "user.created": "邀请时间",
  "user.role": "角色",
  "user.role.change": "更改角色",
  "user.role.new": "新角色",
  "user.grants": "店铺授权",
  "user.grants.intro":
    "授权决定此人可查看哪些店铺的数据（行级安全）。未使用的授权会在访问审查中标记。",
  "user.grants.allStores":
    "此角色无需授权即可查看所有店铺；店铺授权不会产生任何变化。",
  "user.grants.none": "未授权任何店铺。",
  "user.grant.store": "店铺",
  "user.grant.granted": "授权时间",
  "user.grant.lastUsed": "最近使用",
  "user.grant.add": "授权店铺",
  "user.grant.revoke": "撤销",
  "user.grant.noneLeft": "您可见的所有店铺均已授权。",
  "user.access": "访问",
  "user.disable": "停用",
  "user.disable.help":
    "用于离职人员：立即退出登录且无法再次登录（数据政策第 7 条）。",
  "user.enable": "重新启用",
  "user.signout": "退出所有设备",
  "user.signout.help": "立即结束此人的所有会话；其仍可再次登录。",
  "user.locked": "本地登录已锁定",
  "user.locked.until": "所有新地址均被锁定，直至",
  "user.locked.addresses": "因登录失败，已有 {count} 个地址被锁定。",
  "user.unlock": "解除登录锁定",
  "user.unlock.help": "解除因登录失败造成的锁定（所有地址）。仅限所有者。",
  "invite.title": "邀请用户",
  "invite.intro":
    "请使用本人的工作邮箱邀请一位同事。共享或通用邮箱（admin@、info@、team@）将被拒绝，因为亚马逊要求账户唯一。",
  "invite.sso.none":
    "尚未配置单点登录提供方（Google、Microsoft Entra ID 或 GitHub，见 README），现在受邀的人员将无法登录。请先配置，或请所有者创建应急本地账户。",
  "invite.sso.none.owner":
    "尚未配置单点登录提供方（Google、Microsoft Entra ID 或 GitHub，见 README），目前只能为人员创建应急本地账户。",
  "invite.kind.sso.none": "单点登录（尚未配置提供方）",
  "invite.kind.localHelp":
    "应急账户用于单点登录不可用时的紧急情况：该人员使用密码和身份验证器应用登录，而不是通过您的身份提供方。只有所有者可以创建，应尽量少用。",
  "users.dayHelp": "日期（UTC）；每天记录一次。",
  "invite.name": "姓名",
  "invite.email": "邮箱地址",
  "invite.role": "岗位角色",
  "invite.roleHelp": "请选择工作所需的最小权限。",
  "invite.stores": "店铺",
  "invite.storesHelp": "仅适用于不能查看所有店铺的角色；之后也可添加授权。",
  "invite.noStores": "尚未注册任何店铺。",
  "invite.submit": "继续",
  "confirm.title": "请确认",
  "confirm.yes": "确认",
  "confirm.cancel": "取消",
  "confirm.invite":
    "邀请 {name} <{email}> 担任 {role}？对方使用该邮箱通过单点登录（{providers}）进入。",
  "confirm.invite.local":
    "为 {name} <{email}> 创建担任 {role} 的应急本地账户？接下来您会得到一个一次性设置链接，请交给对方；对方用它设置密码并添加身份验证器应用。对方不通过单点登录进入。",
  "confirm.invite.stores": "授权店铺：{stores}。",
  "confirm.role":
    "将 {name} 的角色从 {from} 更改为 {to}？其权限将在下一次请求时变更。",
  "confirm.grant":
    "授权 {name} 访问 {store}？其将在下一次请求时看到该店铺的数据。",
  "confirm.revoke":
    "撤销 {name} 对 {store} 的访问？其将在下一次请求时失去访问权限。",
  "confirm.disable": "停用 {name}？其将被立即退出登录。",
  "confirm.enable": "重新启用 {name}？其可再次以 {role} 身份登录。",
  "confirm.signout": "让 {name} 退出所有设备？其所有会话将立即结束。",
  "confirm.unlock": "解除 {name} 的本地登录锁定？所有地址的失败记录都将清除。",
  "confirm.review.start":
    "开始访问审查？将列出 {lines} 行（每位用户的角色和店铺授权）供您确认或撤销；其中 {flagged} 行被标记为未使用。",
  "confirm.review.confirmRole": "确认 {name} 保留角色 {role}？",
  "confirm.review.confirmGrant": "确认 {name} 保留对 {store} 的访问？",
  "confirm.review.complete":
    "完成访问审查？已确认 {confirmed} 行，已撤销 {revoked} 行。审查将被记录为已完成。",
  "done.invite": "邀请已记录。",
  "done.role": "角色已更改。",
  "done.grant": "店铺已授权。",
  "done.revoke": "店铺授权已撤销。",
  "done.disable": "用户已停用并退出登录。",
  "done.enable": "用户已重新启用。",
  "done.signout": "该用户的所有会话均已结束。",
  "done.unlock": "登录锁定已解除。",
  "done.start": "访问审查已开始。",
  "done.decide": "决定已记录。",
  "done.complete": "访问审查已完成。",
  "error.title": "未做任何更改",
  "error.back": "返回",
  "error.invalid_input": "表单填写不正确。",
  "error.invalid_fields": "表单填写不正确。请检查：{fields}。",
  "error.no_sso":
    "尚未配置单点登录提供方，该人员将无法登录。未做任何更改：请配置 Google、Microsoft Entra ID 或 GitHub（见 README），或请所有者创建应急本地账户。",
  "error.no_sso.owner":
    "尚未配置单点登录提供方，该人员无法通过单点登录进入。未做任何更改：请选择应急本地账户，或先配置 Google、Microsoft Entra ID 或 GitHub（见 README）。",
  "error.local_owner_only": "只有所有者可以创建应急本地账户。",
  "error.owner_only": "只有所有者可以执行此操作。",
  "invite.kind": "账户类型",
  "invite.kind.sso": "单点登录（{providers}）",
  "invite.kind.local": "应急本地账户（密码与身份验证器）",
  "setup.title": "本地账户设置链接",
  "setup.done": "前往用户页面",
  "setup.intro":
    "请通过可信渠道将此链接交给 {name}。链接仅可使用一次，72 小时内有效，且不会再次显示。对方将设置密码并添加身份验证器应用。",
  "error.generic_address":
    "该邮箱代表职能而非个人。亚马逊要求每人一个账户：请邀请本人的邮箱。",
  "error.domain_not_allowed": "该邮箱不属于允许登录的邮箱域名。",
  "error.duplicate": "已存在使用该邮箱的用户。",
  "error.unknown_role": "没有此角色。",
  "error.role_not_assignable":
    "只有所有者可以将他人设为所有者：任何人都不能授予自己无法拥有的角色。",
  "error.owner_protected": "只有所有者可以更改、停用或重新启用所有者。",
  "error.self": "您不能停用自己的账户，请联系其他管理员。",
  "error.last_owner": "这是最后一位已启用的所有者。请先将其他人设为所有者。",
  "error.same_role": "该用户已拥有此角色。",
  "error.not_found": "没有此用户。",
  "error.store_not_found": "在您可见的店铺中没有此店铺。",
  "error.grant_exists": "该用户已拥有此店铺的授权。",
  "error.grant_not_found": "该用户没有此店铺的授权。",
  "error.all_stores_role":
    "此角色无需授权即可查看所有店铺；店铺授权不会产生任何变化。",
  "error.already_disabled": "该用户已被停用。",
  "error.not_disabled": "该用户未被停用。",
  "error.forbidden": "您无权执行此操作。",
  "error.already_open": "已有进行中的访问审查，请先完成。",
  "error.no_open_review": "没有进行中的访问审查。",
  "error.line_not_found": "进行中的访问审查中没有此行。",
  "error.already_decided": "此行已作出决定。",
  "error.undecided_lines": "必须确认或撤销每一行后才能完成审查。",
  "review.title": "访问审查",
  "review.intro":
    "亚马逊数据保护政策要求至少每季度进行一次访问审查（数据政策第 5 条）。每行为一位用户的角色或一项店铺授权及其最近使用时间；90 天未使用的授权会被标记。",
  "review.lastCompleted": "上次完成",
  "review.nextDue": "下次审查截止",
  "review.interval": "每 {days} 天",
  "review.state.due": "现已到期",
  "review.state.ok": "尚未到期",
  "review.start": "开始审查",
  "review.open": "进行中的审查",
  "review.open.started": "开始于 {date}；请在 {due} 前完成。",
  "review.open.progress": "已决定 {decided} / {total} 行 · {flagged} 行被标记",
  "review.col.user": "用户",
  "review.col.line": "行",
  "review.col.lastUsed": "最近使用",
  "review.col.flag": "标记",
  "review.col.decision": "决定",
  "review.line.role": "角色：{role}",
  "review.line.grant": "店铺：{store}",
  "review.flag.unused": "90 天以上未使用",
  "review.confirm": "确认",
  "review.revoke": "撤销",
  "review.revoke.roleHelp": "撤销角色行将停用该用户。",
  "review.decision.confirm": "已确认",
  "review.decision.revoke": "已撤销",
  "review.complete": "完成审查",
  "review.complete.blocked":
    "请对每一行作出决定后再完成审查（剩余 {left} 行）。",
  "review.history": "已完成的审查",
  "review.history.none": "尚未完成任何审查。",
  "review.history.completed": "完成时间",
  "review.history.by": "完成人",
  "review.history.lines": "行数",
  "review.history.revoked": "已撤销",
  "review.history.flagged": "已标记",
  "review.empty": "此审查没有任何行。",
  "reminder.due": "访问审查将于 {date} 到期。",
  "reminder.overdue": "访问审查自 {date} 起已逾期。",
  "reminder.open": "打开访问审查",
};

const catalogue: Catalogue<UsersMessageKey> = defineCatalogue(en, zhCN);

/** Every message, by language. */
export const usersMessages = catalogue.messages;

/**
 * A message in `lang` with `{name}` placeholders filled from `params`.
 *
 * @example
 * t("zh-CN", "confirm.disable", { name: "Li Wei" }); // "停用 Li Wei？其将被立即退出登录。"
 */
export const t = catalogue.t;

/** Whether `key` names a message (for codes that come from the domain). */
export const hasMessage = catalogue.has;
