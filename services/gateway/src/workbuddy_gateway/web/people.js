// Another member as the app shows them: a photo-free avatar (their initials on a colour of
// their own), their name, a "demo" badge when the demo community plays them (so that nobody
// takes them for a person looking for a buddy), and, where there is room, their bio.
import { h } from "./dom.js";
import { t } from "./i18n.js";

// The colours are app.css's .tone-0 to .tone-9, each at least 4.5:1 against the white
// initials (WCAG AA); a class, since the page's policy allows no inline style.
const TONES = 10;

// The same member always gets the same colour, on every device: a hash of their id.
export function toneOf(memberId) {
  let hash = 0;
  for (const char of String(memberId)) hash = (hash * 31 + char.codePointAt(0)) >>> 0;
  return hash % TONES;
}

export function initialsOf(name) {
  const words = String(name || "").trim().split(/\s+/).filter(Boolean);
  return words.slice(0, 2).map((word) => [...word][0]).join("").toLocaleUpperCase() || "?";
}

// A member's few words about themselves (at most BIO_MAX, libs/contracts vocabulary.py), with
// a count of what is left as they type. Its form field is named "bio"; ``bioFrom`` reads it.
export const BIO_MAX = 280;

export function bioField(value, id = "f-bio") {
  const count = h("p", { id: `${id}-count`, class: "bio-counter" });
  const area = h("textarea", { id, name: "bio", rows: 4, maxlength: BIO_MAX,
                               "aria-describedby": `${id}-hint ${id}-count` });
  area.value = value || "";
  const counted = () => { count.textContent = t("bio.count", { count: [...area.value].length, max: BIO_MAX }); };
  area.addEventListener("input", counted);
  counted();
  return [h("label", { for: id }, t("bio.label")), area,
    h("p", { id: `${id}-hint`, class: "hint" }, t("bio.hint")), count];
}

export const bioFrom = (data) => (data.get("bio") || "").trim() || null;

// Decoration only: the name is written next to it, so screen readers skip it.
export function avatar(member) {
  return h("span", { class: `avatar tone-${toneOf(member.id)}`, "aria-hidden": "true" },
    initialsOf(member.display_name));
}

export function demoBadge(member) {
  return member.demo ? h("span", { class: "demo-badge", title: t("demo.title") }, t("demo.badge")) : null;
}

// The avatar, the name (as a heading of ``level``, or as text) and the badge, on one line;
// with ``bio``, their own words below.
export function who(member, { heading = "h3", bio = false, name = member.display_name } = {}) {
  return h("div", { class: "who-block" },
    h("div", { class: "who" }, avatar(member), heading ? h(heading, {}, name) : h("strong", {}, name), demoBadge(member)),
    bio && member.bio && h("p", { class: "bio" }, member.bio));
}
