"""What the YAML reader tells staff, in French: every error PyYAML can raise, at its line and
column, and the texts that « : » turned into a field (French puts a space before it).

PyYAML's own words never reach staff: each of its messages (scanner, parser, composer,
constructor) is matched here and explained, with what to write instead.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from vigie.messages import Problem

if TYPE_CHECKING:
    import yaml

SYNTAX = "syntaxe YAML (colonne {column}) : {explanation}"
TAB = (
    "tabulation dans l'indentation (colonne {column}) : YAML n'accepte que des espaces pour "
    "indenter ; remplacez les tabulations par des espaces"
)
# A one-key mapping where a text is expected (structure.py), with the line to write instead.
TEXT_WITH_COLON = (
    "« {field} » doit être un texte, mais « {head} » en fait un champ « clé: valeur »{why} ; "
    "mettez le texte entre guillemets : {line}"
)
SPACE_BEFORE_COLON = (
    " : en YAML, « : » suivi d'une espace termine un nom de champ, même précédé d'une "
    "espace comme en français"
)

_QUOTE_IT = "mettez le texte entre guillemets"
_COLON_IN_VALUE = {
    True: (
        "« : » précédé d'une espace, comme en français, est lu par YAML comme la fin d'un nom "
        "de champ, ce qui n'est pas permis au milieu d'une valeur ; " + _QUOTE_IT + " : {line}"
    ),
    False: (
        "« : » suivi d'une espace est lu par YAML comme la fin d'un nom de champ, ce qui "
        "n'est pas permis au milieu d'une valeur ; " + _QUOTE_IT + " : {line}"
    ),
}
_COLON_CONTINUED = (
    "cette ligne continue le texte de la ligne du dessus, et « : » suivi d'une espace n'y est "
    "pas permis : si c'est un nouveau champ, alignez-le sur les autres champs ; si c'est du "
    "texte, mettez tout le texte entre guillemets"
)
_TAB_HERE = (
    "tabulation à cet endroit : YAML n'accepte que des espaces ; remplacez-la par des espaces"
)
_CANNOT_START = (
    "une valeur ne peut pas commencer par {found} : " + _QUOTE_IT + ' (exemple : "{char}…")'
)
_DIRECTIVE = (
    "ligne commençant par « % » (directive YAML) : les sources de Vigie n'en ont pas besoin ; "
    "retirez-la, ou mettez le texte entre guillemets s'il commence par « % »"
)
_ANCHOR = (
    "« & » annonce une ancre YAML, que Vigie n'utilise pas : pour un texte qui commence par "
    "« & », " + _QUOTE_IT
)
_ALIAS = (
    "« * » annonce un alias YAML, que Vigie n'accepte pas : pour un texte qui commence par "
    "« * », " + _QUOTE_IT
)
_TAG = (
    "« ! » annonce une étiquette YAML, que Vigie n'accepte pas : pour un texte qui commence "
    "par « ! », " + _QUOTE_IT
)
_BLOCK_ZERO = "après « | » ou « > », l'indentation indiquée va de 1 à 9, pas 0 : retirez le 0"
_BLOCK_INDICATOR = (
    "après « | » ou « > », seuls « + », « - » ou un chiffre de 1 à 9 sont permis (trouvé : "
    "{found}) : écrivez le texte à la ligne suivante, indenté"
)
_BLOCK_TEXT = (
    "rien ne doit suivre « | » ou « > » sur sa ligne (trouvé : {found}) : écrivez le texte à "
    "la ligne suivante, indenté"
)
_ESCAPE = (
    "entre guillemets doubles, « \\ » commence une séquence spéciale et « \\{char} » n'en est "
    "pas une : écrivez « \\\\ » pour une barre oblique inverse, ou mettez le texte entre "
    "guillemets simples"
)
_ESCAPE_HEX = (
    "entre guillemets doubles, « \\x », « \\u » et « \\U » doivent être suivis de {count} "
    "chiffres hexadécimaux (trouvé : {found}) : écrivez « \\\\ » pour une barre oblique "
    "inverse, ou mettez le texte entre guillemets simples"
)
_UNCLOSED_QUOTE = (
    "guillemet ouvert ici et jamais refermé : ajoutez le même guillemet à la fin du texte"
)
_DOCUMENT_START = (
    "après une ligne « % » ou « ... », le document doit reprendre par « --- » (trouvé : "
    "{found}) : retirez la ligne « % » ou « ... »"
)
_NO_VALUE = "une valeur manque avant {found} : écrivez-la, ou " + _QUOTE_IT
_AFTER_QUOTES = (
    "texte inattendu après une valeur déjà complète (un texte entre guillemets s'arrête au "
    "guillemet fermant) : mettez tout le texte entre guillemets, ou vérifiez l'indentation"
)
_INDENTATION = (
    "{found} inattendu ici : l'indentation ne correspond pas au bloc commencé ligne {start} "
    "(les champs d'un même ensemble, et les « - » d'une même liste, s'alignent au même nombre "
    "d'espaces) ; pour un texte, " + _QUOTE_IT
)
_FLOW = (
    "{opening} ouvert ici et pas refermé comme attendu (ligne {end}, trouvé : {found}) : séparez "
    "les éléments par « , » et refermez par {closing} ; un élément qui contient « : », « , » "
    "ou des crochets s'écrit entre guillemets"
)
_SIMPLE_KEY = (
    "ligne sans « : » au milieu des champs : écrivez « clé: valeur », ou, si elle continue le "
    "texte du dessus, indentez-la comme lui"
)
_LIST_HERE = (
    "« - » ne peut pas commencer une liste sur la ligne d'un champ : passez à la ligne et "
    "indentez chaque « - » sous le champ ; pour un texte qui commence par « - », " + _QUOTE_IT
)
_KEY_HERE = "« ? » ne peut pas commencer une valeur : " + _QUOTE_IT
_ANOTHER_DOCUMENT = (
    "une seconde ligne « --- » commence un autre document : un fichier n'en contient qu'un ; "
    "retirez cette ligne (ou écrivez « --- » entre guillemets dans un texte)"
)
_UNDEFINED_ALIAS = (
    "alias « *{name} » : Vigie n'accepte pas les alias YAML ; écrivez la valeur en entier, ou, "
    "pour un texte qui commence par « * », " + _QUOTE_IT
)
_DUPLICATE_ANCHOR = (
    "ancre « &{name} » en double (déjà ligne {start}) : Vigie n'utilise pas d'ancres ; retirez "
    "« &{name} », ou, pour un texte qui commence par « & », " + _QUOTE_IT
)
_KEY_NOT_TEXT = "une clé doit être un texte simple, pas une liste ni un ensemble de champs"
_UNKNOWN_TAG = "étiquette YAML non acceptée : {name} ; écrivez une valeur simple"
_CONSTRUCTED = (
    "valeur YAML non acceptée (étiquette « !! » ou fusion « << ») : écrivez une valeur simple"
)
_UNKNOWN = (
    "syntaxe invalide à cet endroit ou juste avant (guillemets, crochets, deux-points ou "
    "indentation ?)"
)

UNREADABLE = _UNKNOWN

_CHARACTERS = {
    "\t": "une tabulation",
    " ": "une espace",
    "\n": "la fin de la ligne",
    "\r": "la fin de la ligne",
    "\x85": "la fin de la ligne",
    "\u2028": "la fin de la ligne",
    "\u2029": "la fin de la ligne",
    "\0": "la fin du fichier",
    "": "la fin du fichier",
}
_TOKENS = {
    "<block end>": "la fin du bloc",
    "<block mapping start>": "un champ « clé: valeur »",
    "<block sequence start>": "une liste « - »",
    "<scalar>": "un texte",
    "<stream start>": "le début du fichier",
    "<stream end>": "la fin du fichier",
    "<document start>": "une ligne « --- »",
    "<document end>": "une ligne « ... »",
    "<alias>": "un alias « * »",
    "<anchor>": "une ancre « & »",
    "<tag>": "une étiquette « ! »",
    "<directive>": "une ligne « % »",
}


@dataclass(frozen=True)
class _Rule:
    """One family of PyYAML messages: which ones (`context`, `problem`) and what staff read."""

    context: str  # a pattern the error's context must match ("" : any)
    problem: str  # a pattern the error's problem must match ("" : any)
    explanation: str
    at_context: bool = False  # told at the context's mark (where the faulty thing starts)


# In order: the first rule that matches explains the error. Every message of PyYAML 6's
# scanner.py, parser.py, composer.py and constructor.py falls under one of them.
_RULES = (
    _Rule(r"while (scanning|parsing) a directive", "", _DIRECTIVE),
    _Rule("", r"found duplicate YAML directive|found incompatible YAML document", _DIRECTIVE),
    _Rule("", r"duplicate tag handle", _DIRECTIVE),
    _Rule("while scanning an anchor", "", _ANCHOR),
    _Rule("while scanning an alias", "", _ALIAS),
    _Rule(r"while (scanning|parsing) a tag", "", _TAG),
    _Rule("while parsing a node", "found undefined tag handle", _TAG),
    _Rule("while scanning a block scalar", "chomping", _BLOCK_INDICATOR),
    _Rule("while scanning a block scalar", "range 1-9", _BLOCK_ZERO),
    _Rule("while scanning a block scalar", "", _BLOCK_TEXT),
    _Rule("while scanning a double-quoted scalar", "unknown escape", _ESCAPE),
    _Rule("while scanning a double-quoted scalar", "", _ESCAPE_HEX),
    _Rule("while scanning a quoted scalar", "", _UNCLOSED_QUOTE, at_context=True),
    _Rule("while scanning a simple key", "", _SIMPLE_KEY, at_context=True),
    _Rule("", "sequence entries are not allowed here", _LIST_HERE),
    _Rule("", "mapping keys are not allowed here", _KEY_HERE),
    _Rule("", r"expected '<document start>'", _DOCUMENT_START),
    _Rule("", "expected the node content", _NO_VALUE),
    _Rule("while parsing a block", r"but found '<scalar>'", _AFTER_QUOTES),
    _Rule("while parsing a block", "expected <block end>", _INDENTATION),
    _Rule("while parsing a flow sequence", "", _FLOW, at_context=True),
    _Rule("while parsing a flow mapping", "", _FLOW, at_context=True),
    _Rule("expected a single document", "", _ANOTHER_DOCUMENT),
    _Rule("", "found undefined alias", _UNDEFINED_ALIAS),
    _Rule("found duplicate anchor", "", _DUPLICATE_ANCHOR),
    _Rule("", "found unhashable key", _KEY_NOT_TEXT),
    _Rule("", "could not determine a constructor", _UNKNOWN_TAG),
    _Rule(r"while constructing|while scanning", "", _CONSTRUCTED),
    _Rule(
        "",
        r"expected a (scalar|sequence|mapping)|recursive node|base64|blacklisted",
        _CONSTRUCTED,
    ),
)
_FOUND = re.compile(
    r"(?:but found|but got|found character|escape character) "
    r"('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|\S+)"
)
_QUOTED_NAME = re.compile(r"'([^']*)'")


def _found(problem: str) -> tuple[str, str]:
    """What PyYAML says it found, in staff's words, and the bare character (or "")."""
    match = _FOUND.search(problem)
    if match is None:
        return "", ""
    raw = match.group(1)
    try:
        value = ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        value = raw
    if not isinstance(value, str):
        return "", ""
    if value in _TOKENS:
        return _TOKENS[value], ""
    if value in _CHARACTERS:
        return _CHARACTERS[value], value
    return f"« {value} »", value


