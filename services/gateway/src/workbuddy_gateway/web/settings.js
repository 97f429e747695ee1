// Settings: which channel tells of what, quiet hours, focus mode ("do not disturb until…"), the
// digest, and push in this browser. The app's list keeps everything whatever is chosen here.
// What other members read about me, next to my name.
// And my data: all of it in one file, and leaving, which erases it everywhere.
import { call, forget, get, put } from "./api.js";
import { announce, h, show, submitting } from "./dom.js";
import { formatDate, t } from "./i18n.js";
import { bioField, bioFrom } from "./people.js";
import * as push from "./push.js";

const KINDS = ["win", "setback", "ask", "reaction", "buddyship", "message"];

function channelsForm(settings) {
  const cell = (kind, channel) => {
    const on = settings.kinds?.[kind]?.[channel] ?? true;
    return h("td", {}, h("input", { type: "checkbox", name: `${kind}.${channel}`, checked: on,
      "aria-label": `${t(`kind.${kind}`)} — ${t(`settings.${channel}`)}` }));
  };
  return submitting(h("form", { class: "card", "aria-labelledby": "channels-title" },
    h("h2", { id: "channels-title" }, t("settings.channels")),
    h("table", { class: "channels" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("settings.kind")),
        h("th", { scope: "col" }, t("settings.email")), h("th", { scope: "col" }, t("settings.push")))),
      h("tbody", {}, KINDS.map((kind) => h("tr", {}, h("th", { scope: "row" }, t(`kind.${kind}`)),
        cell(kind, "email"), cell(kind, "push"))))),
    h("label", { class: "choice" }, h("input", { type: "checkbox", name: "setbacks_break_quiet_hours",
      checked: settings.setbacks_break_quiet_hours }), h("span", {}, t("settings.setbacks_break"))),
    h("p", {}, h("button", { type: "submit" }, t("settings.save")))),
  async (data) => {
    const kinds = Object.fromEntries(KINDS.map((kind) =>
      [kind, { email: data.has(`${kind}.email`), push: data.has(`${kind}.push`) }]));
    await put("/v1/me/notifications/settings", { kinds, setbacks_break_quiet_hours: data.has("setbacks_break_quiet_hours") });
    announce(t("settings.saved"));
  });
}

