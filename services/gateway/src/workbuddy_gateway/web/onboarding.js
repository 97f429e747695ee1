// The onboarding questions of the article, one at a time: what support, what commitment, which
// trade and skills (and which trade for the buddies), affinity or complementarity, admiration or
// conviviality, the member's traits, how many buddies, where (the city suggested as one types,
// and whether to meet buddies in person, within how many km) and when. The answers are sent
// together, with If-Match. "Change my answers" opens the same questions on the current profile.
import { call, get } from "./api.js";
import { h, show, submitting } from "./dom.js";
import { language, t } from "./i18n.js";
import { bioField, bioFrom } from "./people.js";

const SUPPORT = ["celebrate_and_comfort", "urgent_advice", "client_talk", "joint_projects", "stimulation"];
// The profile's self-assessed traits and the limits of its skills (libs/contracts profile.py).
const TRAITS = ["organised", "outgoing", "creative", "analytical", "steady"];
const SKILLS_MAX = 20;
const SKILL_LENGTH_MAX = 40;
const SPOKEN = { fr: "Français", en: "English", es: "Español", de: "Deutsch", it: "Italiano", pt: "Português", ar: "العربية" };

export function choices(name, values, chosen, { multiple = false, required = false, label = (v) => t(`${name}.${v}`) } = {}) {
  return values.map((value) => h("label", { class: "choice" },
    h("input", { type: multiple ? "checkbox" : "radio", name, value, required,
                 checked: multiple ? chosen.includes(value) : chosen === value }),
    h("span", {}, label(value))));
}

// One line of text, as a person types a list; the API wants each skill once, one line each.
function skillsFrom(text) {
  const skills = [...new Set(text.split(",").map((skill) => skill.trim()).filter(Boolean))];
  if (skills.length > SKILLS_MAX) throw new Error(t("skills.too_many"));
  const long = skills.find((skill) => skill.length > SKILL_LENGTH_MAX);
  if (long) throw new Error(t("skills.too_long", { skill: long }));
  return skills;
}

function traitSelect(trait, chosen) {
  const id = `f-trait-${trait}`;
  return [h("label", { for: id }, t(`trait.${trait}`)),
    h("select", { id, name: `trait.${trait}` },
      ["", 1, 2, 3, 4, 5].map((level) => h("option", { value: level, selected: level === (chosen ?? "") },
        t(level ? `level.${level}` : "level.none"))))];
}

// How far a buddy met in person may live (libs/contracts vocabulary.py).
const MEET_MIN_KM = 1, MEET_DEFAULT_KM = 30, MEET_MAX_KM = 500;
const CITY_TYPED_MIN = 2;

// The cities the gazetteer knows, offered as one types (GET /v1/cities). A name the browser
// shows twice (London, GB and London, CA) keeps its country after the first, most populous one,
// so that the one picked is the one meant.
function citySuggestions(input) {
  let timer, asked = "";
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const typed = input.value.trim();
    if (typed.length < CITY_TYPED_MIN || typed === asked) return;
    timer = setTimeout(async () => {
      asked = typed;
      let cities;
      try {
        cities = await get(`/v1/cities?${new URLSearchParams({ q: typed, limit: 8 })}`);
      } catch { return; }  // suggestions are a help: typing goes on without them
      const list = document.getElementById(input.getAttribute("list"));
      if (!list || input.value.trim() !== typed) return;
      const seen = new Set();
      list.replaceChildren(...cities.map((city) => {
        const name = (language() === "fr" && city.name_fr) || city.name;
        const value = seen.has(name) ? `${name}, ${city.country}` : name;
        seen.add(name);
        return h("option", { value }, `${name} (${city.country})`);
      }));
    }, 150);
  });
  return input;
}

function question(legend, ...body) {
  return h("fieldset", {}, h("legend", { tabindex: "-1" }, legend), ...body);
}

