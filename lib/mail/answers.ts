// The written answers staff start from for a question, a security report or
// another request (issue #17), in both languages; staff add their own words
// below. No buyer data from our stores goes into an answer.
import type { Lang } from "./lang.ts";

export const ANSWER_TEMPLATES = [
  "retention",
  "no_data",
  "security_thanks",
  "custom",
] as const;
export type AnswerTemplate = typeof ANSWER_TEMPLATES[number];

const TEXT: Record<Lang, Record<AnswerTemplate, string>> = {
  en: {
    retention:
      "We keep Amazon data only as long as our Data Policy allows: buyer personal data at most 30 days after delivery (longer only where the law requires it), operational data while it is needed (by default three years), and logs for at least 90 days. The Data Policy is published at /policy.",
    no_data:
      "We searched the data we hold for the details you gave and found none that relates to you.",
    security_thanks:
      "Thank you for your report. Our security team has recorded it and is looking into it under our incident-response plan.",
    custom: "",
  },
  "zh-CN": {
    retention:
      "我们仅在数据政策允许的期限内保存亚马逊数据：买家个人数据最多保存至交付后 30 天（仅在法律要求时更长），运营数据在需要期间保存（默认三年），日志至少保存 90 天。数据政策公布在 /policy。",
    no_data: "我们根据您提供的信息检索了所持有的数据，未发现与您相关的数据。",
    security_thanks:
      "感谢您的报告。我们的安全团队已记录此事，并正在按照事件响应计划进行调查。",
    custom: "",
  },
};

/** The answer as the requester will read it: the template, then staff's words. */
export function composeAnswer(
  template: AnswerTemplate,
  lang: Lang,
  extra: string,
): string {
  return [TEXT[lang][template], extra.trim()].filter((s) => s !== "").join(
    "\n\n",
  );
}
