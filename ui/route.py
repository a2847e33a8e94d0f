"""The view lives in the address bar: one browser-history entry per step, and Back and Forward restore it.

Streamlit's browser side pushes a history entry for every message that changes the query string, and
every write to ``st.query_params`` (each ``[k] = v``, ``del``, ``clear()``) sends one: a sidebar click
that cleared the URL, set ``page`` and let the page add two defaults made four entries, so Back landed
on the same page three times. Here a run never writes ``st.query_params`` piecemeal. Pages read and
write the run's *view* (``param``, ``set_params``); ``commit`` writes it once at the end of the run, so a
run that changes the view makes exactly one entry, and a run that changes nothing makes none. Pages leave
a value at its default out of the view, so opening a link does not add an entry of its own.

Back and Forward: the browser restores the URL and Streamlit reruns the script with it (marking the
run as history navigation, and replacing rather than pushing the entry for what that run writes), but
the session's widgets, and the browser's copies of them, still hold the later view's values. On such a
run every widget that shows part of the view is given its value from the URL through session state
(``seed``): that is what makes the browser redraw it, so the page shows exactly the view the entry was.
Widgets that are not part of the view (the picture's filters, notes on Our place) keep their values.
See docs/app.md.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

VIEW = "_route_view"  # this run's view: URL parameters as the page builds them
WRITTEN = "_route_written"  # the URL as this session last wrote it (None before the first commit)
MOVED = "_route_moved"  # this run was started by Back/Forward (or the address bar), not by a widget
NOTES = "_route_notes"  # what was wrong with a link, and the view it was corrected to: said until the view changes
RUN_NOTES = "_route_run_notes"  # … the ones this run found


def _url() -> dict[str, str]:
    return {k: v for k, v in st.query_params.to_dict().items() if isinstance(v, str)}


def _forget_widgets(keep: tuple[str, ...] = ()) -> None:
    for k in [k for k in st.session_state if k not in (VIEW, WRITTEN, MOVED, NOTES, RUN_NOTES, *keep)]:
        del st.session_state[k]


def begin() -> bool:
    """Start a run: read the URL into the view. True when Back or Forward started the run and brought a URL this
    session did not just write: every widget that shows part of the view then takes it from the URL.

    Streamlit marks a rerun started by the browser's history (``is_history_navigation``); a URL that merely
    differs is not enough, since a click made while a run is still sending its URL arrives with the one before.
    A history run takes the URL even when it is the one last written: Back's run, cut short by Forward before it
    wrote its URL, had already given the widgets the earlier view, and Forward then showed "Any place" under a URL
    that named Bristol (a full-suite browser run found it)."""
    url = _url()
    written = st.session_state.get(WRITTEN)
    ctx = get_script_run_ctx()
    moved = bool(getattr(ctx, "is_history_navigation", False)) and written is not None
    st.session_state[VIEW] = dict(url)
    st.session_state[MOVED] = moved
    st.session_state[RUN_NOTES] = []
    return moved


def correct(text: str, level: str = "warning") -> None:
    """Say what was wrong with the link and what is shown instead (``level``: warning, error or info). Said at the
    top of the page on this run and on every rerun of the view it was corrected to: a page that fixes its link
    reruns at once with the fixed one, where the fault is no longer there to be found."""
    notes = st.session_state.setdefault(RUN_NOTES, [])
    if (level, text) not in notes:
        notes.append((level, text))


def corrections() -> list[tuple[str, str]]:
    """(level, text) of every link correction that applies to this run's view: found now or on an earlier run of
    the same view."""
    out = list(st.session_state.get(RUN_NOTES) or [])
    kept = st.session_state.get(NOTES)
    if kept and kept["view"] == _view():
        out += [n for n in kept["notes"] if n not in out]
    return out


def moved() -> bool:
    """This run was started by Back or Forward (the URL changed under the session)."""
    return bool(st.session_state.get(MOVED))


def seed(key: str, value: object) -> None:
    """Give a widget that shows part of the view its value from the URL: when it is first drawn, and again after
    Back or Forward. Set through session state (never a widget's index=/value=), because only that tells the
    browser to change what the widget shows; otherwise it would keep, and later send back, the later view's."""
    if moved() or key not in st.session_state:
        st.session_state[key] = value


def _view() -> dict[str, str]:
    view = st.session_state.get(VIEW)
    if view is None:  # a page run on its own (no app.py around it): the URL is the view
        view = st.session_state[VIEW] = _url()
    return view


def param(name: str, default: str = "") -> str:
    """A URL parameter of this run's view (what the page has set so far this run, else the URL's)."""
    v = _view().get(name, default)
    return v if isinstance(v, str) else default


def set_params(**kwargs: str) -> None:
    """Keep the view in the URL so a link reproduces it; empty values (a page's defaults) are left out."""
    view = _view()
    for k, v in kwargs.items():
        if v:
            view[k] = v
        else:
            view.pop(k, None)


def open_page(page: str) -> None:
    """A page opened from the sidebar starts clean: only ``page`` in its view, no state left by another page."""
    _forget_widgets(keep=("nav",))  # the sidebar's choice, drawn already this run
    st.session_state[VIEW] = {"page": page}


def commit() -> None:
    """Write the run's view to the URL in one message (one history entry), only if it changed.

    A link opened from outside (the session's first run) that had to be corrected is not a step of its own: the
    browser's entry for it is replaced by the corrected view, so Back leaves the page in one press. Streamlit would
    push an entry for the corrected query string, and Back would land on the faulty link, corrected again."""
    view = _view()
    notes = corrections()
    if notes:
        st.session_state[NOTES] = {"view": dict(view), "notes": notes}
    else:
        st.session_state.pop(NOTES, None)
    first = st.session_state.get(WRITTEN) is None
    if view != _url():
        if first and st.session_state.get(RUN_NOTES):
            # the browser sends location.search with the next rerun while Streamlit holds no query string of
            # its own (a fresh session), so the corrected view is what the server reads from then on
            st.html(_REPLACE.format(url=json.dumps("?" + urlencode(view) if view else "?")),
                    unsafe_allow_javascript=True)  # fixed code; the URL is JSON-quoted
        else:
            st.query_params.from_dict(view)
    st.session_state[WRITTEN] = dict(view)


_REPLACE = """<script>history.replaceState(history.state, "", location.pathname + {url});</script>"""


def int_param(name: str, default: int, lo: int, hi: int) -> tuple[int, str]:
    """A whole-number parameter kept within lo..hi, and what was wrong with the link's value ("" if nothing):
    a bad link shows a message and the nearest good view, never a traceback."""
    raw = param(name).strip()
    if not raw:
        return default, ""
    try:
        v = int(raw)
    except ValueError:
        return default, f"“{raw}” is not a whole number"
    if v < lo or v > hi:
        return min(max(v, lo), hi), f"{v} is outside {lo}–{hi}"
    return v, ""
