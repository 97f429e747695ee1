// Signing up and in. An invitation link (/join?invitation=CODE) lands here with the code filled.
import { askForReset, logIn, resetPassword, signUp, verifyAddress } from "./api.js";
import { announce, h, show, submitting } from "./dom.js";
import { language, t } from "./i18n.js";

function field(name, label, type = "text", attrs = {}) {
  const id = `f-${name}`;
  return [h("label", { for: id }, label), h("input", { id, name, type, ...attrs })];
}

export function signUpView(root, { invitation, done }) {
  const form = submitting(h("form", { "aria-labelledby": "title", novalidate: false },
    field("display_name", t("signup.name"), "text", { required: true, maxlength: 60, autocomplete: "given-name" }),
    field("email", t("signup.email"), "email", { required: true, autocomplete: "email" }),
    field("password", t("signup.password"), "password", { required: true, minlength: 10, autocomplete: "new-password" }),
    field("invitation", t("signup.invitation"), "text", { value: invitation || "", autocomplete: "off" }),
    h("p", {}, h("button", { type: "submit" }, t("signup.submit")))),
  async (data) => {
    const member = await signUp({
      display_name: data.get("display_name"), email: data.get("email"), password: data.get("password"),
      language: language(), invitation: data.get("invitation") || null,
    });
    done(member);
  });
  show(root,
    h("section", { class: "card warmth" },
      h("h1", { id: "title" }, t("welcome.title")), h("p", {}, t("welcome.pitch"))),
    h("section", { class: "card" }, h("h2", {}, t("signup.title")), form,
      h("p", {}, t("signup.have"), " ", h("a", { href: "#/login" }, t("login.submit")))));
}

export function logInView(root, { done }) {
  const form = submitting(h("form", {},
    field("email", t("signup.email"), "email", { required: true, autocomplete: "email" }),
    field("password", t("signup.password"), "password", { required: true, autocomplete: "current-password" }),
    h("p", {}, h("button", { type: "submit" }, t("login.submit")))),
  async (data) => done(await logIn(data.get("email"), data.get("password"))));
  show(root, h("section", { class: "card" }, h("h1", {}, t("login.title")), form,
    h("p", {}, h("a", { href: "#/forgot" }, t("login.forgot"))),
    h("p", {}, t("login.new"), " ", h("a", { href: "#/signup" }, t("signup.submit")))));
}

// "Forgot your password?": the same answer whatever the address, as the API's.
export function forgotView(root) {
  const form = submitting(h("form", {},
    field("email", t("signup.email"), "email", { required: true, autocomplete: "email" }),
    h("p", {}, h("button", { type: "submit" }, t("forgot.submit")))),
  async (data) => {
    await askForReset(data.get("email"));
    show(root, h("section", { class: "card" }, h("h1", {}, t("forgot.title")),
      h("p", { role: "status" }, t("forgot.sent")),
      h("p", {}, h("a", { href: "#/login" }, t("login.submit")))));
  });
  show(root, h("section", { class: "card" }, h("h1", {}, t("forgot.title")),
    h("p", {}, t("forgot.hint")), form));
}

// The reset mail's link (#/reset/<token>): a new password, and signed in anew.
export function resetView(root, { token, done }) {
  const form = submitting(h("form", {},
    field("new_password", t("reset.password"), "password", { required: true, minlength: 10, autocomplete: "new-password" }),
    h("p", {}, h("button", { type: "submit" }, t("reset.submit")))),
  async (data) => {
    await resetPassword(token, data.get("new_password"));
    announce(t("reset.done"));
    done();
  });
  show(root, h("section", { class: "card" }, h("h1", {}, t("reset.title")), form,
    h("p", {}, h("a", { href: "#/forgot" }, t("login.forgot")))));
}

// The verification mail's link (#/verify/<token>): opening it proves the address and signs in.
export async function verifyView(root, { token, done }) {
  show(root, h("section", { class: "card" }, h("h1", {}, t("verify.title"))));
  try {
    await verifyAddress(token);
  } catch (error) {
    show(root, h("section", { class: "card" }, h("h1", {}, t("verify.title")),
      h("p", { class: "error", role: "alert" }, error.message),
      h("p", {}, h("a", { href: "#/login" }, t("verify.again")))));
    return;
  }
  announce(t("verify.done"));
  done();
}
