// Home: one tap to share a moment, the buddies' moments with a one-tap cheer or support, and the
// notifications as they arrive (live).
import { get, key, nameOf, post } from "./api.js";
import { announce, h, show, submitting } from "./dom.js";
import { formatDate, MOMENT_KINDS, momentLabel, t, TONE } from "./i18n.js";
import { replyLink } from "./conversations.js";
import { follow } from "./live.js";

const QUICK = [["client_won", "celebration"], ["client_lost", "support"], ["urgent_advice", "advice"]];

// An urgent ask may go to members who offer help when no buddy answers in time: only if the
// member says so, each time (the box below the buttons, unticked on every visit).
const WIDENED = ["urgent_advice"];

async function logMoment(kind, note = null, partner = null) {
  const wider = WIDENED.includes(kind) && Boolean(document.getElementById("f-widen")?.checked);
  await post("/v1/me/moments", { kind, note, ...(wider ? { widen: true } : {}), ...(partner || {}) },
    { "Idempotency-Key": key() });
  announce(t(wider ? "moment.sent.widen" : partner ? "moment.sent.partner" : "moment.sent"));
}

// A project idea may look for a partner beyond the buddies, with the skills it needs: shown only
// while "a project idea" is the kind chosen.
function partnerFields() {
  return h("fieldset", { id: "partner", hidden: true },
    h("legend", {}, momentLabel("project_idea")),
    h("label", { class: "choice" }, h("input", { type: "checkbox", name: "seeking_partner", id: "f-seeking" }),
      h("span", {}, t("moment.partner"))),
    h("label", { for: "f-skills-wanted" }, t("moment.skills_wanted")),
    h("input", { id: "f-skills-wanted", name: "skills_wanted", type: "text", maxlength: 400 }));
}

function partnerOf(data) {
  if (data.get("kind") !== "project_idea" || !data.has("seeking_partner")) return null;
  const skills = [...new Set(String(data.get("skills_wanted") || "").split(",").map((s) => s.trim()).filter(Boolean))];
  return { seeking_partner: true, skills_wanted: skills };
}

function momentForm() {
  const form = submitting(h("form", { class: "card" },
    h("label", { for: "f-kind" }, t("moment.kind")),
    h("select", { id: "f-kind", name: "kind", onchange: (event) => {
      form.querySelector("#partner").hidden = event.target.value !== "project_idea";
    } }, MOMENT_KINDS.map((kind) => h("option", { value: kind }, momentLabel(kind)))),
    h("label", { for: "f-note" }, t("moment.note")),
    h("textarea", { id: "f-note", name: "note", rows: 2, maxlength: 500 }),
    partnerFields(),
    h("p", {}, h("button", { type: "submit" }, t("moment.send")))),
  async (data) => {
    await logMoment(data.get("kind"), data.get("note") || null, partnerOf(data));
    form.reset();
    form.querySelector("#partner").hidden = true;
  });
  return h("details", {}, h("summary", {}, t("moment.other")), form);
}

async function momentCard(moment, conversations) {
  const tone = TONE[moment.kind];
  const reaction = tone === "celebration" ? "cheer" : "support";
  const name = await nameOf(moment.member_id);
  const messageId = `msg-${moment.id}`;
  const form = submitting(h("form", { class: "row" },
    h("label", { for: messageId, class: "choice" }, t("react.message")),
    h("input", { id: messageId, name: "message", type: "text", maxlength: 280 }),
    h("button", { type: "submit", class: reaction === "cheer" ? "celebration" : "support" },
      t(reaction === "cheer" ? "react.cheer" : "react.support"))),
  async (data) => {
    await post(`/v1/moments/${encodeURIComponent(moment.id)}/reactions`,
      { kind: reaction, message: data.get("message") || null }, { "Idempotency-Key": `${reaction}-${moment.id}` });
    announce(t("react.sent"));
    form.replaceChildren(h("p", {}, t("react.sent")));
  });
  return h("article", { class: `card ${tone}`, dataset: { moment: moment.id } },
    h("h3", {}, `${name} — ${momentLabel(moment.kind)}`),
    moment.note && h("p", {}, moment.note),
    h("p", { class: "when" }, formatDate(moment.logged_at)),
    form,
    replyLink(conversations, moment));
}

