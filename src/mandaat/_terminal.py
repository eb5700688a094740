"""Text for a terminal: no user string may move the cursor, clear the screen or retitle it.

School files and rule packs come from others; a name such as ``"\\x1b[2J"`` or an OSC
title sequence must reach a person's terminal as visible characters, never as a command.
"""

from __future__ import annotations

import unicodedata
from typing import TextIO

#: Format characters that reorder text on screen (bidirectional overrides and isolates).
_BIDI = {"\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
         "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f"}


def safe_text(text: str) -> str:
    """Replace control characters (except newline and tab) with a visible escape.

    >>> safe_text("Evil\\x1b[2J name\\nnext\\tcol\\x9b")
    'Evil\\\\x1b[2J name\\nnext\\tcol\\\\x9b'
    >>> safe_text("\\u202egnp.exe"), safe_text("Ilse Bakker")
    ('\\\\u202egnp.exe', 'Ilse Bakker')
    """
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch in "\n\t" or (unicodedata.category(ch) != "Cc" and ch not in _BIDI):
            out.append(ch)
        elif ord(ch) <= 0xFF:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(f"\\u{ord(ch):04x}")
    return "".join(out)


class SafeWriter:
    """A text stream that passes everything written through :func:`safe_text`."""

    def __init__(self, stream: TextIO):
        self._stream = stream

    @property
    def raw(self) -> TextIO:
        """The stream underneath, for the few control characters mandaat writes itself."""
        return self._stream

    def write(self, text: str) -> int:
        self._stream.write(safe_text(text))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return self._stream.isatty()

    def __getattr__(self, name: str):
        return getattr(self._stream, name)
