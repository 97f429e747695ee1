"""profiles' unit of work: its repositories, over its own database."""

from workbuddy_platform.unit_of_work import UnitOfWork
from workbuddy_readmodels.blocks import Blocks
from workbuddy_readmodels.buddy_links import BuddyLinks

from .adapters.repository import Conversations, Invitations, Members, Moments
from .adapters.tokens import Tokens


class ProfilesUnitOfWork(UnitOfWork):
    def attach(self) -> None:
        self.members = Members(self)
        self.moments = Moments(self)
        self.invitations = Invitations(self)
        self.conversations = Conversations(self)
        self.tokens = Tokens(self)  # link tokens mailed (their digests), decoys to erase
        self.buddy_links = BuddyLinks(self)  # from matching's buddyship events
        self.blocks = Blocks(self)  # from matching's member.blocked
