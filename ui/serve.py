"""Start the Streamlit server with the engine warming in the background: ``python -m ui.serve [streamlit args]``.

``streamlit run`` executes ``app.py`` only when the first browser session connects, so graph, index and
encoder would load on that visitor's request. Here a daemon thread loads them while the server starts
(``ui.common.warm``); the sessions' ``st.cache_resource`` then finds the same loaded engine.
"""

from __future__ import annotations

import sys
import threading
import traceback
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app.py"


def _warm() -> None:
    try:
        from ui.common import warm

        warm()
    except Exception:  # noqa: BLE001 - the page shows the real error to the visitor; the log keeps this one
        print("warm-up failed; the first visit will load the engine and show why:", file=sys.stderr)
        traceback.print_exc()


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] in (["-h"], ["--help"]):
        print(__doc__.strip())
        return
    # Streamlit is imported whole before the warm-up thread starts: that thread imports it too (through
    # ui.common), and the two imports racing ran its __init__ twice ("DeltaGeneratorSingleton instance already
    # exists!"), so a loaded machine now and then got no server at all
    from streamlit.web import cli

    threading.Thread(target=_warm, name="warm-engine", daemon=True).start()

    sys.argv = ["streamlit", "run", str(APP), *args]
    cli.main()


if __name__ == "__main__":
    main()
