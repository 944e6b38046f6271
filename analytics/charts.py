"""Small DataFrames from analytics.queries -> plotly figures styled for projection (large text, Khmer font)."""

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

# The Khmer face is declared with a Khmer-only unicode range (.streamlit/config.toml), so Latin text
# falls through to Streamlit's Source Sans.
FONT_FAMILY = '"Noto Sans Khmer", "Source Sans", "Source Sans Pro", sans-serif'
FONT_SIZE = 17
# Plotly loads map outlines from here, not from its CDN (static/topojson, served by Streamlit).
PLOTLY_CONFIG = {"displaylogo": False, "topojsonURL": "app/static/topojson/"}
KIND_COLORS = {"un_agency": "#1f77b4", "donor": "#d62728", "ngo": "#2ca02c", "generic": "#9467bd",
               "country": "#ff7f0e", "bloc": "#8c564b", "other": "#7f7f7f"}
SEQUENTIAL = "Blues"
# Saturated, tells groups apart on a projector; D3's grey is left out: grey means "(none)"/"Other".
PALETTE = [c for c in px.colors.qualitative.D3 if c != "#7F7F7F"]
NEUTRAL = {"none": "#c8c8c8", "other": "#8c8c8c"}  # "(none)" and "Other" groups stay grey
TICK_CHARS = 24  # category tick labels longer than this are cut (the full name stays in the hover)


def style(fig: go.Figure, height: int = 440, legend_title: str | None = None) -> go.Figure:
    """Large fonts, the Khmer-capable font family, tight margins and a horizontal legend on top."""
    fig.update_layout(
        font={"family": FONT_FAMILY, "size": FONT_SIZE},
        hoverlabel={"font": {"family": FONT_FAMILY, "size": FONT_SIZE}},
        height=height, margin={"l": 10, "r": 10, "t": 40, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "title": legend_title,
                "font": {"size": FONT_SIZE}},
    )
    # Streamlit's chart theme sets smaller axis fonts; charts are projected in weekly reviews.
    for axes in (fig.update_xaxes, fig.update_yaxes):
        axes(tickfont={"size": FONT_SIZE, "family": FONT_FAMILY},
             title_font={"size": FONT_SIZE + 1, "family": FONT_FAMILY})
    return fig


def count_axis(fig: go.Figure, peak: float, axis: str = "y") -> go.Figure:
    """Meeting counts are whole numbers: no 0.5 ticks on small data, thousands separated."""
    update = fig.update_yaxes if axis == "y" else fig.update_xaxes
    update(tickformat=",d", rangemode="tozero", **({"dtick": 1} if peak <= 5 else {}))
    return fig


def month_ticks(fig: go.Figure, periods: pd.Series, month_names: list[str], freq: str = "month") -> go.Figure:
    """Date-axis ticks spelled with `month_names` (plotly itself only knows English month names):
    every 1/2/3/6 months with the year under January and the first tick, or only years on long spans."""
    days = pd.to_datetime(pd.Series(periods)).dropna()
    if days.empty:
        return fig
    first, last = days.min().to_period("M"), days.max().to_period("M")
    span = (last - first).n + 1
    step = next((s for s in (1, 2, 3, 6) if span / s <= 12), 12)
    months = [m for m in pd.period_range(first, last, freq="M") if (m.month - 1) % step == 0]
    if step == 12 or not months:
        months = [pd.Period(year=y, month=1, freq="M") for y in range(first.year, last.year + 1)]
        text = [str(m.year) for m in months]
    else:
        text = [month_names[m.month - 1] + (f"<br>{m.year}" if m.month == 1 or i == 0 else "")
                for i, m in enumerate(months)]
    fig.update_xaxes(tickvals=[m.to_timestamp() for m in months], ticktext=text, tickangle=0,
                     hoverformat="%Y-%m-%d" if freq == "week" else "%Y-%m")
    return fig


def short_label(text: str, limit: int = TICK_CHARS) -> str:
    """`text` cut to about `limit` characters at a word space, else before a Khmer base letter, + '…'."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", limit // 2, limit)
    if cut < 0:  # never split a Khmer cluster: cut before a consonant/independent vowel not after coeng
        cut = next((i for i in range(limit, limit // 2, -1)
                    if "\u1780" <= text[i] <= "\u17b3" and text[i - 1] != "\u17d2"), limit)
    return text[:cut].rstrip() + "…"


def group_colors(groups, color_map: dict | None) -> dict:
    """Palette colours for the groups in order; groups in `color_map` (the grey ones) keep theirs."""
    named = [g for g in groups if g not in (color_map or {})]
    return {**{g: PALETTE[i % len(PALETTE)] for i, g in enumerate(named)}, **(color_map or {})}


def stacked_bars(frame: pd.DataFrame, x: str, y: str, color: str | None, labels: dict,
                 key: str | None = None, color_map: dict | None = None,
                 months: list[str] | None = None, freq: str = "month") -> go.Figure:
    """Stacked bars over time (x = period); `key` column goes to customdata for click-to-filter;
    `months` (12 names) spell the date ticks in the page's language."""
    order, colors = {}, {}
    if color:  # biggest groups first, the grey "(none)"/"Other" last, in legend and stack alike
        totals = frame.groupby(color)[y].sum().sort_values(ascending=False).index.tolist()
        order = {color: sorted(totals, key=lambda g: g in (color_map or {}))}
        colors = group_colors(order[color], color_map)
    fig = px.bar(frame, x=x, y=y, color=color, labels=labels, color_discrete_map=colors,
                 color_discrete_sequence=PALETTE, category_orders=order,
                 custom_data=[key] if key else None)
    fig.update_layout(barmode="stack", xaxis_title=None)
    peak = frame.groupby(x)[y].sum().max() if not frame.empty else 0
    if months:
        month_ticks(fig, frame[x], months, freq)
    return count_axis(style(fig), peak)


