// Signing up and in. An invitation link (/join?invitation=CODE) lands here with the code filled.
import { logIn, signUp } from "./api.js";
import { h, show, submitting } from "./dom.js";
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
    h("p", {}, t("login.new"), " ", h("a", { href: "#/signup" }, t("signup.submit")))));
}
