// Typed context variables shared by every route (Hono module augmentation).
import type {} from "hono";
import type {} from "hono/request-id";
import type {} from "hono/secure-headers";
import type { Lang } from "../views/i18n.ts";
import type { Logger } from "../lib/log.ts";

declare module "hono" {
  interface ContextVariableMap {
    log: Logger;
    lang: Lang;
  }
}

export {};