def syntax_problem(error: yaml.MarkedYAMLError, text: str, rel: str, offset: int) -> Problem:
    """`error` as staff read it: its file line (`offset` lines before `text`) and column."""
    context, problem = error.context or "", error.problem or ""
    rule = next(
        (r for r in _RULES if re.search(r.context, context) and re.search(r.problem, problem)),
        None,
    )
    mark = error.problem_mark or error.context_mark
    end = mark.line + 1 + offset if mark else 1
    if rule is not None and rule.at_context and error.context_mark is not None:
        mark = error.context_mark
    line, column = (mark.line, mark.column) if mark else (0, 0)
    found, char = _found(problem)
    start = error.context_mark.line + 1 + offset if error.context_mark else line + 1 + offset
    if "cannot start any token" in problem:
        template = _TAB_HERE if char == "\t" else _CANNOT_START
    else:
        template = _UNKNOWN if rule is None else rule.explanation
    names = _QUOTED_NAME.findall(context + " " + problem)
    explanation = template.format(
        found=found,
        char=char,
        start=start,
        end=end,
        count=re.search(r"\d+", problem).group() if "hexadecimal" in problem else "",
        name=names[0] if names else "",
        opening="« [ »" if "sequence" in context else "« { »",
        closing="« ] »" if "sequence" in context else "« } »",
    )
    if problem == "mapping values are not allowed here":  # quotes staff's line: no template
        explanation = colon_in_value(text, line, column)
    message = SYNTAX.format(column=column + 1, explanation=explanation)
    return Problem(rel, line + 1 + offset, message)


