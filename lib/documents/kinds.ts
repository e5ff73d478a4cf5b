// The public documents (issue #17): each kind has its own address and its
// own line of versions.
export const DOCUMENT_KINDS = ["policy", "privacy", "terms"] as const;
export type DocumentKind = typeof DOCUMENT_KINDS[number];

/** Whether `v` names a document kind. */
export function isDocumentKind(v: string): v is DocumentKind {
  return (DOCUMENT_KINDS as readonly string[]).includes(v);
}
