// Push in this browser: a service worker, the server's VAPID key, PushManager.subscribe, and
// the subscription handed to the API. Turning it off unsubscribes here and there.
import { call, get, key, post } from "./api.js";

const SUBSCRIPTION = "workbuddy.push-subscription";

export function supported() {
  return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
}

async function registration() {
  return navigator.serviceWorker.register("/app/sw.js", { scope: "/app/" });
}

export async function serverKey() {
  try { return (await get("/v1/push/key")).public_key; } catch (error) {
    if (error.status === 404) return null;
    throw error;
  }
}

export async function current() {
  if (!supported()) return null;
  const found = await navigator.serviceWorker.getRegistration("/app/");
  return found ? found.pushManager.getSubscription() : null;
}

export async function turnOn(publicKey) {
  if (await Notification.requestPermission() !== "granted") return "denied";
  const worker = await registration();
  await navigator.serviceWorker.ready;
  const subscription = await worker.pushManager.subscribe({
    userVisibleOnly: true, applicationServerKey: fromBase64Url(publicKey),
  });
  const saved = await post("/v1/me/push-subscriptions", subscription.toJSON(), { "Idempotency-Key": key() });
  localStorage.setItem(SUBSCRIPTION, saved.id);
  return "on";
}

export async function turnOff() {
  const subscription = await current();
  const id = localStorage.getItem(SUBSCRIPTION);
  if (id) await call("DELETE", `/v1/me/push-subscriptions/${encodeURIComponent(id)}`).catch(() => {});
  localStorage.removeItem(SUBSCRIPTION);
  if (subscription) await subscription.unsubscribe();
}

function fromBase64Url(text) {
  const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}
