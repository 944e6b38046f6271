"""Entry point: `streamlit run dashboard.py` -> page config and navigation over the pages in pages/."""

from pathlib import Path

import streamlit as st

from analytics import ui

ROOT = Path(__file__).resolve().parent
# (file, title key, icon, section): a page is listed only once its file exists.
PAGES = [
    ("pages/overview.py", "page.overview", ":material/dashboard:", "nav.analysis"),
    ("pages/frequency.py", "page.frequency", ":material/bar_chart:", "nav.analysis"),
    ("pages/partners.py", "page.partners", ":material/handshake:", "nav.analysis"),
    ("pages/semesters.py", "page.semesters", ":material/event_available:", "nav.analysis"),
    ("pages/map.py", "page.map", ":material/map:", "nav.analysis"),
    ("pages/weekly.py", "page.weekly", ":material/slideshow:", "nav.analysis"),
    ("pages/explorer.py", "page.explorer", ":material/table_view:", "nav.data"),
    ("pages/quality.py", "page.quality", ":material/fact_check:", "nav.data"),
    ("pages/add_articles.py", "page.add_articles", ":material/upload_file:", "nav.data"),
]


def navigation() -> dict[str, list]:
    """Sections of st.Page entries for the pages that exist, titled in the current language."""
    sections: dict[str, list] = {}
    for i, (path, title, icon, section) in enumerate(PAGES):
        if (ROOT / path).is_file():
            page = st.Page(path, title=ui.t(title), icon=icon, default=i == 0)
            sections.setdefault(ui.t(section), []).append(page)
    return sections


# A local favicon: icons given by name would be fetched from a font CDN (the app must work offline).
st.set_page_config(page_title=ui.t("app.title"), page_icon=str(ROOT / "static" / "favicon.png"), layout="wide")
st.navigation(navigation()).run()
