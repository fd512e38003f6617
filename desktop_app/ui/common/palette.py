"""Every colour the app paints with, by what it means, in one place.

Widgets, banners, charts and the HTML of the conversation name a role ("muted text",
"alarm", "warning background") instead of a hex code, so a change of theme or a
colour-blind-safe variant is one edit here, and two screens never disagree about what
"warning" looks like.
"""

from __future__ import annotations

from typing import Final

# Text
TEXT: Final = "#1d2433"  # dark text on pastel cells and charts, whatever the desktop theme
TEXT_MUTED: Final = "#667085"  # captions, time stamps, empty-state hints
AXIS: Final = "#9ca3af"

# Meaning
ALARM: Final = "#c62828"  # flagged tickets, sign-in errors
WARNING: Final = "#b45309"
PROMISE: Final = "#b42318"  # an unsupported promise in a draft
PROMISE_UNDERLINE: Final = "#d92d20"
AI: Final = "#5b3cc4"  # what the drafter wrote
AI_TINT: Final = "#f3f0ff"  # the reply box while an AI draft is not yet the agent's
CHIP_BACKGROUND: Final = "#eef2ff"  # a knowledge-base source chip
CHIP_TEXT: Final = "#3730a3"

# Conversation bubbles
CUSTOMER_BUBBLE: Final = "#f2f4f7"
AGENT_BUBBLE: Final = "#dbeafe"

# Banners: (background, text) by tone
BANNER_TONES: Final = {
    "info": ("#e8f5e9", "#1b5e20"),
    "neutral": ("#f2f4f7", "#475467"),
    "warning": ("#fff4e5", "#8a4b00"),
    "error": ("#fdecea", "#8a1c1c"),
}

# Tags in the queue (pastel cell backgrounds)
SENTIMENT_CELLS: Final = {"negative": "#fde2e1", "neutral": "#eef0f3", "positive": "#dff3e4"}
INTENT_CELLS: Final = {
    "logistics": "#e3f0fb",
    "return_refund": "#fff0dc",
    "exchange": "#f1e6f7",
    "refund_compensation": "#fdf5d3",
    "repair_warranty": "#dff2ef",
    "order_change": "#e9e4f5",
    "invoice": "#eaf4dd",
    "product_inquiry": "#e4e8f7",
    "account_payment": "#fbe4ee",
    "complaint": "#fbd3cf",
    "other": "#f0f1f3",
}

# Charts on the supervisor desk
CHART_BAR: Final = "#3b82f6"
CHART_NEGATIVE: Final = "#dc2626"
CHART_AGE: Final = ("#fcd34d", "#fb923c", "#f97316", "#ea580c", "#b91c1c")
CHART_AGENT: Final = "#0d9488"
CHART_TEXT: Final = "#1f2937"
CHART_CORRECTIONS: Final = "#f97316"
CHART_EDITS: Final = "#6366f1"
MATRIX_DIAGONAL: Final = "#eef0f3"
MATRIX_SUMMARY: Final = "#f6f7f9"