// datetime-local speaks the browser's local time without a zone; the API wants an instant.
const toLocalInput = (iso) => {
  const at = new Date(iso);
  return new Date(at.getTime() - at.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
};

function timingForm(availability, etag, saved) {
  const quiet = availability.quiet_hours;
  const focus = availability.focus_until && new Date(availability.focus_until) > new Date() ? availability.focus_until : null;
  const form = submitting(h("form", { class: "card", "aria-labelledby": "timing-title" },
    h("h2", { id: "timing-title" }, t("settings.timing")),
    h("fieldset", {}, h("legend", {}, t("settings.focus")),
      focus && h("p", { id: "focus-state" }, t("settings.focus.on", { date: formatDate(focus) })),
      h("label", { for: "f-focus" }, t("settings.focus.until")),
      h("input", { id: "f-focus", name: "focus_until", type: "datetime-local", value: focus ? toLocalInput(focus) : "",
                   "aria-describedby": "focus-hint" }),
      h("p", { id: "focus-hint", class: "hint" }, t("settings.focus.hint")),
      focus && h("button", { type: "button", class: "quiet", onclick: () => { form.elements.focus_until.value = ""; form.requestSubmit(); } },
        t("settings.focus.end"))),
    h("fieldset", {}, h("legend", {}, t("settings.quiet")),
      h("label", { class: "choice" }, h("input", { type: "checkbox", name: "quiet_off", checked: !quiet }),
        h("span", {}, t("settings.quiet.off"))),
      h("div", { class: "row" },
        h("label", { for: "f-quiet-start" }, t("settings.quiet.from")),
        h("input", { id: "f-quiet-start", name: "quiet_start", type: "time", value: quiet?.start || "21:00" }),
        h("label", { for: "f-quiet-end" }, t("settings.quiet.to")),
        h("input", { id: "f-quiet-end", name: "quiet_end", type: "time", value: quiet?.end || "08:00" }))),
    h("fieldset", {}, h("legend", {}, t("settings.delivery")),
      ["instant", "digest"].map((value) => h("label", { class: "choice" },
        h("input", { type: "radio", name: "delivery", value, checked: (availability.delivery || "instant") === value }),
        h("span", {}, t(`delivery.${value}`))))),
    h("p", {}, h("button", { type: "submit" }, t("settings.save")))),
  async (data) => {
    const focusUntil = data.get("focus_until");
    await call("PATCH", "/v1/me", { headers: { "If-Match": etag }, body: { availability: {
      delivery: data.get("delivery"),
      focus_until: focusUntil ? new Date(focusUntil).toISOString() : null,
      quiet_hours: data.has("quiet_off") ? null : { start: data.get("quiet_start"), end: data.get("quiet_end") },
    } } });
    announce(t("settings.saved"));
    saved();
  });
  return form;
}

// What other members read next to my name (in a proposal, a suggestion, their buddy page).
function aboutForm(bio, etag, saved) {
  return submitting(h("form", { class: "card", id: "about", "aria-labelledby": "about-title" },
    h("h2", { id: "about-title" }, t("bio.title")),
    bioField(bio, "about-bio"),
    h("p", {}, h("button", { type: "submit" }, t("settings.save")))),
  async (data) => {
    await call("PATCH", "/v1/me", { headers: { "If-Match": etag }, body: { bio: bioFrom(data) } });
    announce(t("settings.saved"));
    saved();
  });
}

async function pushSection() {
  const section = h("section", { class: "card", "aria-labelledby": "push-title" }, h("h2", { id: "push-title" }, t("push.title")));
  const body = h("div", { "aria-live": "polite" });
  section.append(body);
  async function render() {
    if (!push.supported()) { body.replaceChildren(h("p", {}, t("push.unsupported"))); return; }
    const publicKey = await push.serverKey();
    if (!publicKey) { body.replaceChildren(h("p", {}, t("push.unavailable"))); return; }
    const on = Boolean(await push.current());
    show(body,
      on && h("p", {}, t("push.enabled")),
      h("button", { type: "button", class: on ? "quiet" : "", onclick: async () => {
        try {
          if (on) await push.turnOff();
          else if (await push.turnOn(publicKey) === "denied") announce(t("push.denied"), { error: true });
        } catch (error) { announce(error.message, { error: true }); }
        render();
      } }, t(on ? "push.off" : "push.on")));
  }
  await render();
  return section;
}

function myDataSection() {
  const download = h("button", { type: "button", class: "quiet", onclick: async () => {
    try {
      const { data } = await call("GET", "/v1/me/export");
      const file = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
      const link = h("a", { href: URL.createObjectURL(file), download: "workbuddy-my-data.json" });
      document.body.append(link);
      link.click();
      link.remove();
    } catch (error) { announce(error.message, { error: true }); }
  } }, t("data.export"));
  const leave = submitting(h("form", {},
    h("p", {}, t("data.leave.what")),
    h("label", { for: "leave-password" }, t("data.leave.password")),
    h("input", { id: "leave-password", name: "password", type: "password", required: true,
                 autocomplete: "current-password" }),
    h("p", {}, h("button", { type: "submit", class: "danger" }, t("data.leave")))),
  async (data) => {
    if (!window.confirm(t("data.leave.confirm"))) return;
    await call("DELETE", "/v1/me", { body: { password: data.get("password") } });
    forget();
    announce(t("data.left"));
    location.hash = "/signup";
  });
  return h("section", { class: "card", "aria-labelledby": "data-title" },
    h("h2", { id: "data-title" }, t("data.title")), h("p", {}, download), leave);
}

export async function settingsView(root) {
  async function render() {
    const [settings, { data: member, etag }] = await Promise.all([
      get("/v1/me/notifications/settings"), call("GET", "/v1/me")]);
    show(root, h("h1", {}, t("settings.title")),
      timingForm(member.profile.availability || {}, etag, render),
      channelsForm(settings),
      aboutForm(member.profile.bio, etag, render),
      await pushSection(),
      myDataSection());
  }
  await render();
}
