"""``fetch --every 30m``: one process that fetches whatever is due, then waits, until stopped.

Each round re-reads the feeds file (an edit applies at the next round; a broken edit is
reported and the last good list is kept) and leases the sources it fetches, so a cron
job started meanwhile does not fetch the same pages twice.
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Callable, Sequence

from ...core.errors import ValidationError
from .feeds import Feed, load_feeds
from .run import Fetcher, FetchReport

MSG_BUSY = "another fetch is running on this database; nothing fetched"


def fetch_once(fetcher: Fetcher, feeds: Sequence[Feed], urls: Sequence[str], **kw) -> FetchReport | None:
    """One round; None when every source due is leased by another run (nothing fetched)."""
    report = fetcher.run(feeds, urls, **kw)
    if report.busy and not report.sources:
        return None
    return report


def run_every(fetcher: Fetcher, every_s: int, stop: threading.Event, *, feeds_path: Path | None,
              urls: Sequence[str] = (), say: Callable[[str], None] = print, **kw) -> int:
    """Rounds every ``every_s`` seconds until ``stop`` is set; returns how many rounds ran."""
    feeds: list[Feed] = []
    rounds = 0
    while not stop.is_set():
        if feeds_path is not None:
            try:
                feeds = load_feeds(feeds_path)
            except ValidationError as exc:
                say("feeds file has problems; keeping the previous list:\n" + "\n".join(exc.problems))
        report = fetch_once(fetcher, feeds, urls, all_due=True, **kw)
        rounds += 1
        say(MSG_BUSY if report is None else report.summary())
        stop.wait(every_s)
    return rounds
