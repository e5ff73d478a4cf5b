// One message mechanism for both languages: every catalogue has each English
// message in Simplified Chinese with the same placeholders (a missing key
// does not even compile), and every code lib/ hands to a page — password
// problems, refusals, form problems, connection failures, permissions,
// roles — has its message in both.
import assert from "node:assert/strict";
import { CONNECT_FAILURES } from "../../lib/connections/authorize.ts";
import { SP_API_ROLES } from "../../lib/connections/authorize.ts";
import { APP_FORM_FIELDS } from "../../lib/connections/apps.ts";
import type { DisconnectionErrorCode } from "../../lib/policy/disconnection.ts";
import { ACCESS_REVIEW_ERROR_CODES } from "../../lib/security/access_review.ts";
import {
  checkPasswordPolicy,
  PASSWORD_PROBLEM_CODES,
  passwordProblem,
} from "../../lib/security/passwords.ts";
import { PERMISSIONS, ROLES } from "../../lib/security/permissions.ts";
import { USER_ADMIN_ERROR_CODES } from "../../lib/security/users.ts";
import type { StoreRegistrationProblem } from "../../lib/stores.ts";
import {
  catalogue,
  defineCatalogue,
  LANGS,
  translator,
} from "../../views/i18n.ts";
import { syncMessages } from "../../views/sync/messages.ts";
import { dashboardMessages } from "../../views/dashboard/messages.ts";
import { hasWord, word, wordMessages } from "../../views/words.ts";
import {
  apiRequestLog,
  auditEvents,
  staffUsers,
  storeCredentials,
  storeDisconnections,
  stores,
  syncRuns,
} from "../../db/schema.ts";
import { CATEGORY_NAMES } from "../../lib/policy/disconnection.ts";
import { DATASETS } from "../../lib/sync/datasets/mod.ts";
import {
  hasMessage as hasUsersMessage,
  t as usersT,
  usersMessages,
} from "../../views/users/messages.ts";

