// Where matching stands for me (open slots, why the last round found nobody, when the next one
// is, on my own clock) and the members I could propose to myself, with the reasons to meet.
import { call, get, key, memberOf, post } from "./api.js";
import { announce, h } from "./dom.js";
import { formatDate, onClock, t } from "./i18n.js";
import { who } from "./people.js";

// The next round on the member's clock (their profile's zone), named when the browser's differs:
// someone travelling reads the time they will live it at home.
function onMemberClock(iso, zone) {
  const date = onClock(iso, zone);
  const browser = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return zone && zone !== browser ? t("matching.zone", { date, zone }) : date;
}

// A pause: no new buddy proposed to me or for me until a day I choose; my buddies stay. Read
// from my profile (where the answer lives), so it shows at once, before matching hears of it.
function pauseControl(member, redraw) {
  const until = member.profile?.matching_paused_until;
  const change = async (value) => {
    try {
      const { data } = await call("PATCH", "/v1/me", { body: { matching_paused_until: value } });
      announce(t(value ? "pause.done" : "pause.resumed"));
      await redraw(data);
    } catch (error) {
      announce(error.message, { error: true });
    }
  };
  if (until && new Date(until) > new Date()) {
    return h("div", { id: "pause" }, h("p", {}, t("pause.on", { date: formatDate(until, false) })),
      h("p", {}, h("button", { type: "button", class: "quiet", onclick: () => change(null) }, t("pause.resume"))));
  }
  const day = h("input", { id: "pause-until", type: "date", required: true,
                           min: new Date(Date.now() + 86400000).toISOString().slice(0, 10) });
  const form = h("form", { id: "pause", class: "row", onsubmit: (event) => {
    event.preventDefault();
    // The end of the chosen day on the member's browser clock, sent with its offset.
    change(new Date(`${day.value}T23:59:00`).toISOString());
  } }, h("label", { for: "pause-until" }, t("pause.until")), day,
    h("button", { type: "submit", class: "quiet" }, t("pause.button")));
  return h("details", {}, h("summary", {}, t("pause.title")), h("p", { class: "when" }, t("pause.hint")), form);
}

export async function matchingSection(member) {
  const section = h("div");
  const draw = async (current) => {
    section.replaceChildren(await matchingCard(current, (changed) => draw(changed)));
  };
  await draw(member);
  return section;
}

async function matchingCard(member, redraw) {
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
      : t("matching.no_round")),
    pauseControl(member, redraw));
}

// ``seen``: the member's public profile (bio, demo mark), from the page's cache.
function suggestionCard(suggestion, seen, proposed) {
  const name = suggestion.display_name;
  return h("article", { class: "card", dataset: { suggestion: suggestion.member_id } },
    who({ ...seen, id: suggestion.member_id, display_name: name }, { bio: true }),
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
  const seen = await Promise.all(items.map((suggestion) => memberOf(suggestion.member_id)));
  return h("section", { "aria-labelledby": "suggest-title" },
    h("h2", { id: "suggest-title" }, t("suggest.title")),
    items.length ? items.map((suggestion, i) => suggestionCard(suggestion, seen[i], proposed))
                 : h("p", { class: "empty" }, t("suggest.none")));
}
