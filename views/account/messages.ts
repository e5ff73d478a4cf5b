// Messages of the account page (one's own sessions, time zone, recovery
// codes, authenticator) and of the enrolment's QR code and code copying, in
// English and Simplified Chinese (a catalogue of views/i18n.ts).
import { type Catalogue, defineCatalogue } from "../i18n.ts";

const en = {
  "account.title": "Your account",
  "account.intro":
    "Your sessions, the time zone your pages use, and (for a local account) your password, authenticator and recovery codes. Every change is recorded in the audit trail.",
  "account.field.errors": "Check the form:",
  "account.tz.title": "Time zone",
  "account.tz.label": "Show dates and times in",
  "account.tz.help":
    "An IANA time zone such as Asia/Shanghai. Hover a time to see it in UTC.",
  "account.tz.default": "Default ({zone})",
  "account.tz.submit": "Save time zone",
  "account.tz.invalid":
    "Choose a time zone from the list (an IANA name such as Europe/Berlin).",
  "account.tz.saved": "Your time zone is now {zone}.",
  "account.sessions.title": "Your sessions",
  "account.sessions.intro":
    "Every browser signed in to your account. Sign out any you do not recognise.",
  "account.sessions.created": "Signed in",
  "account.sessions.lastSeen": "Last seen",
  "account.sessions.address": "Address",
  "account.sessions.client": "Browser",
  "account.sessions.actions": "Actions",
  "account.sessions.this": "This session",
  "account.sessions.signout": "Sign out this one",
  "account.sessions.signoutLabel": "Sign out the session of {client}, {at}",
  "account.sessions.signoutOthers": "Sign out all other sessions",
  "account.sessions.unknown": "Unknown",
  "account.sessions.none": "No other session is signed in.",
  "account.sessions.ended": "That session was signed out.",
  "account.sessions.endedOthers": "{count} other sessions were signed out.",
  "account.sessions.gone":
    "That session had ended already, or is not one of yours.",
  "account.security.title": "Password and authenticator",
  "account.security.sso":
    "You sign in through single sign-on: your identity provider manages your password and second factor.",
  "account.password.link": "Change your password",
  "account.codes.title": "Recovery codes",
  "account.codes.intro":
    "New codes replace every old one at once. Confirm with your password or a current code from your authenticator app.",
  "account.codes.submit": "Create new recovery codes",
  "account.codes.badProof":
    "The password or code is not right (a code works once; wait for the next one).",
  "account.codes.needProof": "Enter your password or a current code.",
  "account.codes.done":
    "New recovery codes. The old ones no longer work. Store these somewhere safe now: they are not shown again.",
  "account.proof.password": "Password",
  "account.proof.code": "Six-digit code from your authenticator app",
  "account.proof.codeHelp": "Six digits, as the app shows them now.",
  "account.proof.or": "Either one is enough.",
  "account.mfa.title": "Replace your authenticator",
  "account.mfa.intro":
    "For a new phone or app. Confirm with your password and a current code from the authenticator you use now; then add the new one and confirm it with its first code. Until then the old one keeps working.",
  "account.mfa.submit": "Start replacing the authenticator",
  "account.mfa.badProof":
    "The password and a current code from your present authenticator are both needed, and both must be right.",
  "account.mfa.new.title": "Add your new authenticator",
  "account.mfa.new.intro":
    "Scan the QR code with the new app (or enter the secret), then enter the six-digit code it shows. Your old authenticator keeps working until you confirm.",
  "account.mfa.new.submit": "Confirm the new authenticator",
  "account.mfa.new.cancel": "Keep the old authenticator",
  "account.mfa.new.badCode":
    "That code is not from the new authenticator. Check the app's clock and try its next code.",
  "account.mfa.new.expired":
    "This replacement has expired or was not started. Start again.",
  "account.mfa.done":
    "Your new authenticator is in use; the old one no longer works, nor do the old recovery codes. Your other sessions were signed out. Here are your new recovery codes: they are not shown again.",
  "account.back": "Back to your account",
  "auth.enroll.qr": "QR code of the authenticator secret",
  "auth.enroll.qrHelp":
    "Scan it with the authenticator app, or type the secret below it.",
  "auth.enroll.secret": "Secret",
  "recovery.copy": "Copy the codes",
  "recovery.copied": "Copied to the clipboard.",
  "recovery.copyFailed": "Could not copy; select the codes and copy them.",
  "recovery.download": "Download as a text file",
  "recovery.file.header":
    "Custodian recovery codes for {email}. Each code signs in once.",
} as const;

