"""Operator commands for matching, run against the live cluster over RPC.

    workbuddy-matching-ops round      # a full matching round now; prints its summary
    workbuddy-matching-ops check-up   # refresh responsiveness and buddyships' health now
    workbuddy-matching-ops reports    # the latest reports members made about others

They reach whichever matching replica answers first; the round itself still takes the cluster's
proposing lease, so it never runs twice at once. AMQP_URI says which broker (and vhost).
"""

import argparse
import json
import sys

from nameko.standalone.rpc import ClusterRpcProxy

from workbuddy_platform.settings import PlatformSettings

COMMANDS = {"round": "run_round", "check-up": "run_check_up", "reports": "reports"}


def call(command: str, amqp_uri: str | None = None, timeout: float = 600) -> dict | list:
    config = PlatformSettings.from_env().nameko_config() | ({"AMQP_URI": amqp_uri} if amqp_uri else {})
    with ClusterRpcProxy(config, timeout=timeout) as cluster:
        return getattr(cluster.matching, COMMANDS[command])()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="workbuddy-matching-ops", description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=sorted(COMMANDS))
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for the answer")
    args = parser.parse_args(argv)
    json.dump(call(args.command, timeout=args.timeout), sys.stdout, indent=2, default=str)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
