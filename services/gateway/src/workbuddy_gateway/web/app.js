// The app's entry: the language, the session, and a small hash router (#/, #/buddies,
// #/buddies/<buddyship>, #/conversations, #/conversations/<buddyship>, #/asks, #/check-ins,
// #/check-ins/<check-in>, #/settings, #/answers, #/signup, #/login, #/welcome, and the links of
// account mails: #/verify/<token>, #/reset/<token>, #/forgot). Each view draws itself into <main>.
import { addressBanner } from "./address.js";
import { call, get, logOut, session } from "./api.js";
import { asksView } from "./asks.js";
import { forgotView, logInView, resetView, signUpView, verifyView } from "./auth.js";
import { buddiesView } from "./buddies.js";
import { buddyView } from "./buddy.js";
import { checkInsView } from "./checkins.js";
import { conversationsView, conversationView } from "./conversations.js";
import { announce, h } from "./dom.js";
import { choose, language, t, translateStatic } from "./i18n.js";
import { homeView } from "./home.js";
import { onboardingView } from "./onboarding.js";
import { settingsView } from "./settings.js";

const main = document.getElementById("main");
const nav = document.getElementById("nav");
let leaving = [];  // what the current view must stop (a live stream) when another is drawn
let drawn = 0;     // which draw is current: a slower, older one must not draw over it
// Addresses that only mean something signed in.
const MEMBERS_VIEWS = ["/buddies", "/settings", "/conversations", "/asks", "/answers", "/check-ins"];
const CONVERSATION = /^\/conversations\/([^/]+)$/;
const BUDDY = /^\/buddies\/([^/]+)$/;
const CHECK_IN = /^\/check-ins\/([^/]+)$/;
// The links of the account's mails work signed in or not: each signs in with what it proves.
const VERIFY = /^\/verify\/([^/]+)$/;
const RESET = /^\/reset\/([^/]+)$/;
// The menu entry a page belongs to: a conversation to Conversations, a buddy's page or a
// check-in to Buddies.
const menuOf = (path) => path.replace(CONVERSATION, "/conversations").replace(BUDDY, "/buddies")
  .replace(CHECK_IN, "/buddies").replace(/^\/check-ins$/, "/buddies");

function route() {
  const [path, query = ""] = location.hash.replace(/^#/, "").split("?");
  return { path: path || "/", params: new URLSearchParams(query) };
}

function go(path) {
  if (location.hash === `#${path}`) draw(); else location.hash = path;
}

async function draw() {
  for (const stop of leaving) stop();
  leaving = [];
  const generation = ++drawn;
  // Each view draws into an element of its own: one still loading when the member moves on
  // fills an element no longer on the page.
  const view = h("div");
  main.replaceChildren(view);
  translateStatic();
  const { path, params } = route();
  const signedIn = Boolean(session());
  nav.hidden = !signedIn;
  for (const link of nav.querySelectorAll("a")) {
    link.toggleAttribute("aria-current", link.getAttribute("href") === `#${menuOf(path)}`);
    if (link.hasAttribute("aria-current")) link.setAttribute("aria-current", "page");
  }
  const verify = path.match(VERIFY);
  const reset = path.match(RESET);
  try {
    if (verify) await verifyView(view, { token: decodeURIComponent(verify[1]), done: () => go("/") });
    else if (reset) resetView(view, { token: decodeURIComponent(reset[1]), done: () => go("/") });
    else if (path === "/forgot") forgotView(view);
    else if (!signedIn) {
      // A link into the app (a mail's "see the proposal") asks a member to sign in, then
      // opens what it pointed at; any other address is a newcomer's, who signs up.
      if (path === "/login") logInView(view, { done: () => go("/") });
      else if (MEMBERS_VIEWS.includes(path) || CONVERSATION.test(path) || BUDDY.test(path) || CHECK_IN.test(path)) {
        logInView(view, { done: () => go(path) });
      } else signUpView(view, { invitation: params.get("invitation"), done: () => go("/welcome") });
    } else {
      await signedInView(view, path, params, generation);
    }
  } catch (error) {
    announce(error.message || t("error.generic"), { error: true });
  }
  if (generation === drawn) main.focus();  // a new view: keyboard and screen reader users start at its top
}

async function signedInView(view, path, params, generation) {
  const member = await get("/v1/me");
  const banner = addressBanner(member);  // until the address is confirmed
  if (banner && generation === drawn) main.prepend(banner);
  if (path === "/welcome") {
    await onboardingView(view, { done: () => go("/buddies") });
    return;
  }
  if (path === "/answers") {
    await onboardingView(view, { changing: true, done: () => { announce(t("answers.saved")); go("/buddies"); } });
    return;
  }
  const onLeave = (stop) => (generation === drawn ? leaving.push(stop) : stop());
  const conversation = path.match(CONVERSATION);
  const buddy = path.match(BUDDY);
  const checkIn = path.match(CHECK_IN);
  if (path === "/buddies") await buddiesView(view, { member });
  else if (buddy) await buddyView(view, { member, buddyshipId: decodeURIComponent(buddy[1]), done: () => go("/buddies") });
  else if (path === "/conversations") await conversationsView(view, { onLeave });
  else if (conversation) {
    await conversationView(view, { member, onLeave, buddyshipId: decodeURIComponent(conversation[1]),
                                   momentId: params.get("moment") });
  } else if (path === "/asks") await asksView(view, { onLeave, go });
  else if (path === "/check-ins") await checkInsView(view, {});
  else if (checkIn) await checkInsView(view, { checkInId: decodeURIComponent(checkIn[1]) });
  else if (path === "/settings") await settingsView(view, { member });
  else await homeView(view, { member, onLeave });
  view.append(h("p", {}, h("button", { type: "button", class: "quiet", onclick: async () => {
    await logOut(); go("/login");
  } }, t("logout"))));
}

function languageButton() {
  const button = document.getElementById("language");
  const label = () => {
    button.textContent = t("language.short");
    button.setAttribute("aria-label", t("language.other"));
  };
  label();
  button.addEventListener("click", async () => {
    choose(language() === "fr" ? "en" : "fr");
    label();
    // Signed in, the account follows: mails and pushes come in the language the app speaks.
    if (session()) await call("PATCH", "/v1/me", { body: { language: language() } }).catch(() => {});
    draw();
  });
}

// The skip link moves focus without touching the hash, which is the router's.
document.querySelector(".skip").addEventListener("click", (event) => {
  event.preventDefault();
  main.focus();
});
window.addEventListener("hashchange", draw);
window.addEventListener("workbuddy:signed-out", () => go("/login"));
languageButton();
draw();
