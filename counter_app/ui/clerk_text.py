"""Text for the clerk's screen: rule references (``RULES P7``, ``CARD.md``) are for logs,
audit and the code, not for a clerk at the window; a message that carries one (a service's
refusal) is shown without it."""

from __future__ import annotations

import re

_RULE_REF = re.compile(r"\s*[（(]\s*(?:RULES|CARD\.md|IDCARD\.md)[^）)]*[）)]")


def clerk_text(text: str) -> str:
    """``text`` without parenthesised rule references."""
    return _RULE_REF.sub("", text)
