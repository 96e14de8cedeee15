// Evidence uploader: progressive enhancement of the plain multipart form in
// templates/learner/_upload.html. Files chosen (picker, camera or drag and drop) upload one at
// a time, each with its own <progress> and a status read out through a live region. The
// server checks everything again; the checks here only save a learner a long wait.

const form = document.querySelector('form[data-module="app-uploader"]');

if (form) {
  enhance(form);
}

function enhance(form) {
  const list = form.querySelector("[data-upload-list]");
  const live = form.querySelector("[data-upload-status]");
  const drop = form.querySelector("[data-upload-drop]");
  const pickers = form.querySelectorAll('input[type="file"]');
  const maxBytes = Number(form.dataset.maxBytes);
  const maxLabel = form.dataset.maxLabel;
  const queue = [];
  let busy = false;
  let counter = 0;
  let uploaded = 0;

  const announce = (message) => {
    live.textContent = message;
  };

  const consent = () => {
    const chosen = form.querySelector('input[name="consent"]:checked');
    return chosen ? chosen.value : null;
  };

  const showConsentError = (show) => {
    const group = form.querySelector('input[name="consent"]').closest(".govuk-form-group");
    let error = group.querySelector("[data-consent-error]");
    if (!show) {
      if (error) error.remove();
      group.classList.remove("govuk-form-group--error");
      return;
    }
    if (!error) {
      error = document.createElement("p");
      error.className = "govuk-error-message";
      error.id = "consent-error";
      error.dataset.consentError = "";
      error.innerHTML = '<span class="govuk-visually-hidden">Error:</span> ';
      error.append(
        "Say whether the files show people who can be identified, and whether they consented, " +
          "before you upload.",
      );
      group.querySelector("legend").after(error);
    }
    group.classList.add("govuk-form-group--error");
    group.querySelector('input[name="consent"]').focus();
    announce(error.textContent);
  };

  const addItem = (file) => {
    counter += 1;
    const id = `upload-${counter}`;
    const item = document.createElement("li");
    item.className = "app-upload-item";
    item.dataset.state = "waiting";
    const name = document.createElement("span");
    name.className = "govuk-body govuk-!-font-weight-bold app-upload-item__name";
    name.id = `${id}-name`;
    name.textContent = file.name;
    const progress = document.createElement("progress");
    progress.className = "app-upload-item__progress";
    progress.id = id;
    progress.max = 100;
    progress.value = 0;
    progress.setAttribute("aria-labelledby", `${id}-name`);
    progress.setAttribute("aria-describedby", `${id}-status`);
    const status = document.createElement("p");
    status.className = "govuk-body-s app-upload-item__status";
    status.id = `${id}-status`;
    status.textContent = "Waiting to upload";
    item.append(name, progress, status);
    list.append(item);
    return { file, item, progress, status };
  };

  const fail = (entry, message) => {
    entry.item.dataset.state = "error";
    entry.status.className = "govuk-error-message app-upload-item__status";
    entry.status.textContent = `Not uploaded: ${message}`;
    announce(`${entry.file.name} was not uploaded. ${message}`);
  };

  const finish = () => {
    if (uploaded === 0 || form.querySelector("[data-upload-done]")) return;
    const done = document.createElement("p");
    done.className = "govuk-body";
    done.dataset.uploadDone = "";
    const link = document.createElement("a");
    link.className = "govuk-link";
    link.href = `${window.location.pathname}#evidence-files`;
    link.textContent = "Show the uploaded files with the rest of this evidence";
    link.addEventListener("click", () => window.location.reload());
    done.append(link);
    list.after(done);
  };

  const send = (entry) =>
    new Promise((resolve) => {
      const data = new FormData();
      const token = form.querySelector('input[name="csrf_token"]');
      if (token) data.append("csrf_token", token.value);
      data.append("consent", entry.consent);
      data.append("files", entry.file, entry.file.name);
      const request = new XMLHttpRequest();
      request.open("POST", form.action);
      request.setRequestHeader("Accept", "application/json");
      entry.item.dataset.state = "uploading";
      entry.status.textContent = "Uploading: 0%";
      announce(`Uploading ${entry.file.name}`);
      request.upload.addEventListener("progress", (event) => {
        if (!event.lengthComputable) return;
        const percent = Math.floor((event.loaded / event.total) * 100);
        entry.progress.value = percent;
        entry.status.textContent = `Uploading: ${percent}%`;
      });
      request.addEventListener("load", () => {
        let body = {};
        try {
          body = JSON.parse(request.responseText);
        } catch {
          body = {};
        }
        if (request.status === 201) {
          entry.progress.value = 100;
          entry.item.dataset.state = "complete";
          entry.status.textContent = "Uploaded";
          uploaded += 1;
          announce(`${entry.file.name} uploaded`);
        } else if (body.errors) {
          fail(entry, body.errors.join(" "));
        } else {
          fail(entry, body.detail || "Something went wrong. Try again.");
        }
        resolve();
      });
      const lost = () => {
        fail(entry, "The upload stopped. Check your connection, then choose the file again.");
        resolve();
      };
      request.addEventListener("error", lost);
      request.addEventListener("abort", lost);
      request.send(data);
    });

  const pump = async () => {
    if (busy) return;
    busy = true;
    while (queue.length) {
      await send(queue.shift());
    }
    busy = false;
    finish();
  };

  const accept = (files) => {
    if (!files.length) return;
    const answer = consent();
    if (!answer) {
      showConsentError(true);
      return;
    }
    showConsentError(false);
    for (const file of files) {
      const entry = addItem(file);
      entry.consent = answer;
      if (file.size === 0) {
        fail(entry, `${file.name} is empty (0 bytes). Check the file and choose it again.`);
      } else if (file.size > maxBytes) {
        fail(entry, `${file.name} is larger than ${maxLabel}. Make it smaller, then upload it again.`);
      } else {
        queue.push(entry);
      }
    }
    // The answer belongs to this batch of files; the next batch is asked again.
    for (const radio of form.querySelectorAll('input[name="consent"]')) {
      radio.checked = false;
    }
    pump();
  };

  for (const picker of pickers) {
    picker.addEventListener("change", () => {
      accept(Array.from(picker.files));
      picker.value = "";
    });
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const chosen = [];
    for (const picker of pickers) {
      chosen.push(...picker.files);
    }
    if (chosen.length && !consent()) {
      showConsentError(true); // keep the chosen files until the question is answered
      return;
    }
    for (const picker of pickers) {
      picker.value = "";
    }
    accept(chosen);
  });

  if (drop) {
    drop.addEventListener("dragover", (event) => {
      event.preventDefault();
      drop.classList.add("app-upload-drop--active");
    });
    drop.addEventListener("dragleave", () => drop.classList.remove("app-upload-drop--active"));
    drop.addEventListener("drop", (event) => {
      event.preventDefault();
      drop.classList.remove("app-upload-drop--active");
      accept(Array.from(event.dataTransfer.files));
    });
  }
}
