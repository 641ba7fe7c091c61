"""A core `Message` as text in the user's language, for the shells of issue 12 (dashboard banner,
report risks box): issue 13's renderer (`partnerkit.ui.message_text.render`) when present."""

from __future__ import annotations

from partnerkit.messages import Message


def say(message: Message, locale: str) -> str:
    try:
        from partnerkit.ui.message_text import render
    except ImportError:  # pragma: no cover - before issue 13's renderer is on main
        return message.english()
    return render(message, locale)
