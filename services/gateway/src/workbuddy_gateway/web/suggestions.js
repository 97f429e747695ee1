// Where matching stands for me (open slots, why the last round found nobody, when the next one
// is, on my own clock) and the members I could propose to myself, with the reasons to meet.
import { get, key, post } from "./api.js";
import { announce, h } from "./dom.js";
import { formatDate, onClock, t } from "./i18n.js";

// The next round on the member's clock (their profile's zone), named when the browser's differs:
// someone travelling reads the time they will live it at home.
function onMemberClock(iso, zone) {
  const date = onClock(iso, zone);
  const browser = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return zone && zone !== browser ? t("matching.zone", { date, zone }) : date;
}

export async function matchingSection(member) {
  const status = await get("/v1/me/matching");
  const slots = status.open_slots;
  // Matching learns a profile from an event, a moment after it changed: a member just back from
  // the questions (their profile past its first revision) is told it is coming, not to answer.
  const catchingUp = !status.answered && member.revision > 1;
  return h("section", { class: "card", id: "matching", "aria-labelledby": "matching-title" },
    h("h2", { id: "matching-title" }, t("matching.title")),
    catchingUp && h("p", {}, t("matching.reading")),
    !status.answered && !catchingUp && h("p", {}, t("matching.unanswered"), " ",
      h("a", { href: "#/answers" }, t("matching.answer"))),
    status.answered && h("p", {}, slots <= 0 ? t("matching.full")
      : slots === 1 ? t("matching.slots.one") : t("matching.slots.many", { count: slots })),
    status.left_out && h("p", { id: "left-out" }, t("matching.left_out", {
      date: formatDate(status.left_out.at, false), why: status.left_out.explanation })),
    h("p", { id: "next-round", class: "when" }, status.next_round_at
      ? t("matching.next", { date: onMemberClock(status.next_round_at, member.profile?.time_zone) })
      : t("matching.no_round")));
}

function suggestionCard(suggestion, proposed) {
  const name = suggestion.display_name;
  return h("article", { class: "card", dataset: { suggestion: suggestion.member_id } },
    h("h3", {}, name),
    h("p", { class: "when" }, t("suggest.fit", { percent: Math.round(suggestion.score * 100) })),
    suggestion.reasons.length > 0 && [h("p", {}, t("proposals.why")),
      h("ul", { class: "reasons" }, suggestion.reasons.map((reason) => h("li", {}, reason)))],
    h("button", { type: "button", onclick: async (event) => {
      event.currentTarget.disabled = true;
      try {
        const buddyship = await post("/v1/me/buddyships", { buddy_id: suggestion.member_id },
          { "Idempotency-Key": key() });
        announce(t("suggest.proposed", { name }));
        await proposed(buddyship);
      } catch (error) {
        announce(error.message, { error: true });
        event.target.disabled = false;
      }
    } }, t("suggest.propose", { name })));
}

// ``proposed(buddyship)``: the view draws itself again, the new proposal among the others.
export async function suggestionsSection(proposed) {
  const { items } = await get("/v1/me/suggestions?limit=5");
  return h("section", { "aria-labelledby": "suggest-title" },
    h("h2", { id: "suggest-title" }, t("suggest.title")),
    items.length ? items.map((suggestion) => suggestionCard(suggestion, proposed))
                 : h("p", { class: "empty" }, t("suggest.none")));
}
