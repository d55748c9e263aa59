"""A parallel node's branches (``gateway.execution.parallel.branches``): concurrent, each one
ended before the node is, cancelled together, the first bug in branch order raised."""

from __future__ import annotations

import asyncio

import pytest

from gateway.execution.parallel import branches


def test_branches_run_concurrently_and_start_in_order() -> None:
    started: list[str] = []
    events = {name: asyncio.Event() for name in "abc"}

    async def run(name: str) -> None:
        started.append(name)
        # each branch waits for the next one to have started: sequential running would hang
        following = {"a": "b", "b": "c", "c": "a"}[name]
        events[name].set()
        await asyncio.wait_for(events[following].wait(), 1)

    asyncio.run(branches(run, ["a", "b", "c"]))
    assert started == ["a", "b", "c"]


def test_a_bug_is_raised_when_every_branch_has_ended() -> None:
    ended: list[str] = []

    async def run(name: str) -> None:
        await asyncio.sleep(0.01 if name == "slow" else 0)
        ended.append(name)
        if name.startswith("bug"):
            raise ValueError(name)

    for order in (["bug1", "slow", "bug2"], ["slow", "bug1", "bug2"]):
        ended.clear()
        with pytest.raises(ValueError) as raised:
            asyncio.run(branches(run, order))
        assert sorted(ended) == sorted(order)  # nobody left running
        assert str(raised.value) == "bug1"  # the first in branch order


def test_cancelling_the_node_cancels_every_branch_and_waits_for_them() -> None:
    cleaned: list[str] = []

    async def run(name: str) -> None:
        try:
            await asyncio.sleep(10)
        finally:
            await asyncio.sleep(0)  # a branch's clean-up that itself waits
            cleaned.append(name)

    async def main() -> None:
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.01):
                await branches(run, ["a", "b", "c"])
        assert sorted(cleaned) == ["a", "b", "c"]

    asyncio.run(main())


def test_cancelled_while_waiting_on_a_later_branch() -> None:
    cleaned: list[str] = []

    async def run(name: str) -> None:
        if name == "a":
            return  # the first branch is done: the node waits on the others' tasks
        try:
            await asyncio.sleep(10)
        finally:
            cleaned.append(name)

    async def main() -> None:
        task = asyncio.ensure_future(branches(run, ["a", "b", "c"]))
        await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert sorted(cleaned) == ["b", "c"]

    asyncio.run(main())


def test_no_branches() -> None:
    async def run(name: str) -> None:
        raise AssertionError("not called")

    asyncio.run(branches(run, []))
