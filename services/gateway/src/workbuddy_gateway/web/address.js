// Until the member opens the link mailed to their address: a banner on every page that says
// where it went, with a button for a new one (limited by the API: its refusal is shown).
import { post } from "./api.js";
import { announce, h } from "./dom.js";
import { t } from "./i18n.js";

export function addressBanner(member) {
  if (member.email_verified) return null;
  const resend = h("button", { type: "button", class: "quiet", onclick: async () => {
    resend.disabled = true;
    try {
      await post("/v1/me/address/verification");
      announce(t("address.resent", { email: member.email }));
    } catch (error) {
      announce(error.message, { error: true });
    } finally {
      resend.disabled = false;
    }
  } }, t("address.resend"));
  return h("section", { class: "card news", id: "address" },
    h("p", {}, t("address.banner", { email: member.email }), " ", resend));
}
