// Copy buttons, no framework: a <button hidden data-copy="id"> appears only
// when this script runs (without it, the codes stay on the page to select
// and the download still works) and copies the text of the <code> elements
// inside the element `id`, one a line, saying so in the live region named
// by data-copy-status.
for (const button of document.querySelectorAll("button[data-copy]")) {
  button.hidden = false;
  button.addEventListener("click", async () => {
    const source = document.getElementById(button.dataset.copy ?? "");
    const status = document.getElementById(button.dataset.copyStatus ?? "");
    if (!source) return;
    const text = [...source.querySelectorAll("code")]
      .map((c) => c.textContent.trim())
      .join("\n");
    try {
      await navigator.clipboard.writeText(`${text}\n`);
      if (status) status.textContent = button.dataset.copied ?? "";
    } catch {
      if (status) status.textContent = button.dataset.copyFailed ?? "";
    }
  });
}
