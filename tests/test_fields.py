"""One set of field checks: curated records, review edits and URL filters agree on each value."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import example, given, strategies as st

from atlas.core import fields
from atlas.views import review
from atlas.core.errors import ValidationError
from atlas.sources.files import load_curated
from atlas.core.models import Fact
from atlas.views.query import Filters
from tests.test_records import ARTICLES, GOOD, write

PENDING = Fact(id="x-a-1-2", type="diplomacy", title="Talks", date_start=date(2023, 5, 19), date_precision="day",
               origin="extracted", review="pending", countries=("KAZ",), actors=("CHN",))


def curated_ok(tmp_path, actor: str) -> bool:
    return not load_curated(write(tmp_path, GOOD.replace("[CHN, EU]", f"[{actor}]")), ARTICLES).problems


def edit_ok(actor: str) -> bool:
    try:
        review.apply_edit(PENDING, {"actors": actor})
    except ValidationError:
        return False
    return True


def url_ok(actor: str) -> bool:
    f, warnings = Filters.from_query({"actor": [actor]})
    return f.actors == (actor,) and not warnings


@pytest.mark.parametrize("actor, ok", [("CHN", True), ("EU", True), ("TUR", True), ("XXX", False),
                                       ("KAZ", False), ("QQQ", False)])
def test_outside_actor_rule_is_the_same_everywhere(tmp_path, actor, ok):
    assert (curated_ok(tmp_path, actor), edit_ok(actor), url_ok(actor)) == (ok, ok, ok)


def test_edit_and_record_messages_are_the_same(tmp_path):
    record = load_curated(write(tmp_path, GOOD.replace("type: diplomacy", "type: gossip")), ARTICLES).problems
    with pytest.raises(ValidationError) as edit:
        review.apply_edit(PENDING, {"type": "gossip"})
    assert fields.type_problem("gossip") in str(record[0])
    assert edit.value.problems == [f"type: {fields.type_problem('gossip')}"]


def test_impossible_date_is_refused_by_records_edits_and_urls(tmp_path):
    record = load_curated(write(tmp_path, GOOD.replace("date_start: 2023-05-19", "date_start: '2023-02-30'")),
                          ARTICLES).problems
    assert any("'2023-02-30' is not a real date" in str(p) for p in record)
    with pytest.raises(ValidationError, match="'2023-02-30' is not a real date"):
        review.apply_edit(PENDING, {"date_start": "2023-02-30"})
    f, warnings = Filters.from_query({"since": "2023-02-30"})
    assert f.since is None and warnings == ["since: '2023-02-30' is not a date (YYYY-MM-DD)"]


@given(st.text(max_size=30))
@example("20230519")
@example("2023-W20-5")
@example(" 2023-05-19\n")
@example("٢٠٢٣-٠٥-١٩")  # Arabic-Indic digits match \d without re.ASCII
def test_parse_date_returns_a_date_or_says_why(raw):
    try:
        got = fields.parse_date(raw)
    except ValueError as exc:
        assert str(exc).startswith(("not an ISO date (YYYY-MM-DD): ", repr(raw.strip())))
    else:
        assert got.isoformat() == raw.strip()