// Where a notification leads, when it calls for something: an ask to answer, a conversation
// a helper's yes opened.
function placeOf(notification) {
  const data = notification.data || {};
  if (notification.kind === "ask_update" && data.buddyship_id) return `#/conversations/${encodeURIComponent(data.buddyship_id)}`;
  if (notification.kind === "ask_help" || notification.kind === "ask_update") return "#/asks";
  if (notification.kind === "buddy_quiet" && data.buddyship_id) return `#/buddies/${encodeURIComponent(data.buddyship_id)}`;
  if (notification.kind === "check_in" && data.check_in_id) return `#/check-ins/${encodeURIComponent(data.check_in_id)}`;
  return null;
}

function notificationItem(notification) {
  const place = placeOf(notification);
  return h("li", { dataset: { notification: notification.id, kind: notification.kind } },
    place ? h("a", { href: place }, notification.text) : h("span", {}, notification.text), " ",
    h("span", { class: "when" }, formatDate(notification.at)));
}

export async function homeView(root, { member, onLeave }) {
  const feed = h("div", { id: "feed", "aria-live": "polite" });
  const notifications = h("ul", { id: "notifications", "aria-live": "polite" });
  const live = h("p", { class: "when" }, h("span", { class: "live-dot" }), t("feed.offline"));
  // Right after a setback or an ask that reaches nobody now: the honest word, where the member
  // just tapped, not only down in the notifications.
  const answer = h("div", { id: "after-moment", "aria-live": "polite" });
  const tell = (notification) => answer.replaceChildren(h("div", { class: "card support", role: "note" },
    h("h3", {}, t("nobody.title")), h("p", {}, notification.text)));
  show(root,
    h("h1", {}, t("home.title", { name: member.display_name })),
    h("section", { "aria-labelledby": "log-title" },
      h("h2", { id: "log-title" }, t("home.log")),
      h("div", { class: "moments" }, QUICK.map(([kind, tone]) =>
        h("button", { type: "button", class: tone, onclick: () => logMoment(kind).catch((e) => announce(e.message, { error: true })) },
          momentLabel(kind)))),
      h("p", { class: "choice" }, h("input", { id: "f-widen", name: "widen", type: "checkbox" }), " ",
        h("label", { for: "f-widen" }, t("moment.widen"))),
      answer,
      momentForm()),
    h("section", { "aria-labelledby": "feed-title" }, h("h2", { id: "feed-title" }, t("feed.title")), live, feed),
    h("section", { "aria-labelledby": "notif-title" }, h("h2", { id: "notif-title" }, t("notifications.title")), notifications));

  const shown = new Set();
  let conversations = [];  // to answer a buddy's moment in our conversation
  async function addMoment(moment, { first }) {
    if (shown.has(moment.id)) return;
    shown.add(moment.id);
    const card = await momentCard(moment, conversations);
    if (first) feed.prepend(card); else feed.append(card);
  }

  const [moments, listed, talks] = await Promise.all([
    get("/v1/me/feed?limit=20"), get("/v1/me/notifications?limit=20"), get("/v1/me/conversations")]);
  conversations = talks.items;
  for (const moment of moments.items) await addMoment(moment, { first: false });
  if (!moments.items.length) feed.append(h("p", { class: "empty" }, t("feed.empty")));
  const seen = new Set(listed.items.map((n) => n.id));
  notifications.append(...listed.items.map(notificationItem));
  const latest = listed.items[0];
  if (latest?.kind === "nobody_reachable" && !latest.read_at) tell(latest);
  if (!listed.items.length) notifications.append(h("li", { class: "empty" }, t("notifications.empty")));

  const stop = follow({
    onState: (on) => {
      live.replaceChildren(h("span", { class: on ? "live-dot on" : "live-dot" }), t(on ? "feed.live" : "feed.offline"));
    },
    onNotification: async (notification) => {
      if (seen.has(notification.id)) return;
      seen.add(notification.id);
      notifications.querySelector(".empty")?.remove();
      notifications.prepend(notificationItem(notification));
      if (notification.kind === "nobody_reachable") tell(notification);
      if (notification.kind === "moment") {
        // The notification names the moment; the feed has all of it (the note too).
        feed.querySelector(".empty")?.remove();
        const latest = await get("/v1/me/feed?limit=5");
        for (const moment of latest.items.reverse()) await addMoment(moment, { first: true });
      }
    },
  });
  onLeave(stop);
}
