"""robots.txt: a 5 MB file is read up to its cap and its rules indexed once; same answers as the stdlib."""
from __future__ import annotations

import time
from urllib.robotparser import RobotFileParser

from hypothesis import given, settings
from hypothesis import strategies as st

from atlas.sources.fetch.http import ROBOTS_AGENT, HttpClient
from atlas.sources.fetch.robots import MAX_ROBOTS_BYTES, Robots
from tests.fetch_server import FixtureServer, Route


def test_a_5_mb_robots_txt_is_capped_and_5000_links_are_checked_quickly():
    head = b"User-agent: *\nDisallow: /private/\n"
    rules = b"".join(b"Disallow: /section-%07d/\n" % i for i in range(190_000))  # ~5 MB
    body = head + rules + b"Disallow: /late/\n"
    assert len(body) > 5_000_000
    client = HttpClient(allow_private=True, per_host_interval=0)
    with FixtureServer() as srv:
        srv.routes["/robots.txt"] = Route(body, content_type="text/plain")
        started = time.monotonic()
        answers = []
        for i in range(5000):
            answers.append(client.allowed(srv.url(f"/news/{i}")))
            assert time.monotonic() - started < 10, f"{i} links checked in 10 s"
        assert not client.allowed(srv.url("/private/a"))
        assert not client.allowed(srv.url("/section-0000042/x"))
        assert client.allowed(srv.url("/late/a"))  # past the 500 KiB cap: not read
        assert srv.hits["/robots.txt"] == 1
    assert all(answers)


_PATHS = st.text(alphabet="/ab%*?=.-", max_size=12).map(lambda s: "/" + s)


@settings(max_examples=200, deadline=None)
@given(rules=st.lists(st.tuples(st.sampled_from(["Allow", "Disallow"]), _PATHS | st.just("")), max_size=8),
       agent_rules=st.lists(st.tuples(st.sampled_from(["Allow", "Disallow"]), _PATHS), max_size=4),
       paths=st.lists(_PATHS, min_size=1, max_size=5))
def test_the_index_answers_as_the_standard_library(rules, agent_rules, paths):
    lines = [f"User-agent: {ROBOTS_AGENT}", *(f"{k}: {p}" for k, p in agent_rules), "",
             "User-agent: *", *(f"{k}: {p}" for k, p in rules)]
    if not agent_rules:
        lines = lines[3:]
    ours, std = Robots(), RobotFileParser()
    ours.parse(lines)
    std.parse(lines)
    for p in paths:
        for agent in (ROBOTS_AGENT, "OtherBot"):
            url = "https://x.example" + p
            assert ours.can_fetch(agent, url) == std.can_fetch(agent, url), (lines, url, agent)


def test_the_cap_is_half_a_megabyte():
    assert MAX_ROBOTS_BYTES == 500 * 1024
