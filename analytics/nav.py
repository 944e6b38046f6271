"""Keep every run on the app's own navigation (the st.navigation call in dashboard.py).

With a `pages/` folder beside the entry script, Streamlit starts in its old multipage mode: until some
session has run dashboard.py, a link straight to a page (a shared, filtered view after a server start)
runs that page file alone, without the page config and with file names in the sidebar. Pages call
`through_entry_point()` first; in that mode it switches Streamlit to st.navigation (as dashboard.py's
call would) and reruns, so the same URL goes through dashboard.py.
"""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def through_entry_point() -> None:
    """Rerun through dashboard.py when Streamlit ran this page in its pages-folder mode."""
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False  # what st.navigation sets on its first call
        st.rerun()
