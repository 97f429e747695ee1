// Talking with my buddies: the list of my conversations (unread badges, last words), and one
// conversation: its messages, oldest first with earlier ones on demand, a box to write, a
// "call me?" with times (each of us reads them on our own clock), live as the buddy writes.
import { get, key, post } from "./api.js";
import { announce, h, show, submitting } from "./dom.js";
import { formatDate, momentLabel, onClock, t } from "./i18n.js";
import { follow } from "./live.js";

const TIMES = 3;  // the most times a "call me?" proposes

function unreadBadge(count) {
  return count > 0 && h("span", { class: "badge", "aria-label": t("talk.unread", { count }) }, String(count));
}

function conversationCard(conversation) {
  const last = conversation.last_message;
  return h("li", { class: "card", dataset: { conversation: conversation.buddyship_id } },
    h("h3", {}, h("a", { href: `#/conversations/${encodeURIComponent(conversation.buddyship_id)}` },
      conversation.buddy_name || t("talk.former")), " ", unreadBadge(conversation.unread)),
    last ? h("p", {}, last.text || t("talk.call_me")) : h("p", { class: "empty" }, t("talk.say_hello")),
    h("p", { class: "when" }, conversation.open ? formatDate(conversation.last_activity_at) : t("talk.closed")));
}

export async function conversationsView(root, { onLeave }) {
  async function render() {
    const { items } = await get("/v1/me/conversations");
    show(root, h("h1", {}, t("nav.talk")),
      items.length ? h("ul", { class: "plain", "aria-live": "polite" }, items.map(conversationCard))
                   : h("p", { class: "empty" }, t("talk.none")));
  }
  await render();
  onLeave(follow({ onState: () => {}, onNotification: () => {}, onMessage: () => render() }));
}

function messageItem(message, me) {
  const mine = message.author_id === me;
  return h("li", { class: mine ? "message mine" : "message", dataset: { message: message.id } },
    message.text && h("p", {}, message.text),
    message.moment_id && h("p", { class: "when" }, t("talk.about_moment")),
    message.call_me && h("div", { class: "call-me" },
      h("p", {}, t("talk.call_me")),
      h("ul", {}, message.call_me.times.map((time) =>
        h("li", {}, h("time", { datetime: time }, onClock(time, message.call_me.time_zone)))))),
    h("p", { class: "when" }, formatDate(message.sent_at)));
}

function composer(buddyshipId, momentId, sent) {
  const times = Array.from({ length: TIMES }, (_, n) => h("input", {
    id: `call-${n}`, name: `time-${n}`, type: "datetime-local", "aria-label": t("talk.time", { n: n + 1 }) }));
  const form = submitting(h("form", { class: "card", id: "compose" },
    h("label", { for: "message-text" }, t("talk.write")),
    h("textarea", { id: "message-text", name: "text", rows: 3, maxlength: 2000 }),
    momentId && h("p", { class: "when" }, t("talk.answering")),
    h("details", {}, h("summary", {}, t("talk.call_me")),
      h("p", { class: "when" }, t("talk.call_me.hint")), h("div", { class: "row" }, times)),
    h("p", {}, h("button", { type: "submit" }, t("talk.send")))),
  async (data) => {
    const chosen = times.map((input) => input.value).filter(Boolean)
      .map((local) => new Date(local).toISOString());  // the browser's clock, sent with its offset
    const body = { text: data.get("text") || "", moment_id: momentId || null,
                   call_me: chosen.length ? { times: chosen } : null };
    const message = await post(`/v1/me/conversations/${encodeURIComponent(buddyshipId)}/messages`,
      body, { "Idempotency-Key": key() });
    form.reset();
    sent(message);
  });
  return form;
}

// A yes to an ask leads straight here, while the conversation is opened a moment later (as news
// of the buddyship reaches profiles): one not found yet is asked for again, for a few seconds.
async function opened(path, attempts = 12) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await Promise.all([get("/v1/me/conversations"), get(`${path}/messages?limit=30`)]);
    } catch (error) {
      if (error.status !== 404 || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

export async function conversationView(root, { member, buddyshipId, momentId, onLeave }) {
  const path = `/v1/me/conversations/${encodeURIComponent(buddyshipId)}`;
  const list = h("ol", { class: "plain messages", id: "messages", "aria-live": "polite" });
  const shown = new Set();
  let next = null;

  const add = (message, { older = false } = {}) => {
    if (shown.has(message.id)) return;
    shown.add(message.id);
    list.querySelector(".empty")?.remove();
    if (older) list.prepend(messageItem(message, member.id)); else list.append(messageItem(message, member.id));
  };
  const readUpTo = async (message) => {
    if (message.author_id !== member.id) await post(`${path}/read`, { up_to: message.id }).catch(() => {});
  };

  const [{ items: conversations }, page] = await opened(path);
  const conversation = conversations.find((c) => c.buddyship_id === buddyshipId);
  const earlier = h("button", { type: "button", class: "quiet", hidden: true, onclick: async () => {
    const more = await get(`${path}/messages?limit=30&cursor=${encodeURIComponent(next)}`);
    for (const message of more.items) add(message, { older: true });
    next = more.next;
    earlier.hidden = !next;
  } }, t("talk.earlier"));
  show(root,
    h("p", {}, h("a", { href: "#/conversations" }, t("talk.back"))),
    h("h1", {}, t("talk.with", { name: conversation?.buddy_name || t("talk.former") })),
    earlier, list,
    conversation?.open === false ? h("p", { class: "empty" }, t("talk.closed"))
      : composer(buddyshipId, momentId, (message) => { add(message); announce(t("talk.sent")); }));
  for (const message of [...page.items].reverse()) add(message);
  if (!page.items.length) list.append(h("li", { class: "empty" }, t("talk.say_hello")));
  next = page.next;
  earlier.hidden = !next;
  if (page.items.length) await readUpTo(page.items[0]);

  onLeave(follow({
    onState: () => {},
    onNotification: () => {},
    onMessage: async (message) => {
      if (message.buddyship_id !== buddyshipId) return;
      add(message);
      await readUpTo(message);
    },
  }));
}

export function replyLink(conversations, moment) {
  // A buddy's moment answered in our conversation (the feed's "reply").
  const conversation = conversations.find((c) => c.buddy_id === moment.member_id && c.open);
  return conversation && h("a", { class: "button quiet",
    href: `#/conversations/${encodeURIComponent(conversation.buddyship_id)}?moment=${encodeURIComponent(moment.id)}` },
  t("talk.reply", { label: momentLabel(moment.kind) }));
}
