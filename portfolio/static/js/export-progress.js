// The page that waits for a portfolio PDF or archive bundle (templates/exports/progress.html).
// Without JavaScript it offers a "Check again" link; with it, the page asks the server how far
// the worker has got every second, moves the progress bar, and reveals the download button
// when the file is ready. The status text is a live region, so screen readers hear each step.

const POLL_MS = 1000;
const root = document.querySelector('[data-module="app-export-progress"]');

if (root) {
  follow(root);
}

function follow(root) {
  const message = root.querySelector("[data-export-message]");
  const working = root.querySelector("[data-export-working]");
  const bar = root.querySelector("[data-export-progress]");
  const checkAgain = root.querySelector("[data-export-check-again]");
  const ready = root.querySelector("[data-export-ready]");
  const download = root.querySelector("[data-export-download]");
  let failures = 0;

  if (!working.hidden) {
    checkAgain.hidden = true; // the page updates itself instead
    setTimeout(poll, POLL_MS);
  }

  async function poll() {
    let state;
    try {
      const response = await fetch(root.dataset.statusUrl, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        cache: "no-store",
      });
      if (!response.ok) throw new Error(`status ${response.status}`);
      state = await response.json();
      failures = 0;
    } catch {
      failures += 1;
      if (failures >= 5) {
        message.textContent = "We cannot reach the server just now. Check again in a moment.";
        checkAgain.hidden = false;
        return;
      }
      setTimeout(poll, POLL_MS * failures);
      return;
    }
    show(state);
    if (!state.finished) setTimeout(poll, POLL_MS);
  }

  function show(state) {
    if (message.textContent !== state.message) message.textContent = state.message;
    bar.value = state.progress;
    bar.textContent = `${state.progress}%`;
    if (state.status === "ready") {
      working.hidden = true;
      download.href = state.download_url;
      download.textContent = state.download_label;
      ready.hidden = false;
    } else if (state.finished) {
      // failed, or replaced by a newer one: the page itself says what to do next
      window.location.reload();
    }
  }
}
