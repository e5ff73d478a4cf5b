// The record of processing (issue #18, Data Policy §3): every column that
// holds personal data, from the annotations beside the tables
// (db/schema.ts `personalData`), and the rule that decides which columns
// hold personal data, so a new one without an annotation is found — by the
// test (tests/compliance/record_test.ts) and live on /compliance.
import { sql } from "drizzle-orm";
import { rowsOf, type Tx } from "../../db/client.ts";
import { personalData, type PersonalDataUse } from "../../db/schema.ts";
import { SEALED_COLUMNS } from "../security/vault_rotation.ts";
import type { EvidenceProvider } from "./registry.ts";

/** Column names that hold personal data wherever they appear. */
export const PERSONAL_COLUMN_PATTERNS: readonly RegExp[] = [
  /e_?mail/,
  /(^|_)(display|full|first|last|given|family|contact)_name$/,
  /_by_name$/,
  /(^|_)phone/,
  /address/,
  /(^|_)ip$/,
  /user_agent/,
  /^buyer_/,
  /^requester/,
  /(^|_)postal|(^|_)street/,
];

/**
 * Tables whose rows are about one person: every column but the keys holds
 * personal data (buyer data, staff accounts and credentials). A data
 * request's own fields (its state, dates, scope) are not about the person:
 * its requester's columns are found by name and annotated one by one.
 */
export const PERSONAL_TABLE_PATTERNS: readonly RegExp[] = [
  /^buyer_pii$/,
  /^staff_users$/,
  /^local_credentials$/,
  /requester/,
];

/** Keys of a personal table: identifiers, not facts about the person. */
const KEY_COLUMN = /^(id|store_id|user_id|amazon_order_id)$/;

/** Whether `table.column` holds personal data by the rules above. */
export function holdsPersonalData(table: string, column: string): boolean {
  if (PERSONAL_COLUMN_PATTERNS.some((p) => p.test(column))) return true;
  return PERSONAL_TABLE_PATTERNS.some((p) => p.test(table)) &&
    !KEY_COLUMN.test(column);
}

/** Every column of every application table, from the database's catalogue. */
export async function catalogueColumns(
  tx: Tx,
): Promise<{ table: string; column: string }[]> {
  // pg_attribute, not information_schema: it lists columns the runtime
  // role may not read (password_hash) too.
  return rowsOf<{ table: string; column: string }>(
    await tx.execute(sql`select c.relname as table, a.attname as column
      from pg_attribute a
      join pg_class c on c.oid = a.attrelid
      join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p')
        and a.attnum > 0 and not a.attisdropped
      order by 1, 2`),
  );
}

export interface RecordProblems {
  /** Columns that hold personal data with no annotation. */
  missing: string[];
  /** Annotations naming no existing column. */
  unknown: string[];
  /** Annotated "encrypted" but not sealed by the vault, or the reverse. */
  mismatched: string[];
}

/** What is wrong with the annotations, given the catalogue's columns. */
export function recordProblems(
  columns: readonly { table: string; column: string }[],
  annotations: Record<string, Record<string, PersonalDataUse>> = personalData,
): RecordProblems {
  const existing = new Set(columns.map((c) => `${c.table}.${c.column}`));
  const annotated = new Set(
    Object.entries(annotations).flatMap(([t, cols]) =>
      Object.keys(cols).map((c) => `${t}.${c}`)
    ),
  );
  const sealed = new Set(SEALED_COLUMNS.map((s) => `${s.table}.${s.column}`));
  const missing = columns.filter((c) =>
    holdsPersonalData(c.table, c.column) &&
    !annotated.has(`${c.table}.${c.column}`)
  ).map((c) => `${c.table}.${c.column}`);
  const unknown = [...annotated].filter((a) => !existing.has(a));
  const mismatched = Object.entries(annotations).flatMap(([t, cols]) =>
    Object.entries(cols).filter(([c, use]) =>
      (use.stored === "encrypted") !== sealed.has(`${t}.${c}`)
    ).map(([c]) => `${t}.${c}`)
  );
  return { missing, unknown, mismatched };
}

/** One row of the record of processing as /compliance shows it. */
export interface RecordRow extends PersonalDataUse {
  table: string;
  column: string;
}

/** The record of processing, by table and column. */
export function recordOfProcessing(): RecordRow[] {
  return Object.entries(personalData).flatMap(([table, cols]) =>
    Object.entries(cols).map(([column, use]) => ({ table, column, ...use }))
  ).sort((a, b) =>
    a.table === b.table
      ? a.column.localeCompare(b.column)
      : a.table.localeCompare(b.table)
  );
}

/** §3: every column holding personal data is in the record, truthfully. */
export const recordCoverageLine: EvidenceProvider = {
  id: "record.coverage",
  section: "3",
  async evaluate({ db, principal }) {
    const columns = await db.asUser(principal, catalogueColumns);
    const p = recordProblems(columns);
    const bad = p.missing.length + p.unknown.length + p.mismatched.length;
    return {
      id: this.id,
      section: this.section,
      status: bad > 0 ? "red" : "green",
      reason: bad > 0 ? "record_incomplete" : "record_complete",
      figures: [
        { label: "annotated_columns", value: recordOfProcessing().length },
        { label: "unannotated_columns", value: p.missing.join(", ") || 0 },
        { label: "unknown_annotations", value: p.unknown.join(", ") || 0 },
        { label: "encryption_mismatches", value: p.mismatched.join(", ") || 0 },
      ],
      link: "#record",
    };
  },
};
