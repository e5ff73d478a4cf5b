// Messages of the sync and jobs pages, in English and Simplified Chinese.
// A missing Chinese message falls back to English; `{name}` is filled by `t`.
import type { Lang } from "../i18n.ts";

const en = {
  "sync.title": "Sync",
  "sync.intro":
    "Each dataset is read from Amazon on its schedule, incrementally and resumably. Runs show what was read and written; a run that wrote nothing says why.",
  "sync.col.dataset": "Dataset",
  "sync.col.api": "API",
  "sync.col.last": "Last run",
  "sync.col.status": "Status",
  "sync.col.rows": "Rows new / updated / skipped",
  "sync.col.calls": "API calls (throttled)",
  "sync.col.started": "Started",
  "sync.col.finished": "Finished",
  "sync.col.trigger": "Trigger",
  "sync.col.pages": "Pages",
  "sync.col.actions": "Actions",
  "sync.never": "Never run",
  "sync.runNow": "Run now",
  "sync.retry": "Retry",
  "sync.running": "Running",
  "sync.queued": "Queued",
  "sync.progress": "{done} of {total}",
  "sync.history": "Run history",
  "sync.filter.dataset": "Dataset",
  "sync.filter.status": "Status",
  "sync.filter.any": "Any",
  "sync.filter.apply": "Apply",
  "sync.filter.clear": "Clear",
  "sync.empty": "No runs match these filters.",
  "sync.empty.none":
    "No sync has run yet. Connect the store, then run a dataset now or wait for its schedule.",
  "sync.more": "Older runs",
  "sync.notConnected":
    "This store is {status}: it is not synced (Data Policy §10).",
  "sync.queuedOk": "Queued. The run starts in a moment.",
  "sync.error.busy": "A run of this dataset is already queued or running.",
  "sync.error.not_failed": "Only a failed run can be retried.",
  "sync.error.not_connected": "Only a connected store can be synced.",
  "sync.error.dataset": "Unknown dataset.",
  "sync.run.title": "Sync run",
  "sync.run.error": "Error",
  "sync.run.empty": "Why nothing was written",
  "sync.run.badRows": "Skipped invalid rows",
  "sync.run.badRows.note":
    "{count} rows failed validation and were skipped; the first ones are listed (where and why, never their content).",
  "sync.run.line": "Line",
  "sync.run.source": "Source",
  "sync.run.reason": "Reason",
  "sync.run.back": "Back to sync",
  "status.queued": "queued",
  "status.running": "running",
  "status.succeeded": "succeeded",
  "status.failed": "failed",
  "status.cancelled": "cancelled",
  "empty.no_data_for_period": "no data for the period",
  "empty.role_missing": "the SP-API role is missing",
  "empty.report_cancelled": "Amazon cancelled the report (no data)",
  "empty.no_brand": "the store has no registered brand",
  "empty.no_ads_profile": "no Ads profile for this store",
  "empty.not_due": "nothing was due",
  "jobs.title": "Scheduled jobs",
  "jobs.intro":
    "One job per dataset, fired on its schedule (cron, UTC) once across all instances, for every connected store.",
  "jobs.col.job": "Job",
  "jobs.col.schedule": "Schedule (UTC)",
  "jobs.col.default": "Default",
  "jobs.col.next": "Next",
  "jobs.col.enabled": "Enabled",
  "jobs.save": "Save",
  "jobs.reset": "Reset to default",
  "jobs.saved": "Schedule saved.",
  "jobs.paused": "paused",
  "jobs.error": "{job}: the schedule {problem}.",
  "dataset.inventory": "FBA inventory",
  "dataset.orders": "Orders and items",
  "dataset.catalog": "Catalog and listings",
  "dataset.returns": "FBA returns",
  "dataset.sales_traffic": "Sales and traffic",
  "dataset.settlements": "Settlements",
  "dataset.financial_events": "Financial events",
  "dataset.search_terms": "Brand Analytics search terms",
  "dataset.ads_entities": "Ads campaigns, ad groups, keywords, targets",
  "dataset.ads_metrics": "Ads daily metrics",
};

export type SyncMessageKey = keyof typeof en;

