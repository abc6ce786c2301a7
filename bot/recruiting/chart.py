"""The funnel as a picture (PNG) for `status`: people read a funnel faster than a table.

matplotlib's object API on the Agg canvas (no pyplot: no global state, no GUI backend), so
it is safe in a worker thread; `render_chart` runs it off the event loop. `chart_bars` are
the numbers drawn, kept apart so a test can hold them against the database.
"""

from __future__ import annotations

import asyncio
import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from conversations.funnel import Funnel

Bar = tuple[str, int]
STAGE_COLOUR, QUESTION_COLOUR, REVIEW_COLOUR = "#3b6ea5", "#7fa7d1", "#5a9e6f"


def chart_bars(f: Funnel) -> list[Bar]:
    """Top to bottom: how many reached each step."""
    bars: list[Bar] = [("Invited", f.invited), ("Opened", f.opened), ("Consented", f.consented)]
    for step in f.questions:
        bars += [(f"Q{step.number} reached", step.reached),
                 (f"Q{step.number} answered", step.answered)]
    bars += [("Submitted", f.submitted), ("Reviewed", f.reviewed), ("Decided", f.decided)]
    return bars


def funnel_png(title: str, f: Funnel) -> bytes:
    bars = chart_bars(f)
    labels = [label for label, _ in bars]
    values = [value for _, value in bars]
    colours = [QUESTION_COLOUR if label.startswith("Q") else
               REVIEW_COLOUR if label in ("Reviewed", "Decided") else STAGE_COLOUR
               for label in labels]
    height = 0.35 * len(bars) + 1.4
    figure = Figure(figsize=(7, height), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = list(range(len(bars)))
    axes.barh(positions, values, color=colours)
    axes.set_yticks(positions, labels)
    axes.invert_yaxis()  # the funnel reads from the top
    axes.set_xlim(0, max(1, f.invited) * 1.15)
    for y, value in zip(positions, values, strict=True):
        axes.text(value + max(1, f.invited) * 0.01, y, str(value), va="center", fontsize=9)
    axes.set_title(title[:80], fontsize=11)
    axes.spines[["top", "right"]].set_visible(False)
    # fixed margins: tight_layout measures every text and doubles the drawing time
    figure.subplots_adjust(left=0.22, right=0.97, top=1 - 0.55 / height, bottom=0.35 / height)
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


async def render_chart(title: str, f: Funnel) -> bytes:
    """Drawing takes tens of milliseconds of CPU: never on the event loop."""
    return await asyncio.to_thread(funnel_png, title, f)
