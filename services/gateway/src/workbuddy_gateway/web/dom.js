// Building the page from data without ever parsing data as HTML: text goes in as text.

export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(element.dataset, value);
    else element.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

export function show(root, ...children) {
  root.replaceChildren(...children.flat().filter(Boolean));
}

// One polite live region for what happened ("Saved", errors): screen readers announce it.
let statusTimer;
export function announce(message, { error = false } = {}) {
  const status = document.getElementById("status");
  status.textContent = message;
  status.className = error ? "status error" : "status";
  status.hidden = false;
  clearTimeout(statusTimer);
  statusTimer = setTimeout(() => { status.hidden = true; }, error ? 10000 : 4000);
}

// A form's submit handler that disables its button meanwhile and reports refusals.
export function submitting(form, action) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    try {
      await action(new FormData(form));
    } catch (error) {
      announce(error.message, { error: true });
    } finally {
      if (button) button.disabled = false;
    }
  });
  return form;
}
