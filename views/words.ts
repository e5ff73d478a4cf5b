// The names of things as people read them, in English and Simplified
// Chinese (a catalogue of views/i18n.ts: a missing Chinese name is a type
// error): states, sync triggers, roles, data categories, APIs and audit
// outcomes. lib/ and the database speak in codes (`succeeded`,
// `sales_traffic`, `support`); a page shows these words instead, and keeps
// the code only where a developer or an auditor needs it (a tooltip, the
// roles page's details).
import { type Catalogue, defineCatalogue, type Lang } from "./i18n.ts";

const en = {
  "run.queued": "Queued",
  "run.running": "Running",
  "run.succeeded": "Succeeded",
  "run.interrupted": "Interrupted",
  "run.failed": "Failed",
  "run.cancelled": "Cancelled",
  "store.registered": "Not connected yet",
  "store.connected": "Connected",
  "store.revoked": "Authorization revoked",
  "store.disconnecting": "Disconnecting",
  "store.disconnected": "Disconnected",
  "disconnection.in_progress": "In progress",
  "disconnection.completed": "Completed",
  "outcome.success": "Succeeded",
  "outcome.failure": "Failed",
  "outcome.denied": "Denied",
  "user.active": "Active",
  "user.invited": "Invited",
  "user.disabled": "Disabled",
  "job.enabled": "Scheduled",
  "job.paused": "Paused",
  "trigger.schedule": "Schedule",
  "trigger.manual": "Run by hand",
  "trigger.retry": "Retry",
  "trigger.seed": "Demo data",
  "trigger.resume": "Resumed after a restart",
  "roleName.owner": "Owner",
  "roleName.admin": "Administrator",
  "roleName.operations": "Operations",
  "roleName.advertising": "Advertising",
  "roleName.finance": "Finance",
  "roleName.support": "Customer support",
  "roleName.auditor": "Auditor",
  "roleName.viewer": "Viewer",
  "category.catalog": "Products and listings",
  "category.inventory": "FBA inventory",
  "category.orders": "Orders, order items and returns",
  "category.buyer_pii": "Buyer personal data",
  "category.sales_traffic": "Sales and traffic",
  "category.advertising": "Advertising",
  "category.finance": "Settlements, fees and financial events",
  "category.brand_analytics": "Brand Analytics search terms",
  "category.sync": "Sync history",
  "category.api_logs": "API call log",
  "api.sp-api": "Selling Partner API",
  "api.ads": "Advertising API",
  "api.ads-api": "Advertising API",
  "api.lwa": "Login with Amazon",
  "api.report-document": "Report download",
  "method.website": "Authorized in Seller Central",
  "method.self": "Self-authorization (private app)",
  "actor.system": "Custodian (automatic)",
  "actor.anonymous": "Not signed in",
  "actor.requester": "Requester",
  "actor.unknown": "Unknown user",
};

export type WordKey = keyof typeof en;

const zhCN: Record<WordKey, string> = {
  "run.queued": "排队中",
  "run.running": "运行中",
  "run.succeeded": "成功",
  "run.interrupted": "已中断",
  "run.failed": "失败",
  "run.cancelled": "已取消",
  "store.registered": "尚未连接",
  "store.connected": "已连接",
  "store.revoked": "授权已撤销",
  "store.disconnecting": "正在断开",
  "store.disconnected": "已断开",
  "disconnection.in_progress": "进行中",
  "disconnection.completed": "已完成",
  "outcome.success": "成功",
  "outcome.failure": "失败",
  "outcome.denied": "已拒绝",
  "user.active": "已启用",
  "user.invited": "已邀请",
  "user.disabled": "已停用",
  "job.enabled": "按计划运行",
  "job.paused": "已暂停",
  "trigger.schedule": "计划",
  "trigger.manual": "手动运行",
  "trigger.retry": "重试",
  "trigger.seed": "演示数据",
  "trigger.resume": "重启后继续",
  "roleName.owner": "所有者",
  "roleName.admin": "管理员",
  "roleName.operations": "运营",
  "roleName.advertising": "广告",
  "roleName.finance": "财务",
  "roleName.support": "客户支持",
  "roleName.auditor": "审计员",
  "roleName.viewer": "只读用户",
  "category.catalog": "商品和商品信息",
  "category.inventory": "FBA 库存",
  "category.orders": "订单、订单商品和退货",
  "category.buyer_pii": "买家个人数据",
  "category.sales_traffic": "销售和流量",
  "category.advertising": "广告",
  "category.finance": "结算、费用和财务事件",
  "category.brand_analytics": "品牌分析搜索词",
  "category.sync": "同步历史",
  "category.api_logs": "API 调用日志",
  "api.sp-api": "销售伙伴 API",
  "api.ads": "广告 API",
  "api.ads-api": "广告 API",
  "api.lwa": "亚马逊登录（LWA）",
  "api.report-document": "报告下载",
  "method.website": "在 Seller Central 授权",
  "method.self": "自授权（私有应用）",
  "actor.system": "Custodian（自动）",
  "actor.anonymous": "未登录",
  "actor.requester": "请求人",
  "actor.unknown": "未知用户",
};

const catalogue: Catalogue<WordKey> = defineCatalogue(en, zhCN);

/** Every name, by language. */
export const wordMessages = catalogue.messages;

/** Whether `key` names a word (for codes that come from lib/). */
export const hasWord = catalogue.has;

/**
 * The word for `code` in group `group` (`run`, `store`, `trigger`,
 * `roleName`, `category`, `api`, …), or the code itself when the group has
 * no word for it (a state added later still shows, untranslated).
 *
 * @example
 * word("zh-CN", "run", "interrupted"); // "已中断"
 * word("en", "category", "buyer_pii"); // "Buyer personal data"
 */
export function word(lang: Lang, group: string, code: string): string {
  const key = `${group}.${code}`;
  return hasWord(key) ? catalogue.t(lang, key) : code;
}

/** A role's name in `lang` ("Customer support" for `support`). */
export function roleName(lang: Lang, role: string): string {
  return word(lang, "roleName", role);
}
