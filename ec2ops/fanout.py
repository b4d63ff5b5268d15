"""The shared runner: independent calls at once over the one connection pool, their results in
the order they were asked for, whatever order the answers arrive in; and the targets of a command
run in several regions or accounts (--regions, --profiles)."""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Hashable, Iterator
from urllib.parse import urlsplit

from ec2ops import credentials
from ec2ops.client import CALL_THREAD, document
from ec2ops.errors import EndpointError, InputError

if TYPE_CHECKING:
    from concurrent.futures import Future

    from ec2ops.client.held import Budget
    from ec2ops.session import Session

MAX_CONCURRENCY = 16


@contextmanager
def started(tasks: dict[Hashable, Callable[[], Any]], max_workers: int = MAX_CONCURRENCY
            ) -> Iterator[dict[Hashable, Future]]:
    """The tasks' futures, in the tasks' order, at most `max_workers` running at once. Leaving
    early (a closed pipe, Ctrl-C) cancels the tasks not yet started and waits for none."""
    from concurrent.futures import ThreadPoolExecutor  # here: threads are for running, not for --help

    pool = ThreadPoolExecutor(max_workers=max(1, min(max_workers, len(tasks))), thread_name_prefix=CALL_THREAD)
    try:
        yield {key: pool.submit(task) for key, task in tasks.items()}
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def run_all(tasks: dict[Hashable, Callable[[], Any]], max_workers: int = MAX_CONCURRENCY) -> dict[Hashable, Any]:
    """{key: task()} for every task, run concurrently; the first failure, in the tasks' order, is raised."""
    if len(tasks) <= 1:
        return {key: task() for key, task in tasks.items()}
    with started(tasks, max_workers) as futures:
        return {key: future.result() for key, future in futures.items()}


# -- regions and profiles ------------------------------------------------------------------------
@dataclass
class Target:
    """One place a command runs: a region, with a profile's keys under --profiles."""

    session: Session
    region: str
    profile: str | None = None
    refused: bool = False  # the profile's keys could not be had: one target says so for all its regions

    @property
    def label(self) -> dict[str, str]:
        """The columns that say where a row comes from."""
        return {"profile": self.profile, "region": self.region} if self.profile else {"region": self.region}

    @property
    def name(self) -> str:
        if self.refused:
            return str(self.profile)
        return f"{self.profile}/{self.region}" if self.profile else self.region


@dataclass
class Spread:
    """Where a command runs (--regions, --profiles), and how many calls at most run at once. With
    `check`, the targets were taken as given and the calls may go out before DescribeRegions has
    checked them: `check` is that check, to be passed before any row is printed."""

    targets: list[Target]
    workers: int = MAX_CONCURRENCY
    check: Callable[[], list[Target]] | None = None
    in_flight: int = MAX_CONCURRENCY  # requests at once: the workers', pages read ahead, the check


    def checked(self) -> list[Target]:
        """The targets the calls must go to, once DescribeRegions has checked the regions given
        (unknown: exit 2). Only where DescribeRegions lists a region's endpoint apart from the one
        its partition builds does a target differ from the one already called."""
        return self.targets if self.check is None else self.check()


def spread(session: Session, regions: str | None, profiles: str | None, workers: int = MAX_CONCURRENCY,
           strict: bool = False) -> Spread:
    """The targets of --regions and --profiles. A list of regions, each named as EC2 names regions,
    is called at once beside the DescribeRegions that checks it (one round trip saved: 16 regions
    take about as long as one); `all`, a name of another form, or profiles wait for the list. The
    check counts among the `workers` requests at once when they were given (`strict`), and is
    one more by default (16 regions are not held back by it)."""
    if regions is None or profiles is not None or regions.strip() == "all":
        return Spread(targets(session, regions, profiles), workers, in_flight=workers)
    wanted = _names("--regions", regions)
    if not all(REGION_NAME.fullmatch(name) for name in wanted):
        return Spread(targets(session, regions, profiles), workers, in_flight=workers)
    given = [Target(session.for_target(region), region) for region in wanted]

    def check() -> list[Target]:
        listed = dict(_regions(session, regions))
        return [t if _same(t, each := session.for_target(t.region, None, listed[t.region]))
                else Target(each, t.region) for t in given]

    return Spread(given, workers, check, workers if strict else workers + 1)


