"""Two processes of every service, as an operator runs them: two gateways (two backends the
client, or its load balancer, spreads requests over and falls back between), and two of each
nameko service competing for the same queues, with leases deciding who runs the timers. One
replica of each goes away — killed, or restarted in turn by a deploy — while the other
carries on: every accepted moment still reaches every buddy once, and nothing is parked.

(Both matching replicas proposing for the same members: test_capacity_under_replicas.py.)"""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from workbuddy_devstack.stack import SERVICES

from .harness import Journey, assert_told_once, interrupted_sends


def test_a_replica_of_each_service_killed_while_the_other_carries_on(make_system):
    system = make_system(replicas=2)
    journey = Journey(system.gateways)
    stream = journey.stream(seconds=14, per_second=4)
    time.sleep(3)
    killed = [system.processes(service)[0] for service in (*SERVICES, "gateway")]
    for process in killed:
        system.supervisor.kill(process)  # SIGKILL: mid-request, mid-handler, mid-send
    time.sleep(6)  # the other replicas alone
    for process in killed:
        system.start(process)
    stream.join()

    account = assert_told_once(system, journey, excused=interrupted_sends(system, journey))
    # The kill did strike: the client found the first gateway gone and went to the other.
    assert account.refusals[0] > 0, account
    # And the survivors carried the moments logged while their twins were down.
    assert "event.processed" in system.supervisor.log_path("notifications-2").read_text()


@pytest.mark.long
def test_a_rolling_restart_of_every_service_while_moments_stream_in(make_system):
    """A deploy of every service at once, each rolling one replica at a time: a process is
    stopped (SIGTERM: it finishes what it holds), started again and waited for before its
    twin goes. Nothing is killed, so nothing is excused."""
    system = make_system(replicas=2)
    journey = Journey(system.gateways)
    stream = journey.stream(seconds=600, per_second=3)  # until the deploy is done
    time.sleep(2)
    started = time.monotonic()

    for wave in range(system.replicas):
        processes = [system.processes(service)[wave] for service in (*SERVICES, "gateway")]
        with ThreadPoolExecutor(len(processes)) as deploy_tool:  # each stops in its own time
            list(deploy_tool.map(system.supervisor.stop, processes))
        system.start_and_wait(*processes)
    deploy = time.monotonic() - started
    time.sleep(2)
    stream.stop()
    stream.join()
    print(f"rolling restart of {len(system.all_processes())} processes took {deploy:.0f}s")
    assert_told_once(system, journey)
