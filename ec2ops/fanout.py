"""The shared runner: independent calls at once over the one connection pool, their results in
the order they were asked for, whatever order the answers arrive in."""

from __future__ import annotations

from typing import Any, Callable, Hashable

MAX_CONCURRENCY = 16


def run_all(tasks: dict[Hashable, Callable[[], Any]], max_workers: int = MAX_CONCURRENCY) -> dict[Hashable, Any]:
    """{key: task()} for every task, run concurrently; the first failure, in the tasks' order, is raised."""
    if len(tasks) <= 1:
        return {key: task() for key, task in tasks.items()}
    from concurrent.futures import ThreadPoolExecutor  # here: threads are for running, not for --help

    with ThreadPoolExecutor(max_workers=max(1, min(max_workers, len(tasks)))) as pool:
        futures = {key: pool.submit(task) for key, task in tasks.items()}
        return {key: future.result() for key, future in futures.items()}
