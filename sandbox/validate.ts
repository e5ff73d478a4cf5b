// Checks a request's query string against the operation's model (spec.ts):
// unknown parameter names, missing required ones, wrong types, values
// outside an enum, too many items, bad ISO 8601 date-times. Amazon answers
// all of these with 400 InvalidInput, and so does the sandbox, so a client
// that sends a v0 parameter name to a v2026 operation finds out here.
import type { OperationSpec, ParamSpec } from "./spec.ts";

/** Parsed query values: strings, string lists, integers and booleans. */
export type QueryValue = string | string[] | number | boolean;
export type Query = Record<string, QueryValue | undefined>;

/** Why a request was refused, in Amazon's words where known. */
export interface Invalid {
  message: string;
  details: string;
}

const DATE_TIME =
  /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Parses an ISO 8601 date or date-time as Amazon accepts it; NaN if invalid. */
export function parseDateTime(text: string): number {
  if (!DATE_TIME.test(text)) return NaN;
  const withZone = /T/.test(text) && !/(Z|[+-]\d{2}:?\d{2})$/.test(text)
    ? `${text}Z`
    : text;
  return Date.parse(withZone);
}

/**
 * Validates `url`'s query against `spec`; returns the parsed values or the
 * reason for a 400.
 *
 * @example
 * const r = validateQuery(SP_OPERATIONS.searchOrders, url);
 * if ("message" in r) return badRequest(r);
 */
export function validateQuery(
  spec: OperationSpec,
  url: URL,
): Query | Invalid {
  const declared = new Map<string, ParamSpec>();
  for (const p of spec.params) if (p.in === "query") declared.set(p.name, p);
  const names = [...new Set(url.searchParams.keys())];
  const unknown = names.filter((n) => !declared.has(n));
  if (unknown.length > 0) {
    return {
      message: `Invalid request parameter(s): ${unknown.join(", ")}`,
      details: `Unrecognized query parameter(s) [${unknown.join(", ")}].`,
    };
  }
  const out: Query = {};
  const badDates: string[] = [];
  for (const p of declared.values()) {
    const all = url.searchParams.getAll(p.name);
    if (all.length === 0 || (all.length === 1 && all[0] === "")) {
      if (p.required) {
        return {
          message: `Missing required parameter: ${p.name}`,
          details: `The request must include the '${p.name}' parameter.`,
        };
      }
      continue;
    }
    if (p.type !== "array" && all.length > 1) {
      return invalid(p.name, "appears more than once");
    }
    const text = all[0];
    switch (p.type) {
      case "array": {
        const items = all.flatMap((v) => v.split(",")).map((v) => v.trim())
          .filter((v) => v !== "");
        if (p.maxItems !== undefined && items.length > p.maxItems) {
          return invalid(p.name, `allows at most ${p.maxItems} values`);
        }
        if (p.minItems !== undefined && items.length < p.minItems) {
          return invalid(p.name, `needs at least ${p.minItems} values`);
        }
        const wrong = p.items ? items.filter((v) => !p.items!.includes(v)) : [];
        if (wrong.length > 0) {
          return invalid(
            p.name,
            `has invalid value(s) ${wrong.join(", ")}; allowed: ${
              p.items!.join(", ")
            }`,
          );
        }
        out[p.name] = items;
        break;
      }
      case "integer": {
        if (!/^-?\d+$/.test(text)) return invalid(p.name, "must be an integer");
        const n = Number(text);
        if (p.minimum !== undefined && n < p.minimum) {
          return invalid(p.name, `must be at least ${p.minimum}`);
        }
        if (p.maximum !== undefined && n > p.maximum) {
          return invalid(p.name, `must be at most ${p.maximum}`);
        }
        out[p.name] = n;
        break;
      }
      case "number": {
        const n = Number(text);
        if (!Number.isFinite(n)) return invalid(p.name, "must be a number");
        out[p.name] = n;
        break;
      }
      case "boolean": {
        if (text !== "true" && text !== "false") {
          return invalid(p.name, "must be true or false");
        }
        out[p.name] = text === "true";
        break;
      }
      default: {
        if (p.enum && !p.enum.includes(text)) {
          return invalid(
            p.name,
            `must be one of ${p.enum.join(", ")}`,
          );
        }
        if (p.format === "date-time" && Number.isNaN(parseDateTime(text))) {
          badDates.push(p.name);
        }
        out[p.name] = text;
      }
    }
  }
  if (badDates.length > 0) {
    return {
      message: "Invalid Input",
      details: `Invalid Date-Time field(s) [${badDates.join(", ")}].`,
    };
  }
  return out;
}

function invalid(name: string, why: string): Invalid {
  return {
    message: `Invalid value for parameter ${name}`,
    details: `The parameter '${name}' ${why}.`,
  };
}

/** True when `r` is a validation failure. */
export function isInvalid(r: unknown): r is Invalid {
  return typeof r === "object" && r !== null && "message" in r &&
    "details" in r;
}