// Each step: what it shows from the answers so far, and what it reads back from the form.
const STEPS = [
  {
    show: (a) => question(t("q.support"), choices("support", SUPPORT, a.support, { multiple: true })),
    read: (d) => ({ support: d.getAll("support") }),
  },
  {
    show: (a) => question(t("q.commitment"), choices("commitment", ["momentary", "regular", "projects"], a.commitment)),
    read: (d) => ({ commitment: d.get("commitment") || null }),
  },
  {
    show: (a, sectors) => question(t("q.sector"),
      h("label", { for: "f-sector" }, t("q.sector")),
      h("select", { id: "f-sector", name: "sector" },
        h("option", { value: "" }, t("sector.none")),
        sectors.map((s) => h("option", { value: s.code, selected: a.sector === s.code }, s.labels[language()]))),
      h("label", { for: "f-skills" }, t("q.skills")),
      h("input", { id: "f-skills", name: "skills", type: "text", value: (a.skills || []).join(", "),
                   "aria-describedby": "skills-hint" }),
      h("p", { id: "skills-hint", class: "hint" }, t("skills.hint")),
      h("p", { class: "hint" }, t("q.sector_preference")),
      choices("sector_preference", ["same", "adjacent", "different", "any"], a.sector_preference)),
    read: (d) => ({ sector: d.get("sector") || null, skills: skillsFrom(d.get("skills") || ""),
                    sector_preference: d.get("sector_preference") || "any" }),
  },
  {
    show: (a) => question(t("q.fit"), choices("fit", ["affinity", "complementarity", "any"], a.fit),
      h("p", { class: "hint" }, t("q.bond")), choices("bond", ["admiration", "conviviality", "any"], a.bond)),
    read: (d) => ({ fit: d.get("fit") || "any", bond: d.get("bond") || "any" }),
  },
  {
    show: (a) => question(t("q.traits"), h("p", { class: "hint" }, t("traits.hint")),
      TRAITS.flatMap((trait) => traitSelect(trait, (a.traits || {})[trait])), bioField(a.bio)),
    // Traits are replaced as a whole: one left unsaid is dropped from the profile.
    read: (d) => ({ traits: Object.fromEntries(TRAITS.filter((trait) => d.get(`trait.${trait}`))
      .map((trait) => [trait, Number(d.get(`trait.${trait}`))])), bio: bioFrom(d) }),
  },
  {
    show: (a) => question(t("q.capacity"),
      h("label", { for: "f-capacity" }, t("q.capacity")),
      h("input", { id: "f-capacity", name: "buddy_capacity", type: "number", min: 1, max: 5,
                   value: a.buddy_capacity, "aria-describedby": "capacity-hint" }),
      h("p", { id: "capacity-hint", class: "hint" }, t("capacity.hint")),
      h("label", { class: "choice" }, h("input", { type: "checkbox", name: "offers_support", checked: a.offers_support }),
        h("span", {}, t("q.offers_support"))),
      h("label", { class: "choice" }, h("input", { type: "checkbox", name: "open_to_projects", checked: a.open_to_projects }),
        h("span", {}, t("q.open_to_projects")))),
    read: (d) => ({ buddy_capacity: Number(d.get("buddy_capacity")) || 1, offers_support: d.has("offers_support"),
                    open_to_projects: d.has("open_to_projects") }),
  },
  {
    show: (a) => question(t("q.where"),
      h("label", { for: "f-city" }, t("where.city")),
      citySuggestions(h("input", { id: "f-city", name: "city", type: "text", maxlength: 80, value: a.city || "",
                                   autocomplete: "off", list: "f-city-list", "aria-describedby": "city-hint" })),
      h("datalist", { id: "f-city-list" }),
      h("p", { id: "city-hint", class: "hint" }, t("where.city_hint")),
      h("label", { class: "choice" }, h("input", { type: "checkbox", name: "meet_in_person", checked: a.meet_in_person }),
        h("span", {}, t("q.meet_in_person"))),
      h("label", { for: "f-meet-km" }, t("where.meet_within_km")),
      h("input", { id: "f-meet-km", name: "meet_within_km", type: "number", min: MEET_MIN_KM, max: MEET_MAX_KM,
                   value: a.meet_within_km ?? MEET_DEFAULT_KM, "aria-describedby": "meet-hint" }),
      h("p", { id: "meet-hint", class: "hint" }, t("where.meet_hint")),
      h("label", { for: "f-zone" }, t("where.time_zone")),
      h("select", { id: "f-zone", name: "time_zone" },
        Intl.supportedValuesOf("timeZone").map((zone) => h("option", { value: zone, selected: zone === a.time_zone }, zone))),
      h("p", { class: "hint" }, t("where.languages")),
      choices("languages", Object.keys(SPOKEN), a.languages, { multiple: true, label: (code) => SPOKEN[code] })),
    read: (d) => ({ city: (d.get("city") || "").trim() || null, time_zone: d.get("time_zone"),
                    meet_in_person: d.has("meet_in_person"),
                    meet_within_km: Math.round(Number(d.get("meet_within_km"))) || MEET_DEFAULT_KM,
                    languages: d.getAll("languages").length ? d.getAll("languages") : [language()] }),
  },
];

// ``changing``: a member changing their answers, rather than a newcomer giving them.
export async function onboardingView(root, { done, changing = false }) {
  const [{ data: member, etag }, { sectors }] = await Promise.all([call("GET", "/v1/me"), get("/v1/sectors")]);
  const answers = { ...member.profile };
  // A new member's profile starts on UTC (or Paris, in French) until they answer: the
  // browser's own clock is the better first guess, unless they have answered already.
  if (member.revision <= 1 || !answers.time_zone) {
    answers.time_zone = Intl.DateTimeFormat().resolvedOptions().timeZone || answers.time_zone;
  }
  let index = 0;

  function render() {
    const step = STEPS[index];
    const last = index === STEPS.length - 1;
    const form = submitting(h("form", {},
      h("p", { class: "steps" }, t("onboarding.step", { n: index + 1, total: STEPS.length })),
      step.show(answers, sectors),
      h("div", { class: "row" },
        index > 0 && h("button", { type: "button", class: "quiet", onclick: () => { index -= 1; render(); } }, t("onboarding.back")),
        h("button", { type: "submit" }, !last ? t("onboarding.next") : t(changing ? "answers.save" : "onboarding.finish")))),
    async (data) => {
      Object.assign(answers, step.read(data));
      if (!last) { index += 1; render(); return; }
      const { support, commitment, sector, skills, sector_preference, fit, bond, traits, bio, buddy_capacity,
              offers_support, open_to_projects, city, meet_in_person, meet_within_km, time_zone, languages } = answers;
      await call("PATCH", "/v1/me", {
        body: { support, commitment, sector, skills, sector_preference, fit, bond, traits, bio, buddy_capacity,
                offers_support, open_to_projects, city, meet_in_person, meet_within_km, time_zone, languages },
        headers: { "If-Match": etag },
      });
      done();
    });
    show(root, h("section", { class: "card" }, h("h1", {}, t(changing ? "answers.title" : "onboarding.title")), form));
    form.querySelector("legend").focus();  // a screen reader hears the new question
  }
  render();
}
