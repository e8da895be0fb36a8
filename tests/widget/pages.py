"""Host pages of other sites that embed the widget, for the isolation and engagement tests."""

from __future__ import annotations

from html import escape

# Everything a careless or hostile site stylesheet might do to elements it does not own. (Opacity,
# filters or transforms on <body> itself reach every descendant; no embed can undo that.)
HOSTILE_CSS = """
* { font-family: "Comic Sans MS", cursive !important; font-size: 31px !important; color: #f0f !important;
    background: #0f0 !important; border: 5px dashed red !important; padding: 20px !important;
    margin: 13px !important; line-height: 3 !important; letter-spacing: 4px !important;
    text-transform: uppercase !important; box-sizing: content-box !important; display: block !important;
    visibility: visible !important; }
qualbot-widget, qualbot-widget * { display: none !important; transform: scale(.3) !important; opacity: .1 !important; }
button, input, section, header, ol, li { all: unset !important; position: static !important; }
:root { --qb-accent: #000 !important; --qb-on: #ff0 !important; }
"""


def host_page(server: str, *, attrs: str = 'data-flow="bant"', css: str = "", title: str = "Host page") -> str:
    """A page of another site carrying the widget tag (``attrs`` are the tag's data attributes)."""
    style = f"<style>{css}</style>" if css else ""
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f'<link rel="icon" href="data:,">{style}</head><body><main><h1>{escape(title)}</h1>'
        f'<p><a href="/">Home</a> <a href="/pricing">Pricing</a></p></main>'
        f'<script src="{server}/widget.js" {attrs} async></script></body></html>'
    )
