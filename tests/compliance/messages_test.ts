// Issue #18: every code the evidence rules can return — line ids, reasons,
// figure labels — and every code of the record of processing has its words
// in both languages (a missing one would show a bare code on the page).
import assert from "node:assert/strict";
import { personalData } from "../../db/schema.ts";
import {
  EVIDENCE_PROVIDERS,
  PENDING_LINES,
  POLICY_SECTIONS,
} from "../../lib/compliance/registry.ts";
import { complianceCatalogue } from "../../views/compliance/messages.ts";

const STATES = new Set(["green", "amber", "red", "success", "failure"]);
const SOURCES = [
  "evidence.ts",
  "transport.ts",
  "record.ts",
  "handling.ts",
  "page.ts",
];

/** The reason and figure codes written in the rules' source. */
async function codesInSources(): Promise<
  { reasons: Set<string>; labels: Set<string> }
> {
  const reasons = new Set<string>(["not_tracked"]);
  const labels = new Set<string>();
  for (const file of SOURCES) {
    const src = await Deno.readTextFile(
      new URL(`../../lib/compliance/${file}`, import.meta.url),
    );
    for (const m of src.matchAll(/reason:([\s\S]*?)figures:/g)) {
      for (const r of m[1].matchAll(/"([a-z_]+)"/g)) {
        // A span may cross a status or an audit outcome: not reasons.
        if (!STATES.has(r[1])) reasons.add(r[1]);
      }
    }
    for (const m of src.matchAll(/\["(?:green|amber|red)", "([a-z_]+)"\]/g)) {
      reasons.add(m[1]);
    }
    for (const m of src.matchAll(/let reason = "([a-z_]+)"/g)) {
      reasons.add(m[1]);
    }
    for (const m of src.matchAll(/label: "([a-z_]+)"/g)) labels.add(m[1]);
  }
  return { reasons, labels };
}

Deno.test("compliance messages: every section, line, reason, figure and record code has its words", async () => {
  const missing: string[] = [];
  const need = (key: string) => {
    if (!complianceCatalogue.has(key)) missing.push(key);
  };
  for (const s of POLICY_SECTIONS) need(`section.${s}`);
  for (const p of [...EVIDENCE_PROVIDERS, ...PENDING_LINES]) {
    need(`line.${p.id}`);
  }
  const { reasons, labels } = await codesInSources();
  assert.ok(reasons.size > 30 && labels.size > 30, "the source was read");
  for (const r of reasons) need(`why.${r}`);
  for (const l of labels) need(`figure.${l}`);
  for (const cols of Object.values(personalData)) {
    for (const use of Object.values(cols)) {
      for (
        const field of [
          "category",
          "collected",
          "stored",
          "used",
          "shared",
          "disposed",
        ] as const
      ) {
        need(`rop.${field}.${use[field]}`);
      }
    }
  }
  assert.deepEqual(missing, []);
  // And the Chinese half is not the English one left in place.
  const { en, "zh-CN": zh } = complianceCatalogue.messages;
  const same = Object.keys(en).filter((k) =>
    en[k as keyof typeof en] === zh[k as keyof typeof zh]
  );
  assert.deepEqual(same, []);
});
