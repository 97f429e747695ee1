// Buddies: proposals with the reasons for each (accept or decline), the buddies themselves (end
// a buddyship, no reason asked; each has a page of its own), where matching stands for me, the
// members I could propose to, and an invitation link to bring someone in.
import { get, key, memberOf, post } from "./api.js";
import { announce, h, show } from "./dom.js";
import { formatDate, t } from "./i18n.js";
import { who } from "./people.js";
import { matchingSection, suggestionsSection } from "./suggestions.js";

const other = (buddyship, me) => (buddyship.proposer_id === me ? buddyship.invitee_id : buddyship.proposer_id);

function act(label, className, action) {
  const button = h("button", { type: "button", class: className, onclick: async () => {
    button.disabled = true;
    try { await action(button); } catch (error) { announce(error.message, { error: true }); button.disabled = false; }
  } }, label);
  return button;
}

// Ending a buddyship, no reason asked, after a confirmation; ``ended()`` draws what follows.
export function endButton(buddyshipId, name, ended) {
  return act(t("buddy.end"), "quiet", async (button) => {
    if (!window.confirm(t("buddy.end.confirm", { name }))) {
      button.disabled = false;  // not ended: the member may change their mind again
      return;
    }
    await post(`/v1/me/buddyships/${encodeURIComponent(buddyshipId)}/end`, {}, { "Idempotency-Key": key() });
    announce(t("buddy.ended"));
    ended();
  });
}

// A support buddyship (after a setback, while the member's buddies are away) says what it is,
// to each side: the member who logged the setback proposed it, the supporter is asked.
function supportLine(buddyship, me, name, mine, theirs) {
  if (buddyship.origin !== "support") return null;
  const date = buddyship.ends_at ? formatDate(buddyship.ends_at, false) : "";
  return h("p", { class: "support-note" },
    t(buddyship.proposer_id === me ? mine : theirs, { name, date }));
}

async function proposalCard(buddyship, me, refresh) {
  const buddy = await memberOf(other(buddyship, me));
  const name = buddy.display_name;
  const waitsForMe = buddyship.awaiting.includes(me);
  const path = `/v1/me/buddyships/${encodeURIComponent(buddyship.id)}`;
  return h("article", { class: "card warmth", tabindex: "-1", dataset: { buddyship: buddyship.id } },
    who(buddy, { bio: true }),
    supportLine(buddyship, me, name, "proposals.support", "proposals.supporting"),
    buddyship.reasons.length > 0 && [h("p", {}, t("proposals.why")),
      h("ul", { class: "reasons" }, buddyship.reasons.map((reason) => h("li", {}, reason)))],
    waitsForMe
      ? h("div", { class: "row" },
          act(t("proposals.accept"), "", async () => {
            await post(`${path}/accept`, undefined, { "Idempotency-Key": key() });
            announce(t("proposals.accepted"));
            refresh();
          }),
          act(t("proposals.decline"), "quiet", async () => {
            await post(`${path}/decline`, undefined, { "Idempotency-Key": key() });
            refresh();
          }))
      : h("p", { class: "when" }, t("proposals.waiting", { name })));
}

async function buddyCard(buddyship, me, refresh) {
  const buddy = await memberOf(other(buddyship, me));
  const name = buddy.display_name;
  return h("article", { class: "card", dataset: { buddyship: buddyship.id } },
    who(buddy),
    buddyship.started_at && h("p", { class: "when" }, t("buddy.since", { date: formatDate(buddyship.started_at, false) })),
    supportLine(buddyship, me, name, "buddy.support", "buddy.supporting"),
    buddyship.check_in_id && h("p", { class: "checkin-waiting" },
      h("a", { href: `#/check-ins/${encodeURIComponent(buddyship.check_in_id)}` }, t("checkin.waiting", { name }))),
    h("p", { class: "row" },
      h("a", { class: "button", href: `#/conversations/${encodeURIComponent(buddyship.id)}` }, t("buddy.write", { name })),
      h("a", { class: "button quiet", href: `#/buddies/${encodeURIComponent(buddyship.id)}` }, t("buddy.page", { name }))),
    endButton(buddyship.id, name, refresh));
}

function inviteSection() {
  const out = h("div", { "aria-live": "polite" });
  return h("section", { class: "card", "aria-labelledby": "invite-title" },
    h("h2", { id: "invite-title" }, t("invite.title")),
    act(t("invite.make"), "quiet", async () => {
      const invitation = await post("/v1/me/invitations", undefined, { "Idempotency-Key": key() });
      out.replaceChildren(h("p", {}, t("invite.share", { date: formatDate(invitation.expires_at, false) })),
        h("input", { type: "text", readonly: true, value: invitation.link, "aria-label": t("invite.title") }));
    }),
    out);
}

export async function buddiesView(root, { member }) {
  const me = member.id;
  async function render() {
    const [{ items }, matching, suggestions] = await Promise.all([
      get("/v1/me/buddyships?limit=50"), matchingSection(member), suggestionsSection(proposedTo)]);
    const proposed = items.filter((b) => b.state === "proposed");
    const active = items.filter((b) => b.state === "active");
    show(root,
      h("h1", {}, t("nav.buddies")),  // the page the menu names; its sections say what they hold
      h("section", { "aria-labelledby": "proposals-title" },
        h("h2", { id: "proposals-title" }, t("proposals.title")),
        proposed.length ? await Promise.all(proposed.map((b) => proposalCard(b, me, render)))
                        : h("p", { class: "empty" }, t("proposals.none"))),
      h("section", { "aria-labelledby": "active-title" },
        h("h2", { id: "active-title" }, t("buddies.title")),
        active.length ? await Promise.all(active.map((b) => buddyCard(b, me, render)))
                      : h("p", { class: "empty" }, t("buddies.none"))),
      matching,
      suggestions,
      inviteSection());
  }
  // The button pressed is gone once the view is drawn again: the focus goes to the new proposal.
  async function proposedTo(buddyship) {
    await render();
    root.querySelector(`[data-buddyship="${CSS.escape(buddyship.id)}"]`)?.focus();
  }
  await render();
}