def tab_problem(rel: str, line: int, line_text: str) -> Problem:
    """A tab used as indentation, at its line and column."""
    return Problem(rel, line, TAB.format(column=line_text.index("\t") + 1))


def quoted(text: str) -> str:
    """`text` as a YAML quoted value: double quotes, single ones when it holds `"` or `\\`."""
    if '"' in text or "\\" in text:
        return "'" + text.replace("'", "''") + "'"
    return f'"{text}"'


_LIST_PREFIX = re.compile(r"\s*(?:-\s+)*")
_KEY_BEFORE = re.compile(r"""([^\s#"'\[\]{},:-][^:#]*?):(?:\s+|$)""")


def colon_in_value(text: str, line: int, column: int) -> str:
    """« mapping values are not allowed here » at (`line`, `column`), 0-based, explained with
    the line to write instead when the value it sits in can be told."""
    lines = text.split("\n")
    current = lines[line] if line < len(lines) else ""
    prefix_end = _LIST_PREFIX.match(current).end()
    head_end = prefix_end
    key = _KEY_BEFORE.match(current, prefix_end)
    if key is not None and not key.group(1)[-1].isspace() and key.end(1) < column:
        head_end = key.end()
    elif "-" not in current[:prefix_end]:
        return _COLON_CONTINUED  # the line goes on with the text of the line above
    value, _, comment = current[head_end:].rstrip().partition(" #")
    written = current[:head_end].lstrip() + quoted(value.rstrip())
    if comment:
        written += " #" + comment
    space_before = column > 0 and current[column - 1] in " \t"
    return _COLON_IN_VALUE[space_before].format(line=written)


def text_with_colon(field: str, head: str, line: str) -> str:
    """A one-key mapping read where a text is expected (`head`: its key and « : » as written),
    with the line to write instead."""
    why = SPACE_BEFORE_COLON if head[-2:-1].isspace() else ""
    return TEXT_WITH_COLON.format(field=field, head=head, why=why, line=line)
