"""The demo community: members played by a script (`make demo`), so that a newcomer to a
fresh system has someone to be proposed. Their addresses are at a reserved domain (RFC 2606:
``.test`` is never a real mailbox), so nobody's own address is ever taken for theirs."""

DEMO_DOMAIN = "demo.workbuddy.test"


def is_demo_address(email: str) -> bool:
    """Whether ``email`` is at the demo community's domain (the domain's case aside)."""
    _, at, domain = email.strip().rpartition("@")
    return bool(at) and domain.lower() == DEMO_DOMAIN
