"""The restart policy: memory growth after warm-up, operator restarts between sessions."""

from __future__ import annotations

from kiosk.backend.messages import Command
from kiosk.core.clock import FakeClock
from kiosk.ops.restart_policy import RestartPolicy

MB = 1 << 20


class Memory:
    def __init__(self) -> None:
        self.rss = 500 * MB

    def __call__(self) -> int:
        return self.rss


def make(memory: Memory, restarts: list[str]) -> RestartPolicy:
    return RestartPolicy(
        FakeClock(),
        restart=restarts.append,
        rss=memory,
        warmup_sessions=3,
        growth_limit_bytes=100 * MB,
    )


def test_growth_counts_from_the_baseline_after_warmup() -> None:
    memory, restarts = Memory(), []
    policy = make(memory, restarts)
    for _ in range(2):  # warm-up: models load, memory climbs a lot; no restart
        memory.rss += 400 * MB
        policy.session_started()
        assert not policy.session_ended()
    policy.session_started()
    assert not policy.session_ended()  # the third session end sets the baseline
    assert policy.baseline_bytes == 1300 * MB
    memory.rss += 60 * MB
    assert not policy.session_ended()
    memory.rss += 60 * MB  # 120 MB above the baseline
    assert restarts == []
    policy.session_started()
    assert policy.session_ended()
    assert restarts == ["memory_growth"]
    assert policy.decision is not None and policy.decision.rss_bytes == 1420 * MB


async def test_operator_restart_waits_for_the_citizen_to_leave() -> None:
    memory, restarts = Memory(), []
    policy = make(memory, restarts)
    policy.session_started()
    await policy.on_restart_command(Command("c1", "restart", {"reason": "new version"}))
    assert restarts == []  # a citizen is inside
    assert policy.session_ended()
    assert restarts == ["operator: new version"]


def test_restart_at_once_when_nobody_is_inside() -> None:
    memory, restarts = Memory(), []
    policy = make(memory, restarts)
    assert policy.request("config")
    assert restarts == ["config"]


def test_free_heap_is_trimmed_before_memory_is_sampled() -> None:
    order: list[str] = []
    policy = RestartPolicy(
        FakeClock(),
        restart=lambda reason: None,
        rss=lambda: order.append("rss") or 1,
        trim=lambda: order.append("trim"),
    )
    policy.session_ended()
    assert order == ["trim", "rss"]


def test_malloc_arenas_are_capped_on_glibc() -> None:
    import platform

    from kiosk.ops.restart_policy import limit_malloc_arenas

    assert limit_malloc_arenas(0) is False  # 0: glibc's default, nothing called
    if platform.libc_ver()[0] == "glibc":
        assert limit_malloc_arenas(2) is True
