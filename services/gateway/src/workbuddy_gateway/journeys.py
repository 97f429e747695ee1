"""How one answer leads to the next request: the OpenAPI links of the document.

A client (and a tool that walks the API, such as schemathesis' stateful phase) follows them
from a sign-up to a proposal, its answer, a moment, a reaction and the notifications read:
each link names the operation it leads to and which of its parameters come from the answer
(or from the request that got it). Every list also links to its own next page.

Written here in one table, and put into the document as it is built, rather than beside each
operation: the journeys read as a whole, and a new operation joins one by a line here.
"""

import re
from dataclasses import dataclass, field

from apispec import BasePlugin


@dataclass(frozen=True)
class Link:
    name: str
    to: str  # "METHOD /path" of the operation it leads to
    description: str
    parameters: dict[str, str] = field(default_factory=dict)
    body: dict[str, str] | None = None  # fields of the request body; the others are the client's


def _answer(pointer: str) -> list[Link]:
    """A proposal's answers, its id at ``pointer`` in the answer."""
    one = {"buddyship_id": f"$response.body#{pointer}"}
    return [
        Link("Accept", "POST /v1/me/buddyships/{buddyship_id}/accept",
             "Accept it (as the member it awaits).", one),
        Link("Decline", "POST /v1/me/buddyships/{buddyship_id}/decline",
             "Decline it (as the member it awaits).", one),
    ]


def _together(pointer: str) -> list[Link]:
    """What buddies do with their buddyship, its id at ``pointer`` in the answer."""
    one = {"buddyship_id": f"$response.body#{pointer}"}
    return [
        Link("Health", "GET /v1/me/buddyships/{buddyship_id}/health", "How it is doing.", one),
        Link("Conversation", "GET /v1/me/conversations/{buddyship_id}/messages",
             "Read the conversation.", one),
        Link("Write", "POST /v1/me/conversations/{buddyship_id}/messages",
             "Write to the buddy.", one),
        Link("End", "POST /v1/me/buddyships/{buddyship_id}/end", "End it.", one),
    ]


_SIGNED_IN = [
    Link("Refresh", "POST /v1/auth/refresh", "Keep the session alive.",
         body={"refresh_token": "$response.body#/refresh_token"}),
]

