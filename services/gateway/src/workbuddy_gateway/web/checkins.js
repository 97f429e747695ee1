// Check-ins: at the end of a buddyship's trial, and then every so often, each buddy says
// privately how it goes: keep going, change our mode (what we commit to, how often we catch
// up), or end it kindly. A mode the buddy proposed is accepted or declined here too. Only my
// own answer is ever shown; the buddy reads a warm, neutral word if it ends.
import { get, nameOf, post } from "./api.js";
import { announce, h, show, submitting } from "./dom.js";
import { formatDate, t } from "./i18n.js";
import { choices } from "./onboarding.js";

export const COMMITMENTS = ["momentary", "regular", "projects"];
export const RHYTHMS = ["weekly", "fortnightly", "monthly"];

// A mode in words: "Regular check-ins · every week".
export function modeWords(mode) {
  if (!mode || !mode.commitment) return t("mode.none");
  return [t(`commitment.${mode.commitment}`), mode.rhythm && t(`rhythm.${mode.rhythm}`)].filter(Boolean).join(" · ");
}

// The trial's end, the mode and the next check-in of a buddyship, for a buddy's page.
export function rhythmOf(buddyship) {
  const lines = [h("p", {}, t("checkin.mode", { mode: modeWords(buddyship.mode) }))];
  if (buddyship.confirmed_at) lines.push(h("p", {}, t("checkin.confirmed", { date: formatDate(buddyship.confirmed_at, false) })));
  else if (buddyship.trial_ends_at) lines.push(h("p", {}, t("checkin.trial", { date: formatDate(buddyship.trial_ends_at, false) })));
  if (buddyship.check_in_id) {
    lines.push(h("p", {}, h("a", { class: "button", href: `#/check-ins/${encodeURIComponent(buddyship.check_in_id)}` }, t("checkin.answer_now"))));
  } else if (buddyship.next_check_in_at) {
    lines.push(h("p", { class: "when" }, t("checkin.next", { date: formatDate(buddyship.next_check_in_at, false) })));
  }
  return h("section", { class: "card", id: "rhythm", "aria-labelledby": "rhythm-title" },
    h("h2", { id: "rhythm-title" }, t("checkin.how_we_work")), lines);
}

function modeChoice(name, values, label, current) {
  return h("fieldset", {}, h("legend", {}, label), choices(name, values, current, { required: true }));
}

// The form to propose another mode, shown when "Change our mode" is chosen.
function modeForm(checkIn, send) {
  return submitting(h("form", { class: "mode-form", "aria-labelledby": `mode-title-${checkIn.id}` },
    h("h4", { id: `mode-title-${checkIn.id}` }, t("checkin.propose_title")),
    modeChoice("commitment", COMMITMENTS, t("q.commitment"), checkIn.mode?.commitment),
    modeChoice("rhythm", RHYTHMS, t("checkin.rhythm"), checkIn.mode?.rhythm),
    h("p", {}, h("button", { type: "submit" }, t("checkin.propose")))),
  async (data) => send("change_mode", { commitment: data.get("commitment"), rhythm: data.get("rhythm") }));
}

function openCard(checkIn, name, send) {
  const proposal = checkIn.mode_proposed;
  const place = h("div");
  const parts = [];
  if (proposal && proposal.answer === null && !proposal.by_me) {
    parts.push(h("div", { class: "proposal", role: "group", "aria-label": t("checkin.their_proposal", { name, mode: modeWords(proposal) }) },
      h("p", {}, t("checkin.their_proposal", { name, mode: modeWords(proposal) })),
      h("p", { class: "row" },
        h("button", { type: "button", onclick: () => send("accept_mode") }, t("checkin.accept_mode")),
        h("button", { type: "button", class: "quiet", onclick: () => send("keep_mode") }, t("checkin.keep_mode")))));
  } else if (proposal && proposal.answer === null) {
    parts.push(h("p", {}, t("checkin.my_proposal", { name, mode: modeWords(proposal) })));
  }
  if (checkIn.my_answer) parts.push(h("p", { class: "said" }, t("checkin.you_said", { answer: t(`checkin.answer.${checkIn.my_answer}`), name })));
  if (!checkIn.my_answer || checkIn.my_answer === "change_mode") {
    const change = h("button", { type: "button", class: "quiet", "aria-expanded": "false", onclick: () => {
      change.setAttribute("aria-expanded", "true");
      place.replaceChildren(modeForm(checkIn, send));
      place.querySelector("input")?.focus();
    } }, t("checkin.answer.change_mode"));
    parts.push(h("p", { class: "row" },
      h("button", { type: "button", onclick: () => send("keep_going") }, t("checkin.answer.keep_going")),
      change,
      h("button", { type: "button", class: "quiet", onclick: () => send("end_kindly") }, t("checkin.answer.end_kindly"))),
    place);
  }
  return parts;
}

function checkInCard(checkIn, name, send) {
  const title = checkIn.kind === "trial" ? t("checkin.title.trial", { name }) : t("checkin.title", { name });
  return h("article", { class: "card warmth", tabindex: "-1", id: `check-in-${checkIn.id}`,
                        dataset: { checkIn: checkIn.id, state: checkIn.state } },
    h("h2", {}, title),
    h("p", {}, t("checkin.current_mode", { mode: modeWords(checkIn.mode) })),
    checkIn.state === "open"
      ? [h("p", { class: "hint" }, t("checkin.private", { name })), ...openCard(checkIn, name, send),
         h("p", { class: "when" }, t("checkin.until", { date: formatDate(checkIn.closes_at) }))]
      : h("p", {}, t(`checkin.outcome.${checkIn.outcome}`, { name })));
}

export async function checkInsView(root, { checkInId = null }) {
  async function send(checkIn, answer, mode) {
    try {
      const done = await post(`/v1/me/check-ins/${encodeURIComponent(checkIn.id)}`, mode ? { answer, mode } : { answer });
      const outcome = done.check_in.outcome;
      if (outcome === "ended") announce(done.proposed.length ? t("checkin.ended.proposed") : t("checkin.ended"));
      else if (outcome) announce(t(`checkin.outcome.${outcome}`, { name: await nameOf(checkIn.buddy_id) }));
      else announce(t("checkin.saved"));
    } catch (error) {
      announce(error.message, { error: true });
    }
    await render(checkIn.id);
  }

  async function render(focusId) {
    const { items } = await get("/v1/me/check-ins");
    const shown = checkInId ? items.filter((c) => c.id === checkInId) : items;
    const names = await Promise.all(shown.map((c) => nameOf(c.buddy_id)));
    show(root, h("h1", {}, t("nav.checkins")),
      h("p", {}, t("checkin.why")),
      shown.length ? shown.map((checkIn, i) => checkInCard(checkIn, names[i], (answer, mode) => send(checkIn, answer, mode)))
                   : h("p", { class: "empty" }, t(checkInId ? "checkin.gone" : "checkin.none")),
      checkInId && h("p", {}, h("a", { href: "#/check-ins" }, t("checkin.all"))));
    if (focusId) document.getElementById(`check-in-${focusId}`)?.focus();
  }
  await render(checkInId);
}
