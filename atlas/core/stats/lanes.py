"""Linear programmes solved two at a time, with results that never depend on the machine.

HiGHS releases Python's global interpreter lock while it solves, so two programmes on two
threads take about the time of one on a two-core machine. A batch of tasks is dealt to a
fixed number of lanes (`run`: task ``i`` to lane ``i % LANES``; `run_lanes`: as the caller
deals them, e.g. the repair's cells by region); each lane has HiGHS models of its own (a
warm-started model's next optimum depends on the ones before it, so a model is never shared
between lanes) and runs its tasks in order. Which task runs where, and in what order in its
lane, depends on the data alone: on a machine with one core the lanes run one after the
other and every result is the same, bit for bit.

>>> run([lambda lane, k=k: (k, lane) for k in range(5)])
[(0, 0), (1, 1), (2, 0), (3, 1), (4, 0)]
"""

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from typing import TypeVar

T = TypeVar("T")

LANES = 2  # fixed, so that no pattern depends on the number of cores
_pool: ThreadPoolExecutor | None = None


def _threads() -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        cores = os.cpu_count() or 1
    return min(LANES, cores)


def run(tasks: Sequence[Callable[[int], T]], offset: int = 0) -> list[T]:
    """Each task called with its lane, task ``i`` in lane ``(i + offset) % LANES`` (an offset
    goes on from tasks run before); the results in task order.

    >>> run([lambda lane, k=k: (k, lane) for k in range(3)], offset=1)
    [(0, 1), (1, 0), (2, 1)]
    """
    per_lane = run_lanes([tasks[(k - offset) % LANES :: LANES] for k in range(LANES)])
    return [per_lane[(i + offset) % LANES][i // LANES] for i in range(len(tasks))]


def run_lanes(per_lane: Sequence[Sequence[Callable[[int], T]]]) -> list[list[T]]:
    """Lane ``k`` calls the tasks ``per_lane[k]`` in order, with ``k``; their results, lane by
    lane. An exception in any task is raised here, after every lane has stopped."""
    global _pool

    def lane(k: int) -> list[T]:
        return [task(k) for task in per_lane[k]]

    busy = [k for k in range(len(per_lane)) if per_lane[k]]
    if len(busy) < 2 or _threads() < 2:
        return [lane(k) for k in range(len(per_lane))]
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=LANES, thread_name_prefix="atlas-lp")
    futures = [_pool.submit(lane, k) for k in range(len(per_lane))]
    wait(futures)
    return [f.result() for f in futures]
