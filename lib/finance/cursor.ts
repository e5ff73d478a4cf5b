// Keyset cursors of the finance lists as they travel in a URL: the sort
// values of a page's first or last row, as base64url JSON. A cursor that
// does not decode to the shape the list expects is no cursor (first page).
import type { z } from "zod";

/** Values as base64url JSON. */
export function encodeCursor(values: readonly (string | null)[]): string {
  const bytes = new TextEncoder().encode(JSON.stringify(values));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-")
    .replaceAll("/", "_").replace(/=+$/, "");
}

/** The cursor in `text` if it matches `schema`, else null. */
export function decodeCursor<T>(
  text: string | undefined,
  schema: z.ZodType<T>,
): T | null {
  if (!text) return null;
  try {
    const b64 = text.replaceAll("-", "+").replaceAll("_", "/");
    const json = new TextDecoder().decode(
      Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0)),
    );
    const parsed = schema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
