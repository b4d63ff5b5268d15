"""ec2ops.client.held: the budget of a fan-out's pages and the pace of a page read ahead, in threads."""

import contextlib
import threading
import time

from ec2ops.client.held import BURST, SLACK, Budget, Held


def started(function, *args) -> threading.Thread:
    thread = threading.Thread(target=function, args=args, daemon=True)
    thread.start()
    return thread


def settled(thread: threading.Thread, seconds: float = 0.2) -> bool:
    """Whether the thread ended within `seconds` (else it waits)."""
    thread.join(seconds)
    return not thread.is_alive()


def test_the_head_never_waits_and_the_others_wait_for_bytes_let_go():
    budget, pauses = Budget(100), []

    @contextlib.contextmanager
    def pause():
        pauses.append(threading.current_thread().name)
        yield

    budget.take(0, 150, pause)  # the head: past the budget, at once
    assert budget.held == 150 and pauses == []
    second = started(budget.take, 1, 10, pause)
    assert not settled(second) and len(pauses) == 1
    budget.give(60)  # 90 held: 10 more fit
    assert settled(second) and budget.held == 100


def test_the_target_printed_sooner_is_served_first_and_advance_frees_the_new_head():
    budget = Budget(100)
    budget.take(0, 100, contextlib.nullcontext)
    third, second = started(budget.take, 2, 50, contextlib.nullcontext), None
    time.sleep(0.05)
    second = started(budget.take, 1, 60, contextlib.nullcontext)
    time.sleep(0.05)
    budget.give(50)  # room for the third's 50, not the second's 60: the second is first in line
    assert not settled(third, 0.1) and not settled(second, 0.1)
    budget.advance(1)  # the printer reads the second now: it waits no more, and the third follows it
    assert settled(second)
    budget.give(100)
    assert settled(third) and budget.held == 100 - 50 + 60 - 100 + 50


def test_a_closed_budget_lets_everyone_through():
    budget = Budget(10)
    budget.take(0, 10, contextlib.nullcontext)
    waiting = started(budget.take, 3, 10, contextlib.nullcontext)
    assert not settled(waiting)
    budget.close()
    assert settled(waiting)


def test_pieces_are_given_back_as_they_are_popped_and_the_rest_when_dropped():
    budget = Budget(1000)
    held = Held(budget, 0)
    for piece in (b"a" * 100, b"b" * 200, b"c" * 300):
        held.add(piece, contextlib.nullcontext)
    assert budget.held == 600 and not held.progress.started
    held.reverse()
    assert held.pop() == b"a" * 100 and budget.held == 500
    assert held.progress.started and held.progress.let_go == 100 and not held.progress.done
    held.drop()
    assert budget.held == 0 and held.progress.done and held == []


def test_a_page_dropped_unread_frees_its_bytes_and_the_page_after_it():
    budget = Budget(1000)
    held = Held(budget, 0)
    held.add(b"x" * 500, contextlib.nullcontext)
    progress = held.progress
    del held
    assert budget.held == 0 and progress.started and progress.done


def test_the_page_after_reads_no_faster_than_this_one_is_let_go_of():
    """A piece beyond what this page let go of; once it must wait, it waits for room for a burst."""
    held = Held()
    for _ in range(16):
        held.add(b"x" * SLACK, contextlib.nullcontext)
    held.reverse()
    progress = held.progress
    assert progress.wait_room(SLACK) == 0  # a piece ahead, always
    ahead = started(progress.wait_room, 3 * SLACK)
    assert not settled(ahead)
    held.pop()
    held.pop()  # 2 pieces let go of: a third piece would fit, but not a burst more
    assert not settled(ahead, 0.1)
    while progress.let_go < 2 * SLACK + BURST:
        assert not settled(ahead, 0.01)
        held.pop()
    assert settled(ahead)
    beyond = started(progress.wait_room, 100 * SLACK)
    assert not settled(beyond, 0.1)
    held.drop()  # read, or dropped: the page after reads freely
    assert settled(beyond)


def test_the_page_after_is_asked_for_once_this_one_is_read_or_dropped():
    for let_go in (lambda page: page.pop(), Held.drop):
        page = Held()
        page.add(b"x", contextlib.nullcontext)
        asking = started(page.progress.wait_started)
        assert not settled(asking, 0.1)
        let_go(page)
        assert settled(asking)
