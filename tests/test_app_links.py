"""Links that could crash a page: every page's URL parameters with hostile values, through Streamlit's AppTest on
the real build. A bad link degrades to a message naming what was wrong and the nearest good view, never a
traceback; a good link makes no URL change of its own (no second browser-history entry on opening it)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests import appenv

ROOT = Path(__file__).resolve().parent.parent
LI, PROSPERITY = "input/local-intelligence", "impact/prosperity"


@pytest.fixture(scope="module", autouse=True)
def app_env(build_dir):
    old = os.environ.get("EP_BUILD")
    os.environ["EP_BUILD"] = str(build_dir)
    yield
    if old is None:
        os.environ.pop("EP_BUILD", None)
    else:
        os.environ["EP_BUILD"] = old


def run(**params: str) -> AppTest:
    return appenv.run(120, **params)


def said(at: AppTest) -> str:
    """Every message the page shows (warnings, errors, infos), unescaped."""
    return "\n".join(m.value for m in [*at.warning, *at.error, *at.info]).replace("\\", "")


PATHS = {"from": LI, "to": PROSPERITY}
HOSTILE = [  # (URL parameters, what the page says about them; "" where the bad value is simply not used)
    ({"page": "nope"}, ""),
    ({"page": "<script>alert(1)</script>"}, ""),
    ({"page": "ask", "q": "<img src=x onerror=alert(1)> ![x](http://example.org/x.png)"}, ""),
    ({"page": "ask", "q": "zebra " * 400}, ""),
    ({"page": "pathways", **PATHS, "k": "abc"}, "number of paths (k): “abc” is not a whole number; showing 5"),
    ({"page": "pathways", **PATHS, "k": "999"}, "number of paths (k): 999 is outside 1–50; showing 50"),
    ({"page": "pathways", **PATHS, "k": "-5"}, "number of paths (k): -5 is outside 1–50; showing 1"),
    ({"page": "pathways", **PATHS, "k": "1e9"}, "“1e9” is not a whole number"),
    ({"page": "pathways", **PATHS, "path": "abc"}, "path: “abc” is not a whole number"),
    ({"page": "pathways", **PATHS, "path": "-3"}, "path: -3 is outside 0–4"),
    ({"page": "pathways", **PATHS, "path": "999"}, "path: 999 is outside 0–4"),
    ({"page": "pathways", "from": "nope/x", "to": PROSPERITY}, "from “nope/x” is not an element of the model"),
    ({"page": "pathways", "from": LI, "to": "assumption/x"}, "to “assumption/x” is not an element of the model"),
    ({"page": "pathways", "mode": "sideways", "from": LI}, ""),
    ({"page": "pathways", "mode": "backward", "from": LI, "strong": "yes please"}, ""),
    ({"page": "assumptions", "node": "nope"}, ""),
    ({"page": "assumptions", "path": "nope,also-nope"},
     "This link names a step that is not in the graph; showing the element picker instead."),
    ({"page": "assumptions", "path": "a,b"}, "This link names a step that is not in the graph"),
    ({"page": "assumptions", "path": ",,,"}, ""),
    ({"page": "assumptions", "look": "fragility", "node": PROSPERITY, "path": "x,impact/prosperity"},
     "This link names a step that is not in the graph; showing this element's own routes."),
    ({"page": "assumptions", "look": "fragility", "node": "nope"}, ""),
    ({"page": "cases", "case_q": "zebra"}, "No element of the model matches: nothing in the graph shares a word"),
    ({"page": "cases", "case_q": "zebra", "tab": "nope"}, ""),
    ({"page": "cases", "tab": "find"}, ""),
    ({"page": "node", "node": "nope/not-a-node"}, "No node with id “nope/not-a-node”"),
    ({"page": "node", "node": "<b>x</b>"}, "No node with id “<b>x</b>”"),
    ({"page": "place", "items": "condition/long-term-commitment:zz"},
     "This link names an item or a status that the checklist does not have (“condition/long-term-commitment:zz”)"),
    ({"page": "place", "items": "::::,:,a:b:c"},
     "This link names items or statuses that the checklist does not have (“::::”, “:”, “a:b:c”); showing the rest"),
    ({"page": "place", "assume": "nope:d"}, "the checklist does not have (“nope:d”)"),
    ({"page": "place", "items": "%%%garbage"}, "the checklist does not have (“%%%garbage”)"),
    ({"page": "place", "place": "<b>Town</b>", "items": "input/resources:p"}, ""),
    ({"page": "data", "node": "nope", "k": "abc"}, ""),
]


@pytest.mark.parametrize("params, message", HOSTILE, ids=[str(p) for p, _ in HOSTILE])
def test_a_hostile_link_degrades_to_a_message_never_a_traceback(params, message):
    at = run(**params)
    if message:
        assert message in said(at), said(at)
    assert not any(raw in said(at) for raw in ("link: ", "is not in the graph.", "('", "with id or label")), said(at)
    assert at.title, "the page rendered its title"


def test_a_bad_number_in_a_link_is_replaced_by_the_one_shown():
    at = run(page="pathways", k="abc", path="-3", **PATHS)
    assert at.number_input(key="pw_k").value == 5 and at.selectbox(key="pw_path").value == 0
    assert "k" not in at.query_params and "path" not in at.query_params  # the defaults, left out of the link
    at = run(page="pathways", k="999", **PATHS)
    assert at.number_input(key="pw_k").value == 50 and at.query_params["k"] == "50"


@pytest.mark.parametrize("params", [
    {"page": "pathways", "from": LI, "to": PROSPERITY, "path": "2"},
    {"page": "pathways", "mode": "backward", "from": PROSPERITY, "k": "3"},
    {"page": "pathways", "from": LI},  # forward is what a start alone means
    {"page": "ask", "q": "how do I build a referral network"},
    {"page": "cases", "case_q": "keeping money local"},
    {"page": "cases", "case_q": "keeping money local", "tab": "all"},
    {"page": "node", "node": "process/create-a-referral-network"},
    {"page": "assumptions", "node": "process/create-a-referral-network"},
], ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()))
def test_a_good_link_is_kept_as_it_came(params):
    """Opening a link the app made changes nothing in it: no history entry of its own, so Back leaves."""
    at = run(**params)
    assert {k: at.query_params[k] for k in at.query_params} == params


def test_the_copied_case_studies_link_opens_its_tab():
    at = run(page="cases", case_q="keeping money in the local economy")
    assert at.text_input(key="case_q").value == "keeping money in the local economy"
    body = "\n".join(m.value for m in at.markdown)
    assert "Case studies closest to your words" in body
    assert not at.caption or "case studies from" not in at.caption[0].value  # the hidden first tab is not drawn
    at = run(page="cases", case_q="keeping money in the local economy", tab="all")
    assert "Case studies closest to your words" not in "\n".join(m.value for m in at.markdown)
    assert any("case studies from" in c.value for c in at.caption)


@pytest.mark.parametrize("params, message", [
    ({"page": "nope"}, "This link names no page called “nope”, so it opens Ask"),
    ({"page": "pathways", **PATHS, "k": "999"}, "number of paths (k): 999 is outside 1–50; showing 50"),
    ({"page": "pathways", **PATHS, "path": "99"}, "path: 99 is outside 0–4"),
    ({"page": "assumptions", "path": "nope,also-nope"}, "This link names a step that is not in the graph"),
    ({"page": "place", "items": "condition/long-term-commitment:zz"}, "the checklist does not have"),
], ids=lambda p: str(p))
def test_what_was_wrong_with_a_link_is_still_said_after_the_page_reruns_with_the_corrected_link(params, message):
    """A page that corrects its link reruns at once with the corrected one (the browser showed the message for
    about a second); the message stays until the person changes the view."""
    at = run(**params)
    corrected = {k: at.query_params[k] for k in at.query_params}
    assert message in said(at)
    at.run()  # the rerun the corrected address bar brings
    assert {k: at.query_params[k] for k in at.query_params} == corrected
    assert message in said(at), said(at)


def test_a_corrected_links_message_goes_once_the_view_changes():
    at = run(page="pathways", k="999", **PATHS)
    assert "999 is outside" in said(at)
    at.number_input(key="pw_k").set_value(3).run()
    assert at.query_params["k"] == "3" and "999 is outside" not in said(at), said(at)
