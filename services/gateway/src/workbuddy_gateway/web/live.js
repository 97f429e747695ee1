// New notifications as they come: the API's server-sent event stream, read with fetch because
// EventSource cannot send the Authorization header. After a cut (the server ends streams every
// few minutes, networks drop), it reconnects with Last-Event-ID and gets what it missed.
// It waits before reconnecting as the server asks: the stream's `retry:` after a stream that
// ended, Retry-After when the server is busy (503), and otherwise longer after each failure in a
// row (1, 2, 4… up to 60 s), so that many open apps do not hammer a gateway that is struggling.
import { refresh, session } from "./api.js";
import { language } from "./i18n.js";

const FIRST_WAIT_MS = 1000;
const LONGEST_WAIT_MS = 60000;

export function follow({ onNotification, onState, onMessage = () => {} }) {
  let stopped = false;
  let lastId = null;
  let controller = null;
  let retryMs = 3000;       // the server's `retry:` line says how soon to come back after an end
  let failures = 0;         // in a row: each one doubles the wait
  let retryAfterMs = null;  // what the last refusal's Retry-After asked for

  function nextWait() {
    if (retryAfterMs !== null) return retryAfterMs;
    if (failures === 0) return retryMs;
    const backOff = Math.min(LONGEST_WAIT_MS, FIRST_WAIT_MS * 2 ** (failures - 1));
    return backOff * (0.8 + 0.4 * Math.random());  // apart, not all at once after an outage
  }

  async function once() {
    retryAfterMs = null;
    controller = new AbortController();
    const headers = { Accept: "text/event-stream", "Accept-Language": language(),
                      Authorization: `Bearer ${session()?.access}` };
    if (lastId) headers["Last-Event-ID"] = lastId;
    const response = await fetch("/v1/me/notifications/stream", { headers, signal: controller.signal });
    if (response.status === 401) { await refresh(); return; }
    if (!response.ok) {
      failures += 1;
      const asked = Number(response.headers.get("Retry-After"));
      if (asked > 0) retryAfterMs = asked * 1000;
      return;
    }
    failures = 0;
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
        if (event.retry) retryMs = event.retry;
        if (event.type === "notification" && event.data) onNotification(JSON.parse(event.data));
        // A buddy's message, as the conversation lists it (no id: not a notification).
        if (event.type === "message" && event.data) onMessage(JSON.parse(event.data));
      }
    }
  }

  (async () => {
    while (!stopped) {
      try { await once(); } catch { failures += 1; /* the network dropped: try again below */ }
      onState(false);
      if (!stopped) await new Promise((resolve) => setTimeout(resolve, nextWait()));
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
    else if (field === "retry" && /^\d+$/.test(value)) event.retry = Number(value);
  }
  return event;
}
