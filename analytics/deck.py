"""Weekly briefing -> PowerPoint deck (python-pptx) with chart PNGs rendered by kaleido + system chromium.

Khmer needs a complex-script font: python-pptx's `font.name` sets only <a:latin>, so every run also
gets <a:ea> and <a:cs> typefaces (Office picks the cs face for Khmer characters).
Charts come as PNG from analytics/deck_charts.py (kaleido driving the system chromium).
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pandas as pd
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import PP_ALIGN
from pptx.oxml.ns import qn
from pptx.oxml.xmlchemy import OxmlElement
from pptx.util import Inches, Pt

from analytics.deck_charts import (
    KHMER_FONT,
    LATIN_FONT,
    chart_png,
    frequency_figure,
    partners_figure,
)
from analytics.report import Briefing, change_text, labels

__all__ = ["build_deck", "chart_png", "frequency_figure", "partners_figure", "set_fonts"]
KHMER_RE = re.compile(r"[\u1780-\u17ff\u19e0-\u19ff]")
DARK, ACCENT, MUTED = RGBColor(0x1D, 0x27, 0x33), RGBColor(0x1F, 0x5F, 0xA0), RGBColor(0x55, 0x5F, 0x6B)
MEETING_ROWS = 8  # meetings per slide
TABLE_ROWS = 12  # rows per slide for the other tables


# ---- text with Khmer-capable fonts ----------------------------------------------------------------

def set_fonts(run, size: float | None = None, bold: bool | None = None,
              color: RGBColor | None = None) -> None:
    """Latin + East-Asian + complex-script typefaces on one run (Khmer shapes with the cs face)."""
    run.font.name = LATIN_FONT
    if size:
        run.font.size = Pt(size)
    if bold is not None:
        run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    rpr = run._r.get_or_add_rPr()
    for tag in ("a:ea", "a:cs"):
        for old in rpr.findall(qn(tag)):
            rpr.remove(old)
    latin = rpr.find(qn("a:latin"))
    for tag in ("a:cs", "a:ea"):  # schema order is latin, ea, cs: insert in reverse after latin
        element = OxmlElement(tag)
        element.set("typeface", KHMER_FONT)
        latin.addnext(element)
    if KHMER_RE.search(run.text or ""):
        rpr.set("lang", "km-KH")


def write(text_frame, lines: list[str] | str, size: float = 18, bold: bool = False,
          color: RGBColor = DARK) -> None:
    """Replace the text frame's content with `lines` (one paragraph each), fonts set on every run."""
    lines = [lines] if isinstance(lines, str) else lines
    text_frame.word_wrap = True
    for i, line in enumerate(lines):
        para = text_frame.paragraphs[0] if i == 0 else text_frame.add_paragraph()
        for run in list(para.runs):
            run._r.getparent().remove(run._r)
        run = para.add_run()
        run.text = str(line)
        set_fonts(run, size, bold, color)


def _textbox(slide, left, top, width, height, lines, **kw):
    box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    write(box.text_frame, lines, **kw)
    return box


def _slide(prs, title: str):
    """A title-only slide with our fonts on the title."""
    slide = prs.slides.add_slide(prs.slide_layouts[5])
    slide.shapes.title.left, slide.shapes.title.top = Inches(0.4), Inches(0.2)
    slide.shapes.title.width, slide.shapes.title.height = Inches(12.5), Inches(0.9)
    write(slide.shapes.title.text_frame, title, size=28, bold=True, color=ACCENT)
    return slide


# ---- slides ---------------------------------------------------------------------------------------

def _cell_text(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value)


def _table(slide, df: pd.DataFrame, columns: list[tuple[str, str, float]], top: float = 1.2,
           size: float = 12) -> None:
    """A table of df[columns] under the title; columns are (key, header, width in inches)."""
    shape = slide.shapes.add_table(len(df) + 1, len(columns), Inches(0.3), Inches(top),
                                   Inches(sum(c[2] for c in columns)), Inches(0.4 * (len(df) + 1)))
    table = shape.table
    for j, (key, header, width) in enumerate(columns):
        table.columns[j].width = Inches(width)
        write(table.cell(0, j).text_frame, header, size=size, bold=True, color=RGBColor(255, 255, 255))
        for i, value in enumerate(df[key], start=1):
            write(table.cell(i, j).text_frame, _cell_text(value), size=size)


def _table_slides(prs, title: str, df: pd.DataFrame, columns, rows: int, empty: str,
                  size: float = 12) -> None:
    """As many slides as needed for df, `rows` rows each, titled 'title (i/n)' when split."""
    if df.empty:
        _textbox(_slide(prs, title), 0.5, 1.5, 12, 1, empty, size=20, color=MUTED)
        return
    pages = [df.iloc[i:i + rows] for i in range(0, len(df), rows)]
    for n, page in enumerate(pages, start=1):
        suffix = f" ({n}/{len(pages)})" if len(pages) > 1 else ""
        _table(_slide(prs, title + suffix), page, columns, size=size)