LINKS: dict[tuple[str, str], list[Link]] = {
    ("POST /v1/auth/signup", "201"): [
        Link("Profile", "GET /v1/members/{member_id}", "The new member, as others see them.",
             {"member_id": "$response.body#/member/id"}),
        Link("Propose", "POST /v1/me/buddyships", "Propose a buddyship to the new member.",
             body={"buddy_id": "$response.body#/member/id"}),
        Link("LogIn", "POST /v1/auth/login", "Sign in again with the same email and password.",
             body={"email": "$response.body#/member/email", "password": "$request.body#/password"}),
        *_SIGNED_IN,
    ],
    ("POST /v1/auth/login", "200"): _SIGNED_IN,
    # A link from a mail signs in as log-in does.
    ("POST /v1/auth/verify", "200"): _SIGNED_IN,
    ("POST /v1/auth/password-reset/confirm", "200"): _SIGNED_IN,
    ("POST /v1/auth/refresh", "200"): _SIGNED_IN,
    ("POST /v1/me/invitations", "201"): [
        Link("SignUp", "POST /v1/auth/signup", "Join with this invitation.",
             body={"invitation": "$response.body#/code"}),
    ],
    ("POST /v1/me/buddyships", "201"): _answer("/id"),
    ("GET /v1/me/buddyships", "200"): [*_answer("/items/0/id"), *_together("/items/0/id")],
    ("POST /v1/me/buddyships/{buddyship_id}/accept", "200"): [
        Link("LogMoment", "POST /v1/me/moments", "Tell the new buddy about a moment."),
        *_together("/id"),
        Link("TheirMoments", "GET /v1/members/{member_id}/moments", "The proposer's moments.",
             {"member_id": "$response.body#/proposer_id"}),
    ],
    ("POST /v1/me/moments", "201"): [
        Link("React", "POST /v1/moments/{moment_id}/reactions",
             "Cheer or support it (as a buddy of its author).",
             {"moment_id": "$response.body#/id"}),
        Link("Reactions", "GET /v1/moments/{moment_id}/reactions", "The reactions to it.",
             {"moment_id": "$response.body#/id"}),
    ],
    ("POST /v1/moments/{moment_id}/reactions", "201"): [
        Link("Reactions", "GET /v1/moments/{moment_id}/reactions",
             "The reactions to the moment.", {"moment_id": "$response.body#/moment_id"}),
        Link("Notifications", "GET /v1/me/notifications", "What the members were told."),
    ],
    ("GET /v1/me/notifications", "200"): [
        Link("Read", "POST /v1/me/notifications/{notification_id}/read", "Mark the first read.",
             {"notification_id": "$response.body#/items/0/id"}),
        Link("Unread", "DELETE /v1/me/notifications/{notification_id}/read",
             "Mark the first unread.", {"notification_id": "$response.body#/items/0/id"}),
    ],
    ("POST /v1/me/notifications/{notification_id}/read", "200"): [
        Link("Unread", "DELETE /v1/me/notifications/{notification_id}/read",
             "Mark it unread again.", {"notification_id": "$response.body#/id"}),
    ],
    ("DELETE /v1/me/notifications/{notification_id}/read", "200"): [
        Link("Read", "POST /v1/me/notifications/{notification_id}/read", "Mark it read again.",
             {"notification_id": "$response.body#/id"}),
    ],
    ("GET /v1/me/conversations", "200"): [
        Link("Conversation", "GET /v1/me/conversations/{buddyship_id}/messages",
             "Read the first conversation.", {"buddyship_id": "$response.body#/items/0/buddyship_id"}),
    ],
    ("POST /v1/me/conversations/{buddyship_id}/messages", "201"): [
        Link("ReadUpTo", "POST /v1/me/conversations/{buddyship_id}/read",
             "Everything up to this message is read.",
             {"buddyship_id": "$response.body#/buddyship_id"}, body={"up_to": "$response.body#/id"}),
    ],
    ("GET /v1/me/check-ins", "200"): [
        Link("Answer", "POST /v1/me/check-ins/{check_in_id}", "Answer the first check-in.",
             {"check_in_id": "$response.body#/items/0/id"}),
    ],
    ("GET /v1/me/asks", "200"): [
        Link("Answer", "POST /v1/me/asks/{ask_id}/answer", "Answer the first ask.",
             {"ask_id": "$response.body#/items/0/id"}),
    ],
    ("POST /v1/me/push-subscriptions", "201"): [
        Link("TurnOff", "DELETE /v1/me/push-subscriptions/{subscription_id}",
             "Turn push off in this browser again.", {"subscription_id": "$response.body#/id"}),
    ],
}


def _reference(label: str) -> str:
    """#/paths/~1v1~1me/get: the operation, as a JSON pointer into the document."""
    method, path = label.split(" ", 1)
    return "#/paths/" + path.replace("~", "~0").replace("/", "~1") + "/" + method.lower()


def _as_openapi(link: Link) -> dict:
    written = {"operationRef": _reference(link.to), "description": link.description}
    if link.parameters:
        written["parameters"] = dict(link.parameters)
    if link.body:
        written["requestBody"] = dict(link.body)
    return written


def _next_page(path: str, operation: dict) -> Link | None:
    """A list's next page: the same request, with the answer's `next` as `cursor`."""
    if not any(p.get("name") == "cursor" and p.get("in") == "query"
               for p in operation.get("parameters", [])):
        return None
    same = {name: f"$request.path.{name}" for name in re.findall(r"{(\w+)}", path)}
    return Link("NextPage", f"GET {path}", "The following page (while `next` is not null).",
                same | {"cursor": "$response.body#/next"})


class Journeys(BasePlugin):
    def operation_helper(self, path=None, operations=None, **kwargs):
        for method, operation in (operations or {}).items():
            responses = operation.get("responses", {})
            for status, response in responses.items():
                links = list(LINKS.get((f"{method.upper()} {path}", str(status)), []))
                if method == "get" and str(status) == "200" and (page := _next_page(path, operation)):
                    links.append(page)
                if links and isinstance(response, dict):
                    response["links"] = {link.name: _as_openapi(link) for link in links}
