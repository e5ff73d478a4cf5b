// Messages of the public documents (/policy, /privacy, /terms and their
// versions) and of their editor (/documents), in English and Simplified
// Chinese (a catalogue of views/i18n.ts: a missing Chinese message is a type
// error). The documents' own text is what the company published.
import { defineCatalogue } from "../i18n.ts";

const en = {
  "public.kind.policy": "Data Policy",
  "public.kind.privacy": "Privacy Policy",
  "public.kind.terms": "Terms of Service",
  "public.lastUpdated": "Last updated: {date}",
  "public.versionOf": "Version {version}",
  "public.languageNote": "This document is published in English.",
  "public.older":
    "You are reading version {version}, which has been replaced by a newer version.",
  "public.older.current": "Read the current version",
  "public.versions": "Versions",
  "public.versions.intro": "Every published version stays available here.",
  "public.versions.current": "current",
  "public.versions.reading": "you are reading this version",
  "public.versions.entry": "Version {version}",
  "public.company": "Who publishes this",
  "public.company.name": "Company",
  "public.company.email": "Contact e-mail",
  "public.company.address": "Postal address",
  "public.request.lead":
    "To ask a question about data, ask for deletion, revoke an authorization or report a security concern, use the data request form.",
  "public.request.link": "Open the data request form",
  "public.providers.title": "Service providers",
  "public.providers.intro":
    "These service providers process data for us, only on our instructions and under confidentiality obligations (Data Policy §11). This list is generated from our register of providers.",
  "public.providers.caption": "Service providers that process data for us",
  "public.providers.col.name": "Provider",
  "public.providers.col.purpose": "Purpose",
  "public.providers.col.region": "Region",
  "public.providers.col.safeguards": "Transfer safeguards",
  "public.providers.empty": "No service provider is registered at present.",
  "public.otherDocuments": "Other documents",
  // The editor (documents.publish).
  "documents.title": "Public documents",
  "documents.intro":
    "The Data Policy, Privacy Policy and Terms of Service anyone can read without signing in. A new version is previewed, then published; earlier versions stay public.",
  "documents.caption": "Public documents and their current versions",
  "documents.col.document": "Document",
  "documents.col.version": "Version",
  "documents.col.updated": "Last updated",
  "documents.col.actions": "Actions",
  "documents.open": "Open the public page",
  "documents.edit": "Edit and publish a new version",
  "documents.none": "Not published yet",
  "documents.company.title": "Company details",
  "documents.company.intro":
    "Shown at the end of every public document. Changes are recorded in the audit trail.",
  "documents.company.name": "Company name",
  "documents.company.email": "Contact e-mail",
  "documents.company.address": "Postal address (optional)",
  "documents.company.save": "Save company details",
  "documents.company.saved": "Company details saved.",
  "documents.company.invalid":
    "The company details were not saved. Correct the fields marked below.",
  "documents.edit.title": "Edit the {document}",
  "documents.edit.base":
    "You are editing from version {version}, published {date}.",
  "documents.edit.empty":
    "No version is published yet: this will be version 1.",
  "documents.field.title": "Title",
  "documents.field.body": "Text",
  "documents.field.body.help":
    "Plain text. Separate blocks with a blank line. A line such as “3. Categories of Data” becomes a numbered section heading, a short line without a full stop becomes a heading, and lines starting with “- ” become a bullet list. Markup is shown as typed, never run.",
  "documents.field.changeNote": "What changed",
  "documents.field.changeNote.help":
    "One line for the list of versions, for example “Added the e-mail provider”.",
  "documents.preview": "Preview",
  "documents.cancel": "Cancel",
  "documents.invalid":
    "Nothing was published. Correct the fields marked below.",
  "documents.problem.required": "Required.",
  "documents.problem.too_long": "Too long: at most {max} characters.",
  "documents.problem.control": "Contains characters that cannot be stored.",
  "documents.problem.invalid": "Reload the editor and try again.",
  "documents.problem.email":
    "Enter an e-mail address, such as privacy@example.com.",
  "documents.stale":
    "Version {version} was published while you were editing. Your text is kept below: compare it with the current version before you publish.",
  "documents.unpreviewed":
    "The text changed after the preview. Preview it again before you publish.",
  "documents.preview.title": "Preview: {document}, version {version}",
  "documents.preview.intro":
    "This is exactly what will be published, as visitors will see it. Nothing is public until you press Publish; publishing is recorded in the audit trail.",
  "documents.preview.note": "What changed: {note}",
  "documents.preview.publish": "Publish version {version}",
  "documents.preview.back": "Back to editing",
  "documents.preview.frame": "Preview of the page",
} as const;