def _title_slide(prs, b: Briefing, lab: dict) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[0])
    for shape, top, height in ((slide.shapes.title, 1.6, 2.0), (slide.placeholders[1], 4.0, 1.8)):
        shape.left, shape.top, shape.width, shape.height = (Inches(0.8), Inches(top), Inches(11.7),
                                                            Inches(height))
    titles = list(dict.fromkeys([lab["title"], lab["title_km"]]))  # one line when both are Khmer
    write(slide.shapes.title.text_frame, titles, size=36, bold=True, color=ACCENT)
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    write(slide.placeholders[1].text_frame,
          [f"{lab['week']} {b.week} · {b.start} – {b.end}", f"{lab['filters']}: {b.caption}",
           f"{lab['generated']} {generated}"], size=18, color=MUTED)


def _headline_slide(prs, b: Briefing, lab: dict) -> None:
    slide = _slide(prs, f"{lab['headline']} · {b.week}")
    for i, (key, value) in enumerate(b.headline.items()):
        left, top = 0.4 + (i % 4) * 3.15, 1.4 + (i // 4) * 2.3
        box = slide.shapes.add_shape(1, Inches(left), Inches(top), Inches(2.95), Inches(2.0))
        box.fill.solid()
        box.fill.fore_color.rgb = RGBColor(0xEE, 0xF3, 0xF8)
        box.line.color.rgb = RGBColor(0xCD, 0xD6, 0xE0)
        write(box.text_frame, [str(value), lab[f"h_{key}"]], size=16, color=DARK)
        set_fonts(box.text_frame.paragraphs[0].runs[0], 40, True, ACCENT)
        for para in box.text_frame.paragraphs:
            para.alignment = PP_ALIGN.CENTER
    change = change_text(b.n_meetings, b.prev_avg, lab["vs_avg"])
    if change:
        _textbox(slide, 0.4, 6.2, 12, 0.6, f"{b.n_meetings} {lab['h_meetings']}: {change}", size=18)


def _chart_slide(prs, title: str, make_fig, empty: str, charts: bool) -> None:
    """A chart slide; make_fig() builds the figure only when charts are wanted (plotly is slow)."""
    slide = _slide(prs, title)
    if make_fig is None:
        _textbox(slide, 0.5, 1.5, 12, 1, empty, size=20, color=MUTED)
        return
    png = chart_png(make_fig()) if charts else None
    if png is None:
        _textbox(slide, 0.5, 1.5, 12, 1, labels()["chart_missing"], size=20, color=MUTED)
        return
    pic = slide.shapes.add_picture(io.BytesIO(png), Inches(0.6), Inches(1.2), width=Inches(12.1))
    if pic.height > Inches(6.1):  # keep tall charts on the slide
        pic.width, pic.height = int(pic.width * Inches(6.1) / pic.height), Inches(6.1)


def _breakdown_slide(prs, b: Briefing, lab: dict, lang: str) -> None:
    slide = _slide(prs, f"{lab['by_ministry']} · {lab['by_province']}")
    for df, key, left in ((b.by_ministry, "ministry", 0.3), (b.by_province, "province", 6.9)):
        shown = df.head(TABLE_ROWS).copy()
        if lang == "km":
            shown[key] = [km or en for en, km in zip(shown[key], shown["name_km"].fillna(""), strict=True)]
        if shown.empty:
            _textbox(slide, left, 1.3, 6, 1, "—", size=18, color=MUTED)
            continue
        _table(slide, shown, [(key, lab[key], 4.6), ("meetings", lab["meetings"], 1.4)], size=13)
        slide.shapes[-1].left = Inches(left)


MEETING_COLUMNS = (("date", 1.2), ("organiser", 2.5), ("chair", 1.8), ("province", 1.5),
                   ("partners", 1.9), ("subject", 3.8))


def build_deck(b: Briefing, lang: str = "en", charts: bool = True) -> bytes:
    """The weekly review as .pptx bytes: title, numbers, two charts, breakdowns, reviews, meetings."""
    lab = labels(lang)
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    _title_slide(prs, b, lab)
    _headline_slide(prs, b, lab)
    _chart_slide(prs, lab["frequency"], lambda: frequency_figure(b, lang), "", charts)
    partners = (lambda: partners_figure(b, lang)) if not b.partners.empty else None
    _chart_slide(prs, lab["partners_chart"], partners, lab["no_partners"], charts)
    _breakdown_slide(prs, b, lab, lang)
    review_cols = [(k, lab[k], w) for k, w in (("organiser", 5.0), ("previous", 2.5),
                                               ("current", 2.5), ("status", 2.5))]
    reviews = b.reviews.assign(status=b.reviews["status"].map(lab.get))  # status in `lang`
    _table_slides(prs, f"{lab['semester_progress']} · {b.semester}", reviews, review_cols,
                  TABLE_ROWS, lab["semester_note"])
    meeting_cols = [(k, lab[k], w) for k, w in MEETING_COLUMNS]
    meetings = b.meetings
    if lang == "km":  # Khmer province names where the gazetteer has them
        meetings = meetings.assign(province=meetings["province_km"].fillna(meetings["province"]))
    _table_slides(prs, f"{lab['meetings_list']} · {b.week}", meetings, meeting_cols,
                  MEETING_ROWS, lab["no_meetings"], size=11)
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()