const zhCN: Record<SyncMessageKey, string> = {
  "sync.title": "同步",
  "sync.intro":
    "每个数据集按计划从亚马逊增量读取，可中断续传。运行记录显示读取和写入的内容；未写入任何数据的运行会说明原因。",
  "sync.col.dataset": "数据集",
  "sync.col.api": "API",
  "sync.col.last": "上次运行",
  "sync.col.status": "状态",
  "sync.col.rows": "新增 / 更新 / 跳过行数",
  "sync.col.calls": "API 调用（限流）",
  "sync.col.started": "开始",
  "sync.col.finished": "结束",
  "sync.col.trigger": "触发方式",
  "sync.col.pages": "页数",
  "sync.col.actions": "操作",
  "sync.never": "从未运行",
  "sync.runNow": "立即运行",
  "sync.retry": "重试",
  "sync.running": "运行中",
  "sync.queued": "排队中",
  "sync.progress": "{done} / {total}",
  "sync.history": "运行历史",
  "sync.filter.dataset": "数据集",
  "sync.filter.status": "状态",
  "sync.filter.any": "全部",
  "sync.filter.apply": "应用",
  "sync.filter.clear": "清除",
  "sync.empty": "没有符合筛选条件的运行。",
  "sync.empty.none":
    "尚未运行任何同步。请先连接店铺，然后立即运行数据集或等待计划。",
  "sync.more": "更早的运行",
  "sync.notConnected": "此店铺状态为 {status}：不会同步（数据政策 §10）。",
  "sync.queuedOk": "已排队，运行即将开始。",
  "sync.error.busy": "该数据集已有排队或运行中的任务。",
  "sync.error.not_failed": "只能重试失败的运行。",
  "sync.error.not_connected": "只能同步已连接的店铺。",
  "sync.error.dataset": "未知的数据集。",
  "sync.run.title": "同步运行",
  "sync.run.error": "错误",
  "sync.run.empty": "未写入数据的原因",
  "sync.run.badRows": "跳过的无效行",
  "sync.run.badRows.note":
    "{count} 行未通过校验而被跳过；下面列出前几行（位置和原因，从不显示内容）。",
  "sync.run.line": "行号",
  "sync.run.source": "来源",
  "sync.run.reason": "原因",
  "sync.run.back": "返回同步",
  "status.queued": "排队中",
  "status.running": "运行中",
  "status.succeeded": "成功",
  "status.failed": "失败",
  "status.cancelled": "已取消",
  "empty.no_data_for_period": "该期间没有数据",
  "empty.role_missing": "缺少 SP-API 角色",
  "empty.report_cancelled": "亚马逊取消了报告（无数据）",
  "empty.no_brand": "店铺没有注册品牌",
  "empty.no_ads_profile": "该店铺没有广告配置文件",
  "empty.not_due": "没有到期的内容",
  "jobs.title": "计划任务",
  "jobs.intro":
    "每个数据集一个任务，按计划（cron，UTC）在所有实例中只触发一次，覆盖每个已连接的店铺。",
  "jobs.col.job": "任务",
  "jobs.col.schedule": "计划（UTC）",
  "jobs.col.default": "默认",
  "jobs.col.next": "下次",
  "jobs.col.enabled": "启用",
  "jobs.save": "保存",
  "jobs.reset": "恢复默认",
  "jobs.saved": "计划已保存。",
  "jobs.paused": "已暂停",
  "jobs.error": "{job}：计划{problem}。",
  "dataset.inventory": "FBA 库存",
  "dataset.orders": "订单和订单商品",
  "dataset.catalog": "目录和商品信息",
  "dataset.returns": "FBA 退货",
  "dataset.sales_traffic": "销售和流量",
  "dataset.settlements": "结算",
  "dataset.financial_events": "财务事件",
  "dataset.search_terms": "品牌分析搜索词",
  "dataset.ads_entities": "广告活动、广告组、关键词、定位",
  "dataset.ads_metrics": "广告每日指标",
};

export const syncMessages: Record<
  Lang,
  Partial<Record<SyncMessageKey, string>>
> = { en, "zh-CN": zhCN };

const PLACEHOLDER = /\{(\w+)\}/g;

/** A message in `lang` (English when missing) with `{name}` filled in. */
export function t(
  lang: Lang,
  key: SyncMessageKey,
  params: Record<string, string | number> = {},
): string {
  const text = syncMessages[lang]?.[key] ?? en[key];
  return text.replace(
    PLACEHOLDER,
    (all, name: string) => name in params ? String(params[name]) : all,
  );
}

/** Whether `key` names a message (for codes that come from the domain). */
export function hasSyncMessage(key: string): key is SyncMessageKey {
  return key in en;
}
