// What the error page says about a refused request (issue #11: every bad
// input is a 4xx with a clear message). Kept apart from views/i18n.ts; same
// languages, English as the fallback.
import type { Lang } from "../i18n.ts";

export type RefusalReason =
  | "bad_body"
  | "bad_value"
  | "bad_path"
  | "rate_limited";

type Messages = Record<
  "400.title" | "429.title" | "429.body" | RefusalReason,
  string
>;

const en: Messages = {
  "400.title": "The request could not be accepted",
  "429.title": "Too many requests",
  "429.body":
    "This address sent too many requests without signing in. Wait a minute, then try again.",
  bad_body:
    "The form data could not be read (for example a multipart body without a boundary). Send the form again from the page.",
  bad_value:
    "A value in the request cannot be stored or searched: remove control characters such as NUL, and use real dates between 1900 and 9999.",
  bad_path: "The address contains characters that are not allowed.",
  rate_limited:
    "This address sent too many requests without signing in. Wait a minute, then try again.",
};

const zhCN: Messages = {
  "400.title": "无法接受此请求",
  "429.title": "请求过多",
  "429.body": "此地址在未登录的情况下发送了过多请求。请稍等一分钟后重试。",
  bad_body:
    "无法读取表单数据（例如缺少 boundary 的 multipart 请求体）。请从页面重新提交表单。",
  bad_value:
    "请求中的某个值无法保存或搜索：请删除 NUL 等控制字符，并使用 1900 至 9999 年之间的真实日期。",
  bad_path: "地址中包含不允许的字符。",
  rate_limited: "此地址在未登录的情况下发送了过多请求。请稍等一分钟后重试。",
};

const MESSAGES: Record<Lang, Messages> = { en, "zh-CN": zhCN };

/** The message for `key` in `lang`. */
export function refusalMessage(lang: Lang, key: keyof Messages): string {
  return (MESSAGES[lang] ?? en)[key] ?? en[key];
}
