// Urgent asks: where each of mine stands (waiting for a buddy, out with members who offer help,
// taken, closed), and those I was asked to help with, answered yes or no in one tap. A yes that
// comes first opens our conversation; live, as the steps happen.
import { get, post } from "./api.js";
import { announce, h, show } from "./dom.js";
import { formatDate, momentLabel, t } from "./i18n.js";
import { follow } from "./live.js";

const ASK_NEWS = ["ask_help", "ask_update"];

function conversationLink(buddyshipId, label) {
  return h("a", { href: `#/conversations/${encodeURIComponent(buddyshipId)}` }, label);
}

// Where one of my asks stands, in plain words.
function myAskState(ask) {
  if (ask.state === "taken") {
    return h("p", {}, t("asks.mine.taken", { name: ask.taken_by?.display_name || t("talk.former") }), " ",
      ask.buddyship_id && conversationLink(ask.buddyship_id, t("asks.write")));
  }
  if (ask.state === "widened") return h("p", {}, t("asks.mine.widened", { count: ask.helpers_asked }));
  if (ask.state === "waiting") return h("p", {}, t("asks.mine.waiting", { at: formatDate(ask.widen_at) }));
  if (ask.state === "answered") return h("p", {}, t("asks.mine.answered"));
  return h("p", {}, t(`asks.closed.${ask.closed_reason}`));
}

function myAsk(ask) {
  return h("li", { class: "card advice", dataset: { ask: ask.id, state: ask.state } },
    h("h3", {}, momentLabel(ask.kind)),
    ask.note && h("p", {}, ask.note),
    myAskState(ask),
    h("p", { class: "when" }, formatDate(ask.logged_at)));
}

function helperAsk(ask, answer) {
  const name = ask.asker.display_name || t("talk.former");
  let action;
  if (ask.my_answer === "yes" && ask.buddyship_id) action = h("p", {}, conversationLink(ask.buddyship_id, t("asks.write_to", { name })));
  else if (ask.taken) action = h("p", {}, t("asks.help.taken", { name }));
  else if (ask.state !== "widened") action = h("p", {}, t("asks.help.closed", { name }));
  else if (ask.my_answer === "no") action = h("p", {}, t("asks.help.declined"));
  else {
    action = h("p", { class: "row" },
      h("button", { type: "button", class: "advice", onclick: () => answer(ask, "yes") }, t("asks.yes", { name })),
      h("button", { type: "button", class: "quiet", onclick: () => answer(ask, "no") }, t("asks.no")));
  }
  return h("li", { class: "card advice", dataset: { ask: ask.id, state: ask.state } },
    h("h3", {}, t("asks.help.title", { name })),
    ask.note && h("blockquote", {}, ask.note),
    ask.skills?.length && h("p", { class: "when" }, t("asks.help.skills", { skills: ask.skills.join(", ") })),
    action,
    ask.closes_at && ask.state === "widened" && h("p", { class: "when" }, t("asks.help.until", { at: formatDate(ask.closes_at) })));
}

export async function asksView(root, { onLeave, go }) {
  async function answer(ask, said) {
    try {
      const seen = await post(`/v1/me/asks/${encodeURIComponent(ask.id)}/answer`, { answer: said });
      announce(t(said === "yes" ? "asks.yes.done" : "asks.no.done"));
      if (said === "yes" && seen.buddyship_id) { go(`/conversations/${encodeURIComponent(seen.buddyship_id)}`); return; }
    } catch (error) {
      announce(error.message, { error: true });  // e.g. another member said yes first
    }
    await render();
  }

  async function render() {
    const { items } = await get("/v1/me/asks");
    const mine = items.filter((ask) => ask.role === "asker");
    const theirs = items.filter((ask) => ask.role === "helper");
    show(root, h("h1", {}, t("nav.asks")),
      h("section", { "aria-labelledby": "help-title" },
        h("h2", { id: "help-title" }, t("asks.help")),
        theirs.length ? h("ul", { class: "plain", id: "asks-for-me" }, theirs.map((ask) => helperAsk(ask, answer)))
                      : h("p", { class: "empty" }, t("asks.help.none"))),
      h("section", { "aria-labelledby": "mine-title" },
        h("h2", { id: "mine-title" }, t("asks.mine")),
        mine.length ? h("ul", { class: "plain", id: "my-asks" }, mine.map(myAsk))
                    : h("p", { class: "empty" }, t("asks.mine.none"))));
  }
  await render();
  onLeave(follow({ onState: () => {},
                   onNotification: (notification) => ASK_NEWS.includes(notification.kind) && render() }));
}
