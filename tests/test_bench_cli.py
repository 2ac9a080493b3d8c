"""benchmarks/bench.py's command line and the browser benchmarks' decoders (issue 25's benchmark contract).
Fast: no server, no browser; the browser measurements themselves are run by hand."""
from __future__ import annotations

import json
import sys
from io import BytesIO
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench  # noqa: E402
import browserbench  # noqa: E402
import stbrowser  # noqa: E402


def test_browser_and_first_visit_are_opt_in():
    plain = bench.jobs_for(bench.parse_args(["--sizes", "1000,100000"]))
    assert plain == ["size:1000", "size:100000", "naive:2000", "extract:2000"]
    full = bench.jobs_for(bench.parse_args(["--sizes", "1000,100000", "--browser", "--first-visit"]))
    assert full[:2] == ["size:1000:browser", "size:100000:browser"]
    assert full[-1] == "first-visit:"


def test_help_names_the_contract_flags(capsys):
    with pytest.raises(SystemExit):
        bench.parse_args(["--help"])
    out = capsys.readouterr().out
    assert "--browser" in out and "--first-visit" in out and "previous_*" in out


def test_missing_first_visit_module_is_one_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "first_visit", None)  # import fails as if the file were absent
    with pytest.raises(SystemExit, match="first_visit.py is not available"):
        bench.run_job("first-visit:")


def _forward_msg(fill) -> bytes:
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = ForwardMsg()
    fill(msg)
    return msg.SerializeToString()


def test_element_name_finds_the_map_component_and_the_deck_chart():
    def folium(msg):
        msg.delta.new_element.component_instance.component_name = "streamlit_folium.st_folium"
        msg.delta.new_element.component_instance.json_args = json.dumps({"script": "x" * 1000})

    def deck(msg):
        msg.delta.new_element.deck_gl_json_chart.json = json.dumps({"layers": [{"data": [{"lon": 1}] * 3}]})

    def finished(msg):
        msg.script_finished = 0

    assert stbrowser.element_name(_forward_msg(folium)) == "streamlit_folium.st_folium"
    assert stbrowser.element_name(_forward_msg(deck)) == "deck_gl_json_chart"
    assert stbrowser.element_name(_forward_msg(finished)) is None
    assert stbrowser.element_name(b"\xff\xff not protobuf") is None
    visit = stbrowser.Visit.__new__(stbrowser.Visit)  # its frames only: no browser
    visit.frames, visit._kinds = [_forward_msg(finished), _forward_msg(folium)], {}
    assert browserbench.deck_points(visit) is None
    visit.frames.append(_forward_msg(deck))
    assert browserbench.deck_points(visit) == 3


def test_red_pixels_counts_only_the_point_colour():
    from PIL import Image

    from pydeck_map import POINT_COLOR

    img = Image.new("RGB", (20, 10), (255, 255, 255))
    for x in range(6):
        img.putpixel((x, 0), POINT_COLOR)
    img.putpixel((10, 5), (200, 30, 200))  # magenta: not the points' colour
    png = BytesIO()
    img.save(png, format="PNG")
    assert browserbench.red_pixels(png.getvalue()) == 6
