"""Defanging: the fraudster's addresses, written so that nothing can make a link of them.

A reported fraudulent message (`fraudulent-messages.yml`) is quoted so that members can
recognise it: its sender, its first words and the fake addresses, numbers and domains it
uses. None of them may ever be clickable, on a page, in a feed reader that links what
looks like an address, or in a tool reading the API. `defang` is the one place that
writes them so: `hxxps://exemple-faux[.]com/maj`, `contact[@]exemple-faux[.]com`. It is
idempotent (already defanged text is left as it is) and leaves phone numbers, which
members must be able to compare digit by digit, as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FILE = "fraudulent-messages.yml"
# The fields quoting the fraudster: shown defanged, never judged as links of ours.
QUOTED_KEYS = frozenset({"sender", "subject", "fakes"})

# `http://`, `https://`, `ftp://` (any case) and their backslash forms: hxxp, hxxps, fxp.
_SCHEME = re.compile(r"(?i)\b(h)tt(ps?)(?=:[/\\])|\b(f)t(ps?)(?=:[/\\])")
_IPV4 = re.compile(r"(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?![\w]|\.\d)")
# An `@` between a mailbox and a domain.
_AT = re.compile(r"(?<=[\w.+-])@(?=[\w-]+(?:\.|\[\.\]))")
# A dot between a label and one that starts with a letter: `faux.com`, `www.faux`,
# `mutuélle.fr`, `xn--mutulle-bya.fr`; never `3.50`, nor a dot ending a sentence.
_DOT = re.compile(r"(?<=[\w-])\.(?=[^\W\d_])")
_DEFANGED_SIGNS = ("[.]", "[@]", "hxxp", "fxp")
# Around an address in a sentence: kept outside the code span.
_EDGES = "«»\"'“”‘’()<>,;:!?"


def defang(text: str) -> str:
    """`text` with every address made inert: schemes hxxp(s)/fxp, dots `[.]`, `@` `[@]`."""

    def scheme(match: re.Match[str]) -> str:
        if match.group(1):
            return f"hxx{match.group(2).lower()}"
        return f"fx{match.group(4).lower()}"

    text = _SCHEME.sub(scheme, text)
    text = _IPV4.sub(lambda m: m.group().replace(".", "[.]"), text)
    text = _AT.sub("[@]", text)
    return _DOT.sub("[.]", text)


def is_address(word: str) -> bool:
    """Whether `word` (one word, without the punctuation around it) is an address."""
    return defang(word) != word or any(sign in word.lower() for sign in _DEFANGED_SIGNS)


@dataclass(frozen=True)
class Piece:
    """A piece of a quoted text: words as they are, or an address, defanged (`code`)."""

    text: str
    code: bool = False


def pieces(text: str) -> tuple[Piece, ...]:
    """`text` defanged, cut so that each address can be shown in code style."""
    result: list[Piece] = []
    plain: list[str] = []
    for word in re.split(r"(\s+)", text):
        core = word.strip(_EDGES)
        core = core[:-1] if core.endswith(".") else core  # the end of a sentence
        if not core or not is_address(core):
            plain.append(defang(word))
            continue
        start = word.index(core)
        plain.append(word[:start])
        if "".join(plain):
            result.append(Piece("".join(plain)))
        result.append(Piece(defang(core), code=True))
        plain = [word[start + len(core) :]]
    if "".join(plain):
        result.append(Piece("".join(plain)))
    return tuple(result)
