"""Running a function over blocks of data on several threads.

numpy releases the GIL inside its array operations, so the blocks of one
pass over the data can be worked on by several threads at once.  The blocks
are fixed before the threads start and the results come back in block order,
so whatever the number of threads, the caller combines exactly the same
numbers in the same order: results are bit-identical with 1 thread or many.

The number of threads is the number of CPUs this process may run on, or the
environment variable ``EMLIB_NUM_THREADS`` if it is set (``1`` turns threads
off).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Sequence, TypeVar

__all__ = ["n_threads", "map_blocks"]

Block = TypeVar("Block")
Result = TypeVar("Result")


def n_threads() -> int:
    """The number of threads a pass over the data may use (at least 1)."""
    setting = os.environ.get("EMLIB_NUM_THREADS", "").strip()
    if setting:
        try:
            return max(1, int(setting))
        except ValueError:
            raise ValueError(
                f"the environment variable EMLIB_NUM_THREADS must be a whole number; got {setting!r}"
            ) from None
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


_pool: ThreadPoolExecutor | None = None
_pool_size = 0


def _executor(workers: int) -> ThreadPoolExecutor:
    """One pool of threads for the process, kept between passes (starting threads costs more than a pass)."""
    global _pool, _pool_size
    if _pool is None or _pool_size != workers:
        if _pool is not None:
            _pool.shutdown(wait=False)
        _pool, _pool_size = ThreadPoolExecutor(workers, thread_name_prefix="emlib"), workers
    return _pool


def _forget_pool() -> None:
    """A forked child has none of its parent's threads: it starts its own pool when it needs one."""
    global _pool
    _pool = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool)


def map_blocks(function: Callable[[Block], Result], blocks: Sequence[Block], *,
               parallel: bool = True) -> list[Result]:
    """``[function(block) for block in blocks]``, with the blocks shared among threads.

    Each thread takes one run of consecutive blocks.  ``parallel=False``
    (for work too small to repay handing it to threads) runs them in this
    thread.  ``function`` must not write to anything another block's call
    reads.
    """
    workers = min(n_threads(), len(blocks)) if parallel else 1
    if workers <= 1:
        return [function(block) for block in blocks]
    bounds = [len(blocks) * i // workers for i in range(workers + 1)]

    def run(i: int) -> list[Result]:
        return [function(block) for block in blocks[bounds[i]:bounds[i + 1]]]

    runs = _executor(workers).map(run, range(workers))
    return [result for run_results in runs for result in run_results]
