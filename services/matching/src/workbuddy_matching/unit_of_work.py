"""matching's unit of work: its repositories, over its own database."""

from workbuddy_platform.unit_of_work import UnitOfWork
from workbuddy_readmodels.blocks import Blocks
from workbuddy_readmodels.departed import Departed

from .adapters.asks import Asks
from .adapters.check_ins import CheckIns
from .adapters.repository import Buddyships, Pool, Reports, Rounds
from .adapters.support import SupportRetries


class MatchingUnitOfWork(UnitOfWork):
    def attach(self) -> None:
        self.buddyships = Buddyships(self)
        self.pool = Pool(self)
        self.rounds = Rounds(self)
        self.blocks = Blocks(self)  # matching decides blocks; the others keep copies
        self.reports = Reports(self)
        self.asks = Asks(self)
        self.support_retries = SupportRetries(self)
        self.check_ins = CheckIns(self)
        self.departed = Departed(self)  # from member.left: proposals written after it undo
