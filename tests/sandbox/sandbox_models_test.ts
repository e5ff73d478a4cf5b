// The sandbox's operation table (sandbox/spec.ts) is a copy of
// the official models: paths, methods, usage plans and every query and path
// parameter. This test re-reads the models so the copy cannot drift.
import assert from "node:assert/strict";
import { SP_OPERATIONS } from "../../sandbox/testing.ts";

// Unchanged copies of the official models (Apache-2.0) of the operations served.
const MODELS = new URL("../fixtures/amazon-models/", import.meta.url);

interface ModelParam {
  name: string;
  in: string;
  required?: boolean;
  type?: string;
  format?: string;
  maxItems?: number;
  minItems?: number;
  minimum?: number;
  maximum?: number;
  enum?: string[];
  items?: { enum?: string[] };
}

Deno.test({
  name:
    "spec.ts matches the official models (operations, usage plans, parameters)",
  fn: async () => {
    for (const [id, op] of Object.entries(SP_OPERATIONS)) {
      const model = JSON.parse(
        await Deno.readTextFile(new URL(op.model, MODELS)),
      );
      const item = model.paths[op.path];
      assert.ok(item, `${id}: path ${op.path} in ${op.model}`);
      const m = item[op.method.toLowerCase()];
      assert.equal(m?.operationId, id, `${id}: ${op.method} ${op.path}`);
      const plan = /\|\s*([\d.]+)\s*\|\s*(\d+)\s*\|/.exec(m.description);
      assert.equal(op.rate, plan?.[1], `${id}: rate`);
      assert.equal(op.burst, Number(plan?.[2]), `${id}: burst`);
      const params = [...(item.parameters ?? []), ...(m.parameters ?? [])]
        .filter((p: ModelParam) => p.in === "query" || p.in === "path")
        .map((p: ModelParam) => {
          const out: Record<string, unknown> = { name: p.name, in: p.in };
          if (p.required) out.required = true;
          out.type = p.type;
          for (
            const k of [
              "format",
              "maxItems",
              "minItems",
              "minimum",
              "maximum",
              "enum",
            ] as const
          ) {
            if (p[k] !== undefined) out[k] = p[k];
          }
          if (p.type === "array" && p.items?.enum) out.items = p.items.enum;
          return out;
        });
      assert.deepEqual(op.params, params, `${id}: parameters`);
      assert.equal(
        op.body,
        (m.parameters ?? []).some((p: ModelParam) => p.in === "body"),
        `${id}: body`,
      );
    }
  },
});