const placeholders = (s: string) =>
  [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

Deno.test("defineCatalogue: one lookup for both languages, placeholders filled", () => {
  const c = defineCatalogue(
    { hi: "Hello {name}", n: "{done} of {total}" },
    { hi: "你好，{name}", n: "{done} / {total}" },
  );
  assert.equal(c.t("en", "hi", { name: "Li" }), "Hello Li");
  assert.equal(c.t("zh-CN", "hi", { name: "Li" }), "你好，Li");
  assert.equal(c.translator("zh-CN")("n", { done: 3, total: 8 }), "3 / 8");
  assert.equal(
    c.t("en", "hi"),
    "Hello {name}",
    "a missing value stays visible",
  );
  assert.ok(c.has("hi") && !c.has("bye") && !c.has("toString"));
  // A missing Chinese message is a type error (`deno task check` fails if
  // these lines compile); never run.
  const _typeErrors = () => {
    // @ts-expect-error: "n" has no Chinese message
    defineCatalogue({ hi: "Hello", n: "n" }, { hi: "你好" });
    // @ts-expect-error: no such key
    c.t("en", "bye");
  };
});

Deno.test("every catalogue: each English message in Chinese, same placeholders", () => {
  for (
    const [name, messages] of Object.entries({
      general: catalogue.messages,
      users: usersMessages,
      sync: syncMessages,
      words: wordMessages,
      dashboard: dashboardMessages,
    })
  ) {
    const en = messages.en as Record<string, string>;
    const zh = messages["zh-CN"] as Record<string, string>;
    assert.deepEqual(Object.keys(zh).sort(), Object.keys(en).sort(), name);
    for (const [k, v] of Object.entries(en)) {
      assert.ok(zh[k].trim().length > 0, `${name} ${k}`);
      assert.deepEqual(placeholders(zh[k]), placeholders(v), `${name} ${k}`);
    }
  }
});

/** A message in every language, with no placeholder left unfilled. */
function sayable(say: (lang: "en" | "zh-CN") => string, what: string) {
  for (const lang of LANGS) {
    const text = say(lang);
    assert.ok(text.length > 0, `${what} (${lang})`);
    assert.doesNotMatch(text, /\{\w+\}/, `${what} (${lang}): ${text}`);
  }
}

Deno.test("password problems reach people in their language, numbers filled in", () => {
  for (const code of PASSWORD_PROBLEM_CODES) {
    const p = passwordProblem(code);
    sayable(
      (lang) => translator(lang)(`password.problem.${p.code}`, p.params),
      code,
    );
  }
  const [short] = checkPasswordPolicy("Ab1!", { email: "x@example.com" });
  assert.equal(
    translator("zh-CN")(`password.problem.${short.code}`, short.params),
    "请至少使用 12 个字符。",
  );
  assert.equal(
    translator("en")(`password.problem.${short.code}`, short.params),
    "Use at least 12 characters.",
  );
});

Deno.test("every refusal code of lib/ has its message in both languages", () => {
  for (const code of USER_ADMIN_ERROR_CODES) {
    assert.ok(hasUsersMessage(`error.${code}`), code);
  }
  sayable(
    (lang) => usersT(lang, "error.invalid_fields", { fields: "email" }),
    "invalid_fields",
  );
  for (const code of ACCESS_REVIEW_ERROR_CODES) {
    const key = code === "not_found" ? "error.line_not_found" : `error.${code}`;
    assert.ok(hasUsersMessage(key), code);
  }
  const shown: Exclude<
    DisconnectionErrorCode,
    "no_store" | "no_disconnection"
  >[] = ["choices", "reason", "already_disconnected"];
  for (const code of shown) {
    sayable(
      (lang) =>
        translator(lang)(`disconnect.problem.${code}`, {
          categories: "orders",
        }),
      code,
    );
  }
  for (const reason of CONNECT_FAILURES) {
    sayable((lang) => translator(lang)(`connect.fail.${reason}`), reason);
  }
  const registration: StoreRegistrationProblem[] = [
    { code: "sellerId" },
    { code: "region" },
    { code: "name" },
    { code: "brand" },
    { code: "marketplaceIds" },
    { code: "marketplace_region", params: { region: "EU" } },
    {
      code: "already_registered",
      params: { sellerId: "A1B2C3D4E5F6G7", region: "NA" },
    },
  ];
  for (const p of registration) {
    sayable(
      (lang) =>
        translator(lang)(
          `stores.problem.${p.code}`,
          "params" in p ? p.params : {},
        ),
      p.code,
    );
  }
  for (const field of APP_FORM_FIELDS) {
    sayable((lang) => translator(lang)(`apps.problem.${field}`), field);
  }
});

Deno.test("permissions, roles, features and SP-API role uses are words of the views", () => {
  for (const [name, feature] of Object.entries(PERMISSIONS)) {
    sayable(
      (lang) =>
        translator(lang)(`permission.${name as keyof typeof PERMISSIONS}`),
      name,
    );
    sayable(
      (lang) =>
        translator(lang)("roles.notUsedYet", {
          feature: translator(lang)(`feature.${feature}`),
        }),
      feature,
    );
  }
  for (const role of ROLES) {
    sayable((lang) => translator(lang)(`role.${role.name}`), role.name);
  }
  for (const r of SP_API_ROLES) {
    sayable((lang) => translator(lang)(`connect.why.${r.why}`), r.why);
  }
});

Deno.test("every state, trigger, role, data category and API has a word in both languages", () => {
  const groups: Record<string, readonly string[]> = {
    // "interrupted": a run cut short by a stop or a crash (issue #13).
    run: [...syncRuns.status.enumValues, "interrupted"],
    trigger: syncRuns.trigger.enumValues,
    store: stores.status.enumValues,
    disconnection: storeDisconnections.status.enumValues,
    user: staffUsers.status.enumValues,
    outcome: auditEvents.outcome.enumValues,
    roleName: ROLES.map((r) => r.name),
    category: CATEGORY_NAMES,
    api: [
      ...new Set([
        ...DATASETS.map((d) => d.api),
        ...apiRequestLog.api.enumValues,
      ]),
    ],
    method: storeCredentials.method.enumValues,
  };
  for (const [group, codes] of Object.entries(groups)) {
    for (const code of codes) {
      assert.ok(hasWord(`${group}.${code}`), `${group}.${code}`);
      sayable((lang) => word(lang, group, code), `${group}.${code}`);
    }
  }
  assert.equal(word("zh-CN", "run", "interrupted"), "已中断");
  assert.equal(word("en", "run", "later_state"), "later_state");
});
