// The downloaded /compliance page: one self-contained HTML file — its CSS
// inline, no script, no image, no link to any host — carrying the audit
// chain's head hash of the moment it was made.
import { raw } from "hono/html";
import { CompliancePage, type CompliancePageProps } from "./page.tsx";
import { complianceCatalogue } from "./messages.ts";

/** Enough style to read it on its own; fixed text, no user data. */
const CSS = `
body { font: 15px/1.5 system-ui, sans-serif; color: #111827; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .25rem; }
h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #d1d5db; }
hgroup p { color: #4b5563; margin-top: 0; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { text-align: left; vertical-align: top; padding: .4rem .5rem; border-bottom: 1px solid #e5e7eb; }
thead th { background: #f3f4f6; }
tbody th { font-weight: 600; }
dl.compliance-figures { display: grid; grid-template-columns: max-content 1fr; gap: 0 1rem; margin: .25rem 0 0; font-size: .9em; }
dl.compliance-figures dt { color: #4b5563; }
dl.compliance-figures dd { margin: 0; }
code { font-family: ui-monospace, monospace; font-size: .9em; overflow-wrap: anywhere; }
.badge { display: inline-block; padding: .05em .5em; border: 1px solid currentColor; border-radius: 1em; font-size: .85em; font-weight: 600; white-space: nowrap; }
.badge-green { color: #14532d; background: #dcfce7; }
.badge-amber { color: #78350f; background: #fef3c7; }
.badge-red { color: #7f1d1d; background: #fee2e2; }
.badge-grey { color: #1f2937; background: #e5e7eb; }
.compliance-head { display: block; padding: .5rem; background: #f3f4f6; }
`;

export function ComplianceDocument(
  p: CompliancePageProps & { head: { id: number; hash: string } },
) {
  const t = complianceCatalogue.translator(p.lang);
  return (
    <>
      {raw("<!DOCTYPE html>")}
      <html lang={p.lang}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{t("compliance.title")}</title>
          <style>{raw(CSS)}</style>
        </head>
        <body>
          <main>
            <CompliancePage {...p} />
          </main>
        </body>
      </html>
    </>
  );
}
