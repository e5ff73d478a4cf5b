// Every e-mail the portal sends, from a template in both languages. The
// parameters are what the requester gave (their name, the request's public
// reference) and links we made; never a buyer's data from our stores, and
// never a credential (the canary test reads every rendered message).
import type { Lang } from "./lang.ts";

export const MAIL_TEMPLATES = [
  "verify",
  "received",
  "extended",
  "denied",
  "completed",
  "answer",
  "withdrawn",
] as const;
export type MailTemplate = typeof MAIL_TEMPLATES[number];

export type MailParams = Readonly<Record<string, string>>;

interface Text {
  subject: string;
  body: string;
}

const en: Record<MailTemplate, Text> = {
  verify: {
    subject: "Confirm your data request {ref}",
    body:
      "Hello {name},\n\nWe received a data request ({ref}) made with this e-mail address. To confirm that it was you, open this link within 24 hours:\n\n{link}\n\nIf you did not make this request, ignore this message: nothing will happen, and the request expires after 7 days.\n",
  },
  received: {
    subject: "Your data request {ref} is confirmed",
    body:
      "Hello {name},\n\nThank you for confirming your e-mail address. We will answer your request {ref} by {due}.\n\nYou can follow it, or withdraw it, here:\n\n{status}\n",
  },
  extended: {
    subject: "Your data request {ref} needs more time",
    body:
      "Hello {name},\n\nWe need more time to complete your request {ref}. The new date is {due}.\n\nWhy: {reason}\n\nFollow it here:\n\n{status}\n",
  },
  denied: {
    subject: "Your data request {ref} was declined",
    body:
      "Hello {name},\n\nWe cannot carry out your request {ref}.\n\nReason: {reason}\n\n{explanation}\n\nDetails:\n\n{status}\n",
  },
  completed: {
    subject: "Your data request {ref} is complete",
    body:
      "Hello {name},\n\nYour request {ref} is complete.\n\n{summary}\n\nDetails:\n\n{status}\n",
  },
  answer: {
    subject: "An answer to your data request {ref}",
    body:
      "Hello {name},\n\nHere is our answer to your request {ref}:\n\n{answer}\n\nDetails:\n\n{status}\n",
  },
  withdrawn: {
    subject: "Your data request {ref} was withdrawn",
    body:
      "Hello {name},\n\nYour request {ref} was withdrawn as you asked. Nothing more will be done with it.\n",
  },
};

const zh: Record<MailTemplate, Text> = {
  verify: {
    subject: "请确认您的数据请求 {ref}",
    body:
      "{name}，您好：\n\n我们收到了使用此电子邮件地址提交的数据请求（{ref}）。为确认是您本人提交，请在 24 小时内打开以下链接：\n\n{link}\n\n如果这不是您提交的请求，请忽略本邮件：我们不会采取任何行动，该请求将在 7 天后失效。\n",
  },
  received: {
    subject: "您的数据请求 {ref} 已确认",
    body:
      "{name}，您好：\n\n感谢您确认电子邮件地址。我们将在 {due} 之前答复您的请求 {ref}。\n\n您可以在此查看进度或撤回请求：\n\n{status}\n",
  },
  extended: {
    subject: "您的数据请求 {ref} 需要更多时间",
    body:
      "{name}，您好：\n\n我们需要更多时间来完成您的请求 {ref}。新的日期为 {due}。\n\n原因：{reason}\n\n查看进度：\n\n{status}\n",
  },
  denied: {
    subject: "您的数据请求 {ref} 未能办理",
    body:
      "{name}，您好：\n\n我们无法办理您的请求 {ref}。\n\n原因：{reason}\n\n{explanation}\n\n详情：\n\n{status}\n",
  },
  completed: {
    subject: "您的数据请求 {ref} 已完成",
    body:
      "{name}，您好：\n\n您的请求 {ref} 已完成。\n\n{summary}\n\n详情：\n\n{status}\n",
  },
  answer: {
    subject: "关于您的数据请求 {ref} 的答复",
    body:
      "{name}，您好：\n\n以下是我们对您的请求 {ref} 的答复：\n\n{answer}\n\n详情：\n\n{status}\n",
  },
  withdrawn: {
    subject: "您的数据请求 {ref} 已撤回",
    body:
      "{name}，您好：\n\n您的请求 {ref} 已按您的要求撤回，我们不会再对其进行任何处理。\n",
  },
};

const TEXTS: Record<Lang, Record<MailTemplate, Text>> = { en, "zh-CN": zh };

/** The denial reasons as the requester reads them. */
export const DENIAL_TEXT: Record<Lang, Record<string, string>> = {
  en: {
    suspected_fraud: "we suspect the request is not genuine",
    insufficient_verification: "we could not verify your identity",
    no_match: "we hold no data that matches the details given",
    claim_not_covered: "the request is not one we are required to carry out",
    outside_jurisdiction: "the request falls outside the applicable law",
    too_many_requests: "too many requests were made",
    other: "see the explanation below",
  },
  "zh-CN": {
    suspected_fraud: "我们怀疑该请求并非真实请求",
    insufficient_verification: "我们无法核实您的身份",
    no_match: "我们没有与所提供信息相符的数据",
    claim_not_covered: "该请求不属于我们必须办理的范围",
    outside_jurisdiction: "该请求超出适用法律的范围",
    too_many_requests: "提交的请求过多",
    other: "请参阅下面的说明",
  },
};

/** A rendered message: subject and plain-text body. */
export function renderMail(
  template: MailTemplate,
  lang: Lang,
  params: MailParams,
): Text {
  const t = (TEXTS[lang] ?? en)[template];
  const fill = (s: string) =>
    s.replace(
      /\{(\w+)\}/g,
      (all, k: string) => Object.hasOwn(params, k) ? params[k] : all,
    );
  // A subject is one line: whatever the requester typed cannot add headers.
  return {
    subject: fill(t.subject).replace(/[\r\n]+/g, " "),
    body: fill(t.body),
  };
}