type Key = keyof typeof en;

const zh: Record<Key, string> = {
  "public.kind.policy": "数据政策",
  "public.kind.privacy": "隐私政策",
  "public.kind.terms": "服务条款",
  "public.lastUpdated": "最后更新：{date}",
  "public.versionOf": "第 {version} 版",
  "public.languageNote": "本文件以英文发布。",
  "public.older": "您正在阅读第 {version} 版，该版本已被更新的版本取代。",
  "public.older.current": "阅读当前版本",
  "public.versions": "版本",
  "public.versions.intro": "每个已发布的版本都保留在此处供查阅。",
  "public.versions.current": "当前版本",
  "public.versions.reading": "您正在阅读此版本",
  "public.versions.entry": "第 {version} 版",
  "public.company": "发布方",
  "public.company.name": "公司",
  "public.company.email": "联系邮箱",
  "public.company.address": "通信地址",
  "public.request.lead":
    "如需咨询数据问题、要求删除数据、撤销授权或报告安全问题，请使用数据请求表单。",
  "public.request.link": "打开数据请求表单",
  "public.providers.title": "服务提供方",
  "public.providers.intro":
    "以下服务提供方仅按我们的指示、在保密义务约束下为我们处理数据（数据政策第 11 条）。此列表由我们的服务提供方登记簿生成。",
  "public.providers.caption": "为我们处理数据的服务提供方",
  "public.providers.col.name": "提供方",
  "public.providers.col.purpose": "用途",
  "public.providers.col.region": "地区",
  "public.providers.col.safeguards": "传输保障措施",
  "public.providers.empty": "目前没有登记的服务提供方。",
  "public.otherDocuments": "其他文件",
  "documents.title": "公开文件",
  "documents.intro":
    "数据政策、隐私政策和服务条款，任何人无需登录即可阅读。新版本先预览再发布；旧版本仍然公开。",
  "documents.caption": "公开文件及其当前版本",
  "documents.col.document": "文件",
  "documents.col.version": "版本",
  "documents.col.updated": "最后更新",
  "documents.col.actions": "操作",
  "documents.open": "打开公开页面",
  "documents.edit": "编辑并发布新版本",
  "documents.none": "尚未发布",
  "documents.company.title": "公司信息",
  "documents.company.intro":
    "显示在每份公开文件的末尾。修改会记录在审计记录中。",
  "documents.company.name": "公司名称",
  "documents.company.email": "联系邮箱",
  "documents.company.address": "通信地址（可选）",
  "documents.company.save": "保存公司信息",
  "documents.company.saved": "公司信息已保存。",
  "documents.company.invalid": "公司信息未保存。请更正下方标出的字段。",
  "documents.edit.title": "编辑{document}",
  "documents.edit.base": "您正在基于第 {version} 版（发布于 {date}）进行编辑。",
  "documents.edit.empty": "尚未发布任何版本：这将是第 1 版。",
  "documents.field.title": "标题",
  "documents.field.body": "正文",
  "documents.field.body.help":
    "纯文本。各段之间空一行。形如“3. Categories of Data”的一行会成为带编号的章节标题，没有句号的短行会成为标题，以“- ”开头的各行会成为项目列表。标记按原样显示，不会被执行。",
  "documents.field.changeNote": "修改说明",
  "documents.field.changeNote.help":
    "在版本列表中显示的一行说明，例如“新增邮件服务提供方”。",
  "documents.preview": "预览",
  "documents.cancel": "取消",
  "documents.invalid": "未发布任何内容。请更正下方标出的字段。",
  "documents.problem.required": "必填。",
  "documents.problem.too_long": "过长：最多 {max} 个字符。",
  "documents.problem.control": "包含无法保存的字符。",
  "documents.problem.invalid": "请重新打开编辑器后再试。",
  "documents.problem.email": "请输入电子邮件地址，例如 privacy@example.com。",
  "documents.stale":
    "在您编辑期间，第 {version} 版已经发布。您的文本保留在下方：发布前请与当前版本进行比较。",
  "documents.unpreviewed": "预览之后文本有变化。请重新预览后再发布。",
  "documents.preview.title": "预览：{document}第 {version} 版",
  "documents.preview.intro":
    "这正是将要发布的内容，与访客看到的一致。在您点击“发布”之前不会公开；发布操作会记录在审计记录中。",
  "documents.preview.note": "修改说明：{note}",
  "documents.preview.publish": "发布第 {version} 版",
  "documents.preview.back": "返回编辑",
  "documents.preview.frame": "页面预览",
};

export const publicCatalogue = defineCatalogue<Key>(en, zh);
export type PublicKey = Key;
