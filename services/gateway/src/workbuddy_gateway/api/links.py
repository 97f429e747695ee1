"""Links in mails, opened without a log-in: one-click unsubscribe (RFC 8058) and a one-tap
reaction to a buddy's moment.

GET shows what the link will do, with a button; POST does it. Acting only on POST matters:
mail scanners and link previews open every link in a mail with GET. Mail apps that offer
unsubscribing themselves POST "List-Unsubscribe=One-Click" to the same address. The signed
token names the member and the one thing it may do; the notifications service reads it.
"""

import hashlib

from flask import Blueprint, render_template, request

from workbuddy_contracts.errors import Refusal

from .calls import call

blp = Blueprint("links", __name__, url_prefix="/links")

_REFUSED = {"fr": {"language": "fr", "title": "Lien inutilisable"},
            "en": {"language": "en", "title": "This link cannot be used"}}


@blp.route("/<token>", methods=["GET", "POST"])
def follow(token: str):
    try:
        link = call("notifications", "read_link", token)
    except Refusal as exc:
        return _page(_REFUSED["fr" if _prefers_french() else "en"], exc.message, exc.status)
    if request.method == "GET":
        return _page(link["page"])
    try:
        if link["action"] == "unsubscribe":
            call("notifications", "unsubscribe", link["member_id"], link["kind"])
        else:
            # Tapping twice, or a mail app retrying, sends one reaction: the key is the link's.
            key = hashlib.sha256(token.encode()).hexdigest()[:40]
            call("profiles", "react", link["member_id"], link["moment_id"],
                 {"kind": link["reaction"]}, f"mail-link-{key}")
    except Refusal as exc:
        return _page(link["page"] | _REFUSED[link["page"]["language"]], exc.message, exc.status)
    return _page(link["page"], link["page"]["done"])


def _page(page: dict, said: str | None = None, status: int = 200):
    response = render_template("link.html", page=page, said=said)
    return response, status, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def _prefers_french() -> bool:
    return request.accept_languages.best_match(["fr", "en"], default="en") == "fr"
