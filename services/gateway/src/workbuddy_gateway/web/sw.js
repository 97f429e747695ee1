// The service worker: shows what the push service delivers, even with the app closed, and opens
// the app when the notification is tapped. The payload is the one notifications encrypts for
// this browser (RFC 8291): a title, a body and where to go.
self.addEventListener("push", (event) => {
  let message = {};
  try { message = event.data ? event.data.json() : {}; } catch { message = { body: event.data?.text() }; }
  const title = message.title || "Work Buddy";
  event.waitUntil(self.registration.showNotification(title, {
    body: message.body || "",
    tag: message.tag || undefined,
    icon: "/app/icon.svg",
    // The payload names a place in the app ("/moments/<id>", "/notifications").
    data: { url: message.url ? "/app/#" + message.url : "/app/" },
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = new URL(event.notification.data?.url || "/app/", self.location.origin).href;
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
    const open = windows.find((w) => w.url.startsWith(self.location.origin + "/app/"));
    if (open) { await open.focus(); return open.navigate ? open.navigate(url) : null; }
    return self.clients.openWindow(url);
  })());
});