def _same(target: Target, session: Session) -> bool:
    return target.session.endpoint_and_region() == session.endpoint_and_region()


def budget(targets: list[Target]) -> Budget:
    """One budget for the pages that every target's calls hold at once (fetched, not yet printed):
    twice the largest answer a call may take (the printed target's page and the next), whatever the
    number of targets. Each target's client is made here, before the threads share its connections."""
    from ec2ops.client.held import Budget, one_heap

    one_heap()
    shared = Budget(2 * max(t.session.client.settings.max_response_bytes for t in targets))
    for index, target in enumerate(targets):
        client = target.session.client
        if client.budget is not shared:  # a client of two targets waits for neither: the first one's place
            client.budget, client.target = shared, index
    return shared


def targets(session: Session, regions: str | None, profiles: str | None) -> list[Target]:
    """Every (profile, region) to run in, in the order given; all checked before any other call."""
    names = _names("--profiles", profiles) if profiles is not None else [None]
    if profiles is not None:
        flags = [flag for flag, key in credentials.FLAGS if getattr(session.common, key)]
        if flags:
            raise InputError(f"--profiles takes each profile's keys from ~/.aws; leave out {', '.join(flags)}.")
    if profiles is not None:
        session.profiles.resolve(names)  # all at once, each once, before any call
    found = []
    for profile in names:  # each profile's account lists its own regions, and their endpoints
        first = session.for_target(None, profile) if profile is not None else session
        if profile is not None and session.profiles.refused(profile):  # one target says why, for all its regions
            found.append(Target(first, first.endpoint_and_region()[1], profile, True))
            continue
        for region, listed in _regions(first, regions) if regions is not None else [(None, None)]:
            each = first if region is None else session.for_target(region, profile, listed)
            found.append(Target(each, region or each.endpoint_and_region()[1], profile))
    return found


def _regions(session: Session, given: str) -> list[tuple[str, str | None]]:
    """(region, its endpoint as DescribeRegions lists it): `all`, every region it lists, in its order;
    a list: checked against them."""
    wanted = _names("--regions", given)
    body = session.call("DescribeRegions").body
    items = [r for r in document.items(body, "regionInfo") if isinstance(r, dict)]
    known = _checked([r.get("regionName") for r in items], session)
    listed = {r.get("regionName"): r.get("regionEndpoint") for r in items}
    if wanted == ["all"]:
        return list(listed.items())
    unknown = [r for r in wanted if r not in known]
    if unknown:
        raise InputError(f"--regions: {', '.join(unknown)} {'is not a region' if len(unknown) == 1 else 'are not regions'}"
                         f" of this account (DescribeRegions lists {', '.join(known)}).")
    return [(region, listed[region]) for region in wanted]


REGION_NAME = re.compile(r"[a-z]{2}(-[a-z]+)+-[0-9]{1,2}")  # us-east-1, us-gov-west-1, ap-southeast-4


def _checked(names: list, session: Session) -> list[str]:
    """DescribeRegions' names, when they are EC2's: each of its form, once, at least one. Else the
    endpoint answered nonsense (exit 3): rows would be duplicated or a name taken for a host."""
    wrong = next((n for n in names if not (isinstance(n, str) and REGION_NAME.fullmatch(n))), False)
    reason = ("no region" if not names else
              "an empty region name" if wrong in (None, "") else
              f"a region name that is not one ({wrong!r:.80})" if wrong is not False else
              f"{next(n for i, n in enumerate(names) if n in names[:i])} twice" if len(set(names)) < len(names)
              else None)
    if reason:
        where = urlsplit(session.endpoint_and_region()[0]).netloc or session.endpoint_and_region()[0]
        raise EndpointError(f"{where} answered DescribeRegions with {reason}: not EC2's list of regions.")
    return names


def _names(flag: str, given: str) -> list[str]:
    names = [part.strip() for part in given.split(",")]
    if not all(names):
        raise InputError(f"{flag} needs names, comma-separated{', or all' if flag == '--regions' else ''}; "
                         f"not '{given}'.")
    twice = next((name for i, name in enumerate(names) if name in names[:i]), None)
    if twice:
        raise InputError(f"{flag} names {twice} more than once.")
    return names
