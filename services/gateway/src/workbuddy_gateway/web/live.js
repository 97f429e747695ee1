// New notifications as they come: the API's server-sent event stream, read with fetch because
// EventSource cannot send the Authorization header. After a cut (the server ends streams every
// few minutes, networks drop), it reconnects with Last-Event-ID and gets what it missed.
import { refresh, session } from "./api.js";
import { language } from "./i18n.js";

export function follow({ onNotification, onState }) {
  let stopped = false;
  let lastId = null;
  let controller = null;

  async function once() {
    controller = new AbortController();
    const headers = { Accept: "text/event-stream", "Accept-Language": language(),
                      Authorization: `Bearer ${session()?.access}` };
    if (lastId) headers["Last-Event-ID"] = lastId;
    const response = await fetch("/v1/me/notifications/stream", { headers, signal: controller.signal });
    if (response.status === 401) { await refresh(); return; }
    if (!response.ok) return;
    onState(true);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = parse(block);
        if (event.id) lastId = event.id;
        if (event.type === "notification" && event.data) onNotification(JSON.parse(event.data));
      }
    }
  }

  (async () => {
    while (!stopped) {
      try { await once(); } catch { /* the network dropped: try again below */ }
      onState(false);
      if (!stopped) await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  })();

  return () => { stopped = true; controller?.abort(); };
}

function parse(block) {
  const event = { type: "message", data: "" };
  for (const line of block.split("\n")) {
    if (line.startsWith(":")) continue; // a keep-alive comment
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") event.type = value;
    else if (field === "data") event.data += (event.data ? "\n" : "") + value;
    else if (field === "id") event.id = value;
  }
  return event;
}