def ranking_bars(frame: pd.DataFrame, label: str, value: str, color: str | None, labels: dict,
                 key: str, color_map: dict | None = None) -> go.Figure:
    """Horizontal bars, largest on top; customdata carries the English key of each bar."""
    fig = px.bar(frame, x=value, y=label, color=color, orientation="h", labels=labels,
                 custom_data=[key], color_discrete_map=color_map or {})
    fig.update_layout(yaxis={"categoryorder": "total ascending", "title": None})
    peak = frame[value].max() if not frame.empty else 0
    return count_axis(style(fig, height=max(320, 34 * len(frame) + 120)), peak, axis="x")


def heatmap(frame: pd.DataFrame, x: str, y: str, z: str, labels: dict) -> go.Figure:
    """Count matrix with the numbers written in the cells (0 left blank)."""
    grid = frame.pivot_table(index=y, columns=x, values=z, aggfunc="sum", fill_value=0)
    fig = px.imshow(grid, color_continuous_scale=SEQUENTIAL, aspect="auto", labels=labels)
    fig.update_traces(text=grid.map(lambda v: f"{v:,.0f}" if v else "").to_numpy(), texttemplate="%{text}",
                      hovertemplate="%{y} · %{x}: %{z}<extra></extra>")
    fig.update_layout(coloraxis_showscale=False, xaxis_title=None, yaxis_title=None)
    # Long (Khmer) names on a slant collide: cut them and slant more; hover keeps the full names.
    fig.update_xaxes(side="top", tickangle=-50, tickvals=list(grid.columns),
                     ticktext=[short_label(str(c)) for c in grid.columns])
    return style(fig, height=max(320, 40 * len(grid) + 160))


def calendar(frame: pd.DataFrame, weekday_names: list[str], hover: str,
             months: list[str] | None = None) -> go.Figure:
    """GitHub-style year calendar: weeks across, weekdays down, colour = meetings that day;
    `months` (12 names) label the week each month starts in."""
    z = frame.pivot_table(index="weekday", columns="week", values="meetings", aggfunc="sum")
    text = frame.pivot_table(index="weekday", columns="week", values="day", aggfunc="first")
    fig = go.Figure(go.Heatmap(
        z=z.to_numpy(), x=list(z.columns), y=[weekday_names[i - 1] for i in z.index],
        text=text.astype(str).to_numpy(), colorscale=[[0, "#f0f0f0"], [0.001, "#c6dbef"], [1, "#08306b"]],
        xgap=3, ygap=3, hovertemplate="%{text}: %{z} " + hover + "<extra></extra>", showscale=False))
    fig.update_layout(yaxis={"autorange": "reversed"}, xaxis={"showticklabels": bool(months)})
    if months:
        firsts = frame[pd.to_datetime(frame["day"]).dt.day == 1]
        fig.update_xaxes(tickvals=firsts["week"].tolist(), tickangle=0, showgrid=False,
                         ticktext=[months[d.month - 1] for d in pd.to_datetime(firsts["day"])])
    return style(fig, height=320)


def province_map(frame: pd.DataFrame, hover_name: str, size_label: str) -> go.Figure:
    """Bubbles on province centres over Cambodia (outlines from static/topojson, no tile server)."""
    fig = px.scatter_geo(frame, lat="lat", lon="lon", size="size", hover_name=hover_name,
                         hover_data={"meetings": True, "lat": False, "lon": False, "size": False},
                         text="meetings", custom_data=["province"], size_max=48,
                         labels={"meetings": size_label})
    fig.update_traces(textposition="middle center", textfont={"size": 14, "color": "white"},
                      marker={"color": "#c0392b", "opacity": 0.8, "line": {"color": "white", "width": 1}})
    fig.update_geos(scope="asia", resolution=50, projection_type="mercator",
                    lonaxis_range=[102.2, 107.8], lataxis_range=[10.2, 14.8],
                    showcountries=True, countrycolor="#555", showland=True, landcolor="#f3efe6",
                    showocean=True, oceancolor="#dbe9f6", showlakes=True, lakecolor="#dbe9f6",
                    showrivers=True, rivercolor="#9cc3e6", showframe=False)
    return style(fig, height=620)


def progress_grid(frame: pd.DataFrame, x: str, y: str, hover: str, last_n: int = 8) -> go.Figure:
    """Units × the last `last_n` semesters; each cell: days after the semester's end the review was held."""
    frame = frame[frame[x].isin(sorted(frame[x].unique())[-last_n:])]
    days = frame.pivot_table(index=y, columns=x, values="days_after", aggfunc="min")
    dates = frame.pivot_table(index=y, columns=x, values="review_date", aggfunc="first")
    dates = dates.reindex(index=days.index, columns=days.columns)
    text = days.map(lambda v: "" if pd.isna(v) else f"{int(v):+d}")
    fig = go.Figure(go.Heatmap(
        z=days.to_numpy(), x=list(days.columns), y=list(days.index), text=text.to_numpy(),
        customdata=dates.astype(str).to_numpy(), texttemplate="%{text}", colorscale="YlOrRd",
        textfont={"size": FONT_SIZE - 1},
        xgap=3, ygap=3, showscale=False,
        hovertemplate="%{y} · %{x}<br>%{customdata}: %{z} " + hover + "<extra></extra>"))
    fig.update_xaxes(side="top", type="category")
    fig.update_yaxes(autorange="reversed", type="category")
    return style(fig, height=max(300, 44 * len(days) + 140))
