"""Bitrix24 timeline comments are BB-code; the client reads plain text."""

import html
import re

_URL_WITH_TEXT = re.compile(r"\[url=([^\]]+)\](.*?)\[/url\]", re.IGNORECASE | re.DOTALL)
_USER = re.compile(r"\[user=[^\]]*\](.*?)\[/user\]", re.IGNORECASE | re.DOTALL)
_DROPPED = re.compile(r"\[(disk file id|img)[^\]]*\](?:.*?\[/img\])?", re.IGNORECASE | re.DOTALL)
_LIST_ITEM = re.compile(r"\[\*\]", re.IGNORECASE)
_BREAK = re.compile(r"\[br\]", re.IGNORECASE)
_TAG = re.compile(r"\[/?(?:b|i|u|s|url|quote|code|color|size|font|left|right|center|justify|"
                  r"list|table|tr|td|p)(?:=[^\]]*)?\]", re.IGNORECASE)


def _link(match) -> str:
    url, text = match.group(1).strip("\"'"), match.group(2).strip()
    return url if not text or text == url else f"{text} ({url})"


def to_text(comment: str) -> str:
    """``[b]Готово[/b], см. [url=https://x.ru]счёт[/url]`` → ``Готово, см. счёт (https://x.ru)``."""
    text = _URL_WITH_TEXT.sub(_link, comment or "")
    text = _USER.sub(r"\1", text)
    text = _DROPPED.sub("", text)
    text = _LIST_ITEM.sub("• ", text)
    text = _BREAK.sub("\n", text)
    text = _TAG.sub("", text)
    return html.unescape(text).strip()
