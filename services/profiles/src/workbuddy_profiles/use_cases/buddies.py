"""What profiles keeps of matching's decisions, to decide who may see whose moments without
asking matching: buddy links (from buddyship.started and .ended) and blocks."""

from ..unit_of_work import ProfilesUnitOfWork


def buddyship_changed(uow: ProfilesUnitOfWork, *, payload: dict) -> None:
    uow.buddy_links.record(payload)


def member_blocked(uow: ProfilesUnitOfWork, *, payload: dict) -> None:
    uow.blocks.remember(payload["blocker_id"], payload["blocked_id"], payload["blocked_at"])
