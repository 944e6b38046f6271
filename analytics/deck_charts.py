"""Weekly briefing -> Plotly figures (frequency, partners) -> PNG bytes via kaleido + the system chromium.

One chromium per process, started on first use and reused for every image (the first image takes a
few seconds, later ones well under one). It runs on a private event-loop thread and every request
has a timeout: kaleido's own sync server waits forever when the browser dies, which would hang a
dashboard download. The browser is BROWSER_PATH or `chromium` on PATH; nothing is ever downloaded.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import shutil
import threading

import plotly.graph_objects as go

from analytics.report import Briefing, labels

log = logging.getLogger(__name__)
LATIN_FONT = "Noto Sans"
KHMER_FONT = "Noto Sans Khmer"
PLOT_FONT = f"{LATIN_FONT}, {KHMER_FONT}, sans-serif"
START_TIMEOUT = 60  # seconds for chromium to come up
RENDER_TIMEOUT = 30  # seconds per image


def browser_path() -> str | None:
    """The installed chromium kaleido should drive (BROWSER_PATH wins), or None."""
    return os.environ.get("BROWSER_PATH") or next(
        (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)


class _Renderer:
    """An open kaleido (one chromium) living on its own event-loop thread."""

    def __init__(self, path: str):
        import kaleido

        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, name="kaleido", daemon=True).start()

        async def open_kaleido():
            # mathjax=False: no CDN fetch (no internet); plotly.js comes from the installed plotly.
            k = kaleido.Kaleido(path=path, mathjax=False, timeout=RENDER_TIMEOUT)
            await k.open()
            return k

        try:
            self.kaleido = self._run(open_kaleido(), START_TIMEOUT)
        except BaseException:
            self.loop.call_soon_threadsafe(self.loop.stop)
            raise

    def _run(self, coro, timeout: float):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=timeout)

    def png(self, fig: go.Figure, width: int, height: int) -> bytes:
        opts = {"format": "png", "width": width, "height": height}
        return self._run(self.kaleido.calc_fig(fig, opts=opts), RENDER_TIMEOUT)

    def close(self) -> None:
        try:
            self._run(self.kaleido.close(), 10)
        except Exception:  # noqa: S110 - shutting down: the browser may already be gone
            pass
        self.loop.call_soon_threadsafe(self.loop.stop)


_LOCK = threading.Lock()  # one image at a time, one browser per process
_renderer: _Renderer | None = None


def chart_png(fig: go.Figure, width: int = 1200, height: int | None = None) -> bytes | None:
    """The figure as PNG bytes, or None when no browser is available or rendering fails."""
    global _renderer
    path = browser_path()
    if path is None:
        log.warning("no chromium found: deck charts are left out")
        return None
    with _LOCK:
        try:
            if _renderer is None:
                _renderer = _Renderer(path)
                atexit.register(_renderer.close)
            return _renderer.png(fig, width, height or fig.layout.height or 540)
        except Exception:  # a chart must not sink the deck; the slide says it is missing
            log.exception("chart rendering failed; the browser is restarted for the next chart")
            if _renderer is not None:
                _renderer.close()
            _renderer = None
            return None


def _layout(fig: go.Figure, title: str) -> go.Figure:
    """Shared look; the title goes into the figure's meta (the slide or page shows it)."""
    fig.update_layout(font={"family": PLOT_FONT, "size": 18}, template="plotly_white", meta=title,
                      margin={"l": 60, "r": 40, "t": 30, "b": 60}, showlegend=False)
    return fig


def frequency_figure(b: Briefing, lang: str = "en") -> go.Figure:
    """Meetings per week, the chosen week highlighted, the previous 4-week average as a line."""
    lab = labels(lang)
    colors = ["#1f5fa0" if w == b.week else "#9db7d3" for w in b.weekly["week"]]
    fig = go.Figure(go.Bar(x=b.weekly["week"], y=b.weekly["meetings"], marker_color=colors,
                           text=[n or "" for n in b.weekly["meetings"]], textposition="outside"))
    if b.prev_avg:
        fig.add_hline(y=b.prev_avg, line_dash="dash", line_color="#c0392b",
                      annotation_text=f"{lab['h_prev_avg']}: {b.prev_avg:.1f}",
                      annotation_position="top left")
    peak = max(1, int(b.weekly["meetings"].max()))
    fig.update_yaxes(range=[0, peak * 1.15], dtick=max(1, peak // 6))
    return _layout(fig, lab["frequency"])


def partners_figure(b: Briefing, lang: str = "en") -> go.Figure:
    """Meetings per partner this week (top 12), largest on top."""
    lab = labels(lang)
    top = b.partners.head(12).iloc[::-1]
    names = [km if lang == "km" and isinstance(km, str) and km else p
             for p, km in zip(top["partner"], top["name_km"], strict=True)]
    fig = go.Figure(go.Bar(x=top["meetings"], y=names, orientation="h", marker_color="#1f5fa0",
                           text=top["meetings"], textposition="outside"))
    peak = max(1, int(top["meetings"].max()))
    fig.update_xaxes(range=[0, peak * 1.1], dtick=max(1, peak // 6))
    fig.update_layout(height=min(540, 140 + 45 * len(top)))
    return _layout(fig, lab["partners_chart"])
