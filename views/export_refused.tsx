// The page of an export that may not run (routes/csv_response.ts gives its
// status): what stopped it, in the reader's language, and the way back.

/** An export that may not run, and the way back to its list. */
export function ExportRefusedView(p: {
  title: string;
  message: string;
  back: { href: string; label: string };
}) {
  return (
    <>
      <h1>{p.title}</h1>
      <p class="error" role="alert">{p.message}</p>
      <p>
        <a href={p.back.href}>{p.back.label}</a>
      </p>
    </>
  );
}
