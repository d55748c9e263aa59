"""A ``Parallel`` plan node's branches, all at once, at the cost of one task fewer.

What ``asyncio.gather(..., return_exceptions=True)`` did, then raising the first exception in
branch order: every branch runs concurrently and ends before the node does (no orphaned
branch keeps running after the request has been answered), a cancelled request cancels every
branch and waits for them, and a branch's bug is raised once its siblings are done. The first
branch runs on the caller's task instead of a task of its own: it starts at once, and the
others start, in order, when it first waits, as gather's tasks start in order. A node of two
branches (every parallel node of the heavy benchmark query) then costs one task, awaited
directly, where gather cost two tasks, their done-callbacks and its own future.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, TypeVar

__all__ = ["branches"]

T = TypeVar("T")


async def branches(run: Callable[[T], Coroutine[Any, Any, None]], nodes: Sequence[T]) -> None:
    """``run(node)`` for every node, concurrently; the first node's on this task."""
    if not nodes:
        return
    loop = asyncio.get_running_loop()
    tasks = [loop.create_task(run(node)) for node in nodes[1:]]
    failure: BaseException | None = None
    try:
        await run(nodes[0])
    except asyncio.CancelledError:
        await _cancel(tasks)
        raise
    except Exception as exc:  # a bug: raised when the other branches are done
        failure = exc
    for i, task in enumerate(tasks):
        try:
            # cancelling this task while it waits cancels the branch it waits on
            await task
        except asyncio.CancelledError:
            await _cancel(tasks[i + 1 :])
            raise
        except Exception as exc:
            if failure is None:
                failure = exc
    if failure is not None:
        raise failure


async def _cancel(tasks: list[asyncio.Task[None]]) -> None:
    """Cancel ``tasks`` and wait until they have ended (the request is being cancelled)."""
    if not tasks:
        return
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
