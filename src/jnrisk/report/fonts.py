"""A web font for the report's Chinese text.

The bundled Noto Sans CJK SC (``noto-cjk-sans-otc``, SIL Open Font License 1.1), cut down to the
characters the page uses and embedded as WOFF.

System CJK fonts (Microsoft YaHei, PingFang SC, Noto Sans CJK, WenQuanYi) come first in the CSS
font stack; the embedded face fills in where none is installed, so the page renders Chinese
offline on any machine.
"""

from __future__ import annotations

import base64
import functools
import io
from typing import Any

__all__ = ["EMBEDDED_FAMILY", "cjk_font_face"]

EMBEDDED_FAMILY = "jnrisk Noto Sans SC"
_FACE = "Noto Sans CJK SC"


@functools.lru_cache(maxsize=1)
def _face_index() -> tuple[str, int] | None:
    try:
        import noto_cjk_sans_otc
        from fontTools.ttLib import TTCollection
    except ImportError:
        return None
    path = str(noto_cjk_sans_otc.FONT_PATH)
    coll = TTCollection(path, lazy=True)
    try:
        for i, font in enumerate(coll.fonts):
            if font["name"].getDebugName(1) == _FACE:
                return path, i
    finally:
        coll.close()
    return None


def cjk_font_face(text: str) -> str:
    """CSS ``@font-face`` rule embedding the glyphs of ``text``'s CJK characters ("" if none).

    Examples
    --------
    >>> cjk_font_face("no Chinese here")
    ''
    """
    chars = sorted({c for c in text if ord(c) >= 0x2E80})
    found = _face_index() if chars else None
    if not found:
        return ""
    from fontTools.ttLib import TTFont

    path, index = found
    with TTFont(path, fontNumber=index, lazy=False) as font:
        return _subset_face(font, chars)


def _subset_face(font: Any, chars: list[str]) -> str:
    from fontTools import subset

    opts = subset.Options()
    opts.flavor = "woff"
    opts.layout_features = ["*"]
    opts.name_IDs = ["*"]
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=[ord(c) for c in chars])
    sub.subset(font)
    buf = io.BytesIO()
    font.flavor = "woff"
    font.save(buf)
    b64 = base64.b64encode(buf.getvalue()).decode("ascii")
    return (f"@font-face{{font-family:'{EMBEDDED_FAMILY}';font-style:normal;font-weight:400;"
            f"src:url(data:font/woff;base64,{b64}) format('woff');}}")
