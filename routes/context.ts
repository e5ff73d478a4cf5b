// Typed context variables shared by every route (Hono module augmentation).
import type { Lang } from "../views/i18n.ts";
import type { Logger } from "../lib/log.ts";

declare module "hono" {
  interface ContextVariableMap {
    log: Logger;
    lang: Lang;
  }
}

export {};
