"""Where telling and delivering read what they need: the recipients, the blocks between two
members, the in-app item a delivery tells, the moment, the browsers with push on.

``Reads`` asks the store each time, as a retry or a digest must (much may have changed since
the event). A moment's fan-out asks the same questions of every buddy within milliseconds:
``ReadOnce`` reads them for all its buddies in a few queries, since on the embedded store every
round trip takes the database's turn (docs/performance.md)."""

from ..unit_of_work import NotificationsUnitOfWork


class Reads:
    def __init__(self, uow: NotificationsUnitOfWork):
        self.uow = uow

    def known(self, member_id: str) -> dict | None:
        return self.uow.recipients.known(member_id)

    def recipient(self, member_id: str) -> dict | None:
        return self.uow.recipients.get(member_id)

    def names(self, member_ids: set[str]) -> dict[str, str]:
        return self.uow.recipients.names(member_ids)

    def blocked(self, a: str, b: str) -> bool:
        return self.uow.blocks.between(a, b) is not None

    def item(self, item_id: str | None) -> dict | None:
        return self.uow.inbox.get(item_id)

    def moment(self, moment_id: str) -> dict | None:
        return self.uow.moments.get(moment_id)

    def subscriptions(self, member_id: str) -> list[dict]:
        return self.uow.push_subscriptions.of_member(member_id)

    def subscription(self, member_id: str, subscription_id: str) -> dict | None:
        return self.uow.push_subscriptions.get(subscription_id)

    def kept(self, item: dict) -> None:
        """An item kept (or found kept) just now: what its deliveries tell."""


class ReadOnce(Reads):
    """One moment told to its author's buddies: the recipients (the author among them), the
    blocks between the author and each buddy and the buddies' browsers, each read in one query;
    the moment and the items kept for it are the ones in hand."""

    def __init__(self, uow: NotificationsUnitOfWork, *, moment: dict, buddies: list[str]):
        super().__init__(uow)
        author = moment["author_id"]
        self._members = uow.recipients.known_of({author, *buddies})
        self._blocked = uow.blocks.with_any(author, buddies)
        self._subscriptions = uow.push_subscriptions.of_members(buddies)
        self._buddies = set(buddies)
        self._moment = moment
        self._items: dict[str, dict] = {}

    def known(self, member_id: str) -> dict | None:
        return self._members[member_id] if member_id in self._members else super().known(member_id)

    def recipient(self, member_id: str) -> dict | None:
        found = self.uow.recipients.registered(self._members.get(member_id))
        # Someone not registered here when the moment was read may be by now: their news is
        # handled beside this one, and its handler found no delivery waiting for them yet.
        # Asked again, as each delivery did on its own, rather than left waiting for good.
        return found if found is not None else super().recipient(member_id)

    def names(self, member_ids: set[str]) -> dict[str, str]:
        if not member_ids <= self._members.keys():
            return super().names(member_ids)
        return {m: self._members[m].get("display_name", "") for m in member_ids
                if self._members[m] is not None}

    def blocked(self, a: str, b: str) -> bool:
        author = self._moment["author_id"]
        other = b if a == author else a if b == author else None
        if other is None or other not in self._buddies:
            return super().blocked(a, b)
        return other in self._blocked

    def item(self, item_id: str | None) -> dict | None:
        return self._items[item_id] if item_id in self._items else super().item(item_id)

    def moment(self, moment_id: str) -> dict | None:
        return self._moment if moment_id == self._moment["_id"] else super().moment(moment_id)

    def subscriptions(self, member_id: str) -> list[dict]:
        if member_id not in self._subscriptions:
            return super().subscriptions(member_id)
        return self._subscriptions[member_id]

    def subscription(self, member_id: str, subscription_id: str) -> dict | None:
        if member_id not in self._subscriptions:
            return super().subscription(member_id, subscription_id)
        return next((sub for sub in self._subscriptions[member_id]
                     if sub["_id"] == subscription_id), None)

    def kept(self, item: dict) -> None:
        self._items[item["_id"]] = item
