"""Who may see a member's moments: the member, and their active buddies — for what was logged
since the buddyship began. Decided here, in the service that owns the moments, whatever the
caller checked before. Pure rules over the buddy links profiles keeps from buddyship events.
"""

from datetime import datetime

from workbuddy_contracts.errors import NotFound


def current(links: list[dict]) -> dict[str, dict]:
    """The viewer's buddies today, by buddy id (started, not ended)."""
    return {link["buddy_id"]: link for link in links
            if link.get("started_at") is not None and link.get("ended_at") is None}


def may_see(viewer_id: str, moment: dict, viewer_links: list[dict]) -> bool:
    if viewer_id == moment["member_id"]:
        return True
    link = current(viewer_links).get(moment["member_id"])
    return link is not None and link["started_at"] <= moment["logged_at"]


def since(viewer_id: str, member_id: str, viewer_links: list[dict]) -> datetime | None:
    """From when ``viewer_id`` may see ``member_id``'s moments; None for "from the start"."""
    if viewer_id == member_id:
        return None
    link = current(viewer_links).get(member_id)
    if link is None:
        # The same answer as for a member who does not exist: no one learns who is there.
        raise unseen_buddy(member_id)
    return link["started_at"]


def unseen_buddy(member_id: str) -> NotFound:
    return NotFound("no member {member_id!r} among your buddies", "member_id",
                    member_id=member_id)


def unseen_member(member_id: str) -> NotFound:
    """An unknown id, or a member hidden by a block: the same answer for both."""
    return NotFound("no member has the id {member_id!r}; check the id returned at registration",
                    "member_id", member_id=member_id)


def unseen_moment(moment_id: str) -> NotFound:
    return NotFound("no moment {moment_id!r} among yours or your buddies'", "moment_id",
                    moment_id=moment_id)
