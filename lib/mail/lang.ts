// The languages a message is written in (the same as the views').
export type Lang = "en" | "zh-CN";
export const MAIL_LANGS: readonly Lang[] = ["en", "zh-CN"];