type Key = keyof typeof en;

const zh: Record<Key, string> = {
  "account.title": "我的账户",
  "account.intro":
    "您的会话、页面使用的时区，以及（本地账户）密码、身份验证器和恢复码。每项更改都记入审计日志。",
  "account.field.errors": "请检查表单：",
  "account.tz.title": "时区",
  "account.tz.label": "日期和时间显示为",
  "account.tz.help":
    "IANA 时区名称，例如 Asia/Shanghai。将鼠标悬停在时间上可查看 UTC 时间。",
  "account.tz.default": "默认（{zone}）",
  "account.tz.submit": "保存时区",
  "account.tz.invalid": "请从列表中选择时区（IANA 名称，例如 Europe/Berlin）。",
  "account.tz.saved": "您的时区已设为 {zone}。",
  "account.sessions.title": "您的会话",
  "account.sessions.intro":
    "所有登录到您账户的浏览器。如有不认识的，请将其退出。",
  "account.sessions.created": "登录时间",
  "account.sessions.lastSeen": "最近活动",
  "account.sessions.address": "地址",
  "account.sessions.client": "浏览器",
  "account.sessions.actions": "操作",
  "account.sessions.this": "当前会话",
  "account.sessions.signout": "退出此会话",
  "account.sessions.signoutLabel": "退出 {client} 的会话（{at}）",
  "account.sessions.signoutOthers": "退出所有其他会话",
  "account.sessions.unknown": "未知",
  "account.sessions.none": "没有其他已登录的会话。",
  "account.sessions.ended": "该会话已退出。",
  "account.sessions.endedOthers": "已退出 {count} 个其他会话。",
  "account.sessions.gone": "该会话已结束，或不是您的会话。",
  "account.security.title": "密码和身份验证器",
  "account.security.sso":
    "您通过单点登录进入：密码和第二因素由身份提供方管理。",
  "account.password.link": "修改密码",
  "account.codes.title": "恢复码",
  "account.codes.intro":
    "新恢复码会立即取代所有旧恢复码。请用密码或身份验证器应用中的当前代码确认。",
  "account.codes.submit": "生成新的恢复码",
  "account.codes.badProof":
    "密码或代码不正确（每个代码只能使用一次，请等待下一个）。",
  "account.codes.needProof": "请输入密码或当前代码。",
  "account.codes.done":
    "新的恢复码。旧恢复码已失效。请立即妥善保存：它们不会再次显示。",
  "account.proof.password": "密码",
  "account.proof.code": "身份验证器应用中的六位代码",
  "account.proof.codeHelp": "六位数字，即应用当前显示的代码。",
  "account.proof.or": "二者填写其一即可。",
  "account.mfa.title": "更换身份验证器",
  "account.mfa.intro":
    "适用于新手机或新应用。请用密码和当前身份验证器的代码确认，然后添加新的身份验证器并用其第一个代码确认。在此之前旧的仍然有效。",
  "account.mfa.submit": "开始更换身份验证器",
  "account.mfa.badProof": "需要密码和当前身份验证器的代码，且两者都必须正确。",
  "account.mfa.new.title": "添加新的身份验证器",
  "account.mfa.new.intro":
    "用新应用扫描二维码（或输入密钥），然后输入它显示的六位代码。确认之前旧的身份验证器仍然有效。",
  "account.mfa.new.submit": "确认新的身份验证器",
  "account.mfa.new.cancel": "保留旧的身份验证器",
  "account.mfa.new.badCode":
    "该代码不是新身份验证器的代码。请检查应用时间并尝试下一个代码。",
  "account.mfa.new.expired": "此次更换已过期或尚未开始，请重新开始。",
  "account.mfa.done":
    "新的身份验证器已启用；旧的及旧恢复码均已失效，您的其他会话已退出。以下是新的恢复码：它们不会再次显示。",
  "account.back": "返回我的账户",
  "auth.enroll.qr": "身份验证器密钥二维码",
  "auth.enroll.qrHelp": "用身份验证器应用扫描，或输入下方的密钥。",
  "auth.enroll.secret": "密钥",
  "recovery.copy": "复制恢复码",
  "recovery.copied": "已复制到剪贴板。",
  "recovery.copyFailed": "无法复制；请选中恢复码后手动复制。",
  "recovery.download": "下载为文本文件",
  "recovery.file.header":
    "{email} 的 Custodian 恢复码。每个恢复码只能登录一次。",
};

export const accountMessages: Catalogue<Key> = defineCatalogue(en, zh);
export type AccountMessageKey = Key;
