// A buddy's page: how our buddyship is going, in plain words, and what to do when something is
// wrong: block them, or report them (which blocks too), each after a confirmation.
import { get, memberOf, post } from "./api.js";
import { endButton } from "./buddies.js";
import { rhythmOf } from "./checkins.js";
import { announce, h, show, submitting } from "./dom.js";
import { formatDate, language, t } from "./i18n.js";
import { who } from "./people.js";

const REPORT_REASONS = ["harassment", "spam", "inappropriate", "impersonation", "other"];
const REPORT_DETAILS_MAX = 1000;
const EVEN = 0.75;  // reciprocity from which both are said to show up about as much

const other = (buddyship, me) => (buddyship.proposer_id === me ? buddyship.invitee_id : buddyship.proposer_id);

async function findBuddyship(id) {
  // No single-buddyship read in the API: the member's list, a page at a time.
  let cursor = null;
  do {
    const page = await get(`/v1/me/buddyships?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    const found = page.items.find((b) => b.id === id);
    if (found) return found;
    cursor = page.next;
  } while (cursor);
  return null;
}

function duration(minutes) {
  const [value, unit] = minutes < 90 ? [Math.max(1, minutes), "minute"]
    : minutes < 48 * 60 ? [Math.round(minutes / 60), "hour"] : [Math.round(minutes / 1440), "day"];
  return new Intl.NumberFormat(language(), { style: "unit", unit, unitDisplay: "long" }).format(value);
}

// What the health of a buddyship says, as sentences for the member ``me`` about ``name``.
export function healthWords(health, me, name) {
  const mine = health.sides.find((side) => side.member_id === me);
  const theirs = health.sides.find((side) => side.member_id !== me);
  if (health.quiet_member_id && health.quiet_member_id !== me) return [t("health.quiet.them", { name })];
  const words = health.quiet_member_id === me ? [t("health.quiet.me", { name })] : [];
  if (!mine?.moments_seen && !theirs?.moments_seen) words.push(t("health.early"));
  else {
    for (const [side, key] of [[mine, "mine"], [theirs, "theirs"]]) {
      if (!side?.moments_seen) { words.push(t(`health.${key}.none`, { name })); continue; }
      words.push(t(`health.${key}`, { name, reacted: side.reacted, seen: side.moments_seen }));
      if (side.median_reaction_minutes !== null) words.push(t("health.speed", { time: duration(side.median_reaction_minutes) }));
    }
  }
  if (health.reciprocity !== null) words.push(t(health.reciprocity >= EVEN ? "health.even" : "health.uneven"));
  if (health.ratings.length) words.push(t("health.ratings", { ratings: health.ratings.join(", ") }));
  return words;
}

// A question and its two answers, shown in place of what asked it. The focus goes to the
// question, so a screen reader reads it; "Cancel" gives the focus back to where it was.
function confirmation(question, yesLabel, yes, back) {
  const asked = h("p", { tabindex: "-1", id: "confirm-question" }, question);
  const panel = h("div", { class: "confirm", role: "group", "aria-labelledby": "confirm-question" }, asked,
    h("div", { class: "row" },
      h("button", { type: "button", class: "danger", onclick: async (event) => {
        event.currentTarget.disabled = true;
        try { await yes(); } catch (error) { announce(error.message, { error: true }); event.target.disabled = false; }
      } }, yesLabel),
      h("button", { type: "button", class: "quiet", onclick: () => {
        panel.remove();
        announce(t("confirm.cancelled"));
        back();
      } }, t("confirm.cancel"))));
  return { panel, ask: () => asked.focus() };
}

function safetySection(memberId, name, done) {
  const path = `/v1/members/${encodeURIComponent(memberId)}`;
  const place = h("div");
  function ask(question, yesLabel, yes, trigger) {
    const { panel, ask: focus } = confirmation(question, yesLabel, yes, () => trigger.focus());
    place.replaceChildren(panel);
    focus();
  }
  const block = h("button", { type: "button", class: "danger", onclick: () =>
    ask(t("block.confirm", { name }), t("block.yes", { name }), async () => {
      await post(`${path}/block`);
      announce(t("block.done", { name }));
      done();
    }, block) }, t("block.button", { name }));
  const report = submitting(h("form", { "aria-labelledby": "report-title" },
    h("h3", { id: "report-title" }, t("report.title", { name })),
    h("fieldset", {}, h("legend", {}, t("report.reason")),
      REPORT_REASONS.map((reason) => h("label", { class: "choice" },
        h("input", { type: "radio", name: "reason", value: reason, required: true }),
        h("span", {}, t(`report.${reason}`))))),
    h("label", { for: "report-details" }, t("report.details")),
    h("textarea", { id: "report-details", name: "details", rows: 3, maxlength: REPORT_DETAILS_MAX,
                    "aria-describedby": "report-hint" }),
    h("p", { id: "report-hint", class: "hint" }, t("report.details.hint")),
    h("p", {}, h("button", { type: "submit", class: "danger" }, t("report.button", { name })))),
  async (data) => {
    const body = { reason: data.get("reason"), details: data.get("details").trim() || null };
    ask(t("report.confirm", { name }), t("report.yes", { name }), async () => {
      await post(`${path}/report`, body);
      announce(t("report.done", { name }));
      done();
    }, report.querySelector("button[type=submit]"));
  });
  return h("section", { class: "card", "aria-labelledby": "safety-title" },
    h("h2", { id: "safety-title" }, t("safety.title")),
    h("p", {}, t("safety.what", { name })),
    h("p", {}, block), place, report);
}

// A buddy gone quiet: one tap to keep waiting, or to end it kindly and meet someone new now.
function quietChoice(buddyshipId, name, health, done) {
  const box = h("div", { id: "quiet-choice" });
  const choose = async (choice) => {
    try {
      const chosen = await post(`/v1/me/buddyships/${encodeURIComponent(buddyshipId)}/quiet`, { choice });
      if (choice === "wait") {
        announce(t("quiet.waiting", { name }));
        box.replaceChildren(h("p", {}, t("quiet.waiting", { name })));
      } else {
        announce(chosen.proposed.length ? t("quiet.someone_new") : t("quiet.ended"));
        done();
      }
    } catch (error) {
      announce(error.message, { error: true });
    }
  };
  if (health.waiting_since) return h("p", {}, t("quiet.waiting", { name }));
  box.append(h("p", { class: "row" },
    h("button", { type: "button", class: "quiet", onclick: () => choose("wait") }, t("quiet.wait")),
    h("button", { type: "button", onclick: () => choose("someone_new") }, t("quiet.new"))));
  return box;
}

export async function buddyView(root, { member, buddyshipId, done }) {
  const buddyship = await findBuddyship(buddyshipId);
  const back = h("p", {}, h("a", { href: "#/buddies" }, t("buddy.back")));
  if (!buddyship || buddyship.state !== "active") {
    show(root, back, h("h1", {}, t("nav.buddies")), h("p", { class: "empty" }, t("buddy.gone")));
    return;
  }
  const buddyId = other(buddyship, member.id);
  const [buddy, health] = await Promise.all([
    memberOf(buddyId), get(`/v1/me/buddyships/${encodeURIComponent(buddyshipId)}/health`)]);
  const name = buddy.display_name;
  show(root, back,
    who(buddy, { heading: "h1", bio: true, name: t("buddy.title", { name }) }),
    buddyship.started_at && h("p", { class: "when" }, t("buddy.since", { date: formatDate(buddyship.started_at, false) })),
    buddyship.trial_ends_at && rhythmOf(buddyship),
    h("section", { class: "card", id: "health", "aria-labelledby": "health-title" },
      h("h2", { id: "health-title" }, t("health.title")),
      healthWords(health, member.id, name).map((sentence) => h("p", {}, sentence)),
      health.quiet_member_id === buddyId && quietChoice(buddyshipId, name, health, done),
      h("p", {}, h("a", { class: "button", href: `#/conversations/${encodeURIComponent(buddyshipId)}` },
        t("buddy.write", { name }))),
      endButton(buddyshipId, name, done)),
    safetySection(buddyId, name, done));
}
