// Issue #18: the compliance evidence page walks the Data Policy section by
// section; each promise is an EvidenceLine whose colour is decided by a rule
// written in code (one small function per line, lib/compliance/evidence.ts
// and transport.ts). THE EXTENSION POINT: a promise whose data arrives with
// other work (data requests, incidents, the response plan, the provider
// register) is listed in PENDING_LINES and shown amber, "not yet tracked";
// to track it, add a provider with the same id to EVIDENCE_PROVIDERS (its
// placeholder then disappears) and its words to views/compliance/messages.ts.
import type { Database } from "../../db/client.ts";
import type { Config } from "../config.ts";
import type { StaffPrincipal } from "../security/principal.ts";
import type { Vault } from "../security/vault.ts";
import {
  accessReviewLine,
  auditChainLine,
  buyerDataLine,
  disconnectedCredentialsLine,
  logRetentionLine,
  officialAuthorizationLine,
  revealsExportsLine,
  sealedCredentialsLine,
  secretRotationLine,
} from "./evidence.ts";
import {
  backupEncryptionLine,
  databaseTlsLine,
  publicHttpsLine,
  smtpTlsLine,
} from "./transport.ts";
import { recordCoverageLine } from "./record.ts";
import {
  incidentsOpenLine,
  noticesDueLine,
  planReviewLine,
  policyVersionsLine,
  providersRegisterLine,
  requestsDueLine,
} from "./handling.ts";

/** The Data Policy's sections (docs/data-policy.txt), in order. */
export const POLICY_SECTIONS = [
  "1",
  "2",
  "3",
  "4",
  "5",
  "6",
  "7",
  "8",
  "9",
  "10",
  "11",
  "12",
  "13",
  "updates",
] as const;
export type PolicySection = typeof POLICY_SECTIONS[number];

/**
 * green: the data proves the promise kept; amber: needs attention soon, or
 * not proven (never green without evidence); red: the data shows it broken.
 */
export type EvidenceStatus = "green" | "amber" | "red";

/** A figure of a line: a label code (views/compliance/messages.ts) and value. */
export interface EvidenceFigure {
  label: string;
  value: string | number | boolean | Date | null;
}

/** One promise with its live evidence. */
export interface EvidenceLine {
  /** Stable code: the views name the promise by it (`line.<id>`). */
  id: string;
  section: PolicySection;
  status: EvidenceStatus;
  /** Why this colour, as a code (`why.<reason>`). */
  reason: string;
  figures: EvidenceFigure[];
  /** The screen that proves it (a local path), or null. */
  link: string | null;
}

/** What a provider may read to decide its line. */
export interface EvidenceContext {
  db: Database;
  kv: Deno.Kv;
  vault: Vault;
  config: Config;
  /** An owner or auditor (audit.read): every store, the whole trail. */
  principal: StaffPrincipal;
  now: Date;
}

export interface EvidenceProvider {
  id: string;
  section: PolicySection;
  evaluate(ctx: EvidenceContext): Promise<EvidenceLine>;
}

/** Every tracked promise, in page order within its section. */
export const EVIDENCE_PROVIDERS: EvidenceProvider[] = [
  recordCoverageLine,
  officialAuthorizationLine,
  revealsExportsLine,
  accessReviewLine,
  sealedCredentialsLine,
  secretRotationLine,
  publicHttpsLine,
  databaseTlsLine,
  smtpTlsLine,
  backupEncryptionLine,
  auditChainLine,
  buyerDataLine,
  logRetentionLine,
  disconnectedCredentialsLine,
  providersRegisterLine,
  incidentsOpenLine,
  noticesDueLine,
  planReviewLine,
  requestsDueLine,
  policyVersionsLine,
];

/**
 * Promises the portal cannot show evidence for yet: shown amber, "not yet
 * tracked", until a provider with the same id is registered above; `link`
 * is the screen that will prove it (h-requests, h-incidents, h-docs).
 */
export const PENDING_LINES: {
  id: string;
  section: PolicySection;
  link: string | null;
}[] = [
  // Every promise is tracked now (lib/compliance/handling.ts); a new one
  // whose evidence is not built yet goes here.
];

/**
 * A pending promise's line: amber, never green, and no proof link until a
 * provider brings one (`link` above is the screen it will point to).
 */
export function pendingLine(p: (typeof PENDING_LINES)[number]): EvidenceLine {
  return {
    id: p.id,
    section: p.section,
    status: "amber",
    reason: "not_tracked",
    figures: [],
    link: null,
  };
}
