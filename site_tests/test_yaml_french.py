"""YAML as French people type it: « : » after a space, and every YAML error told in French.

Each of PyYAML's messages (read from its installed sources, so a new one fails here) is
explained in French at its line and column; each shape staff can write gets its exact
`path:line: message`; a text that « : » turned into a field shows the line to write.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml

from conftest import copy_repo, run_vigie
from test_validate import INCIDENT, UPDATE, I, U
from vigie.messages import SourceError
from vigie.pipeline import load_site
from vigie.sources import yaml_messages
from vigie.sources.load import load_sources, parse_yaml
from vigie.sources.validate import validate

if TYPE_CHECKING:
    from vigie.messages import Problem

PYYAML = Path(yaml.__file__).parent
ERRORS = {"ScannerError", "ParserError", "ComposerError", "ConstructorError"}
# PyYAML fills "%s" in these contexts with one of a few names (read from its code).
CONTEXT_NAMES = {
    "while scanning an %s": ("anchor", "alias"),
    "while scanning a %s": ("directive", "tag"),
    "while parsing a %s": ("directive", "tag"),
    "while parsing a %s node": ("block", "flow"),
}
# Words of PyYAML's messages that are French words too.
FRENCH_TOO = {"alias", "base", "directive", "document", "double", "indentation", "non"}
FRENCH_TOO |= {"pairs", "simple", "version", "yaml"}


def _template(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return _template(node.left)
    if isinstance(node, ast.Call):  # str(exc): a decoding error's own words
        return "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"
    return None


def _raised() -> list[tuple[str, str | None, str | None]]:
    """Every (place, context, problem) PyYAML's scanner, parser, composer, constructor raise."""
    found = []
    for name in ("scanner.py", "parser.py", "composer.py", "constructor.py"):
        tree = ast.parse((PYYAML / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            if getattr(node.exc.func, "id", None) not in ERRORS:
                continue
            args = [*node.exc.args, None, None, None][:3]
            context, problem = _template(args[0]), _template(args[2])
            for filled in CONTEXT_NAMES.get(context or "", (None,)):
                if filled is not None:
                    context = _template(args[0]).replace("%s", filled)
                found.append((f"{name}:{node.lineno}", context, problem))
    return found


RAISED = _raised()
ENGLISH = {
    word
    for _, context, problem in RAISED
    for word in re.findall(r"[a-z]{3,}", f"{context} {problem}".lower())
} - FRENCH_TOO


def english_words(message: str) -> set[str]:
    """PyYAML's English words left in `message`."""
    return set(re.findall(r"\b[a-z]+\b", message.lower())) & ENGLISH


def test_pyyaml_messages_are_all_read() -> None:
    assert len(RAISED) > 70
    assert "expected <block end>, but found %r" in {p for _, _, p in RAISED}
    assert {"while", "expected", "found", "allowed", "mapping"} <= ENGLISH


def _fill(template: str | None) -> str | None:
    if template is None:
        return None
    return template.replace("%r", "':'").replace("%s", "x").replace("%d", "2")


@pytest.mark.parametrize(("place", "context", "problem"), RAISED, ids=[r[0] for r in RAISED])
def test_every_pyyaml_message_is_explained_in_french(
    place: str, context: str | None, problem: str | None
) -> None:
    text = "title: Important : ne cliquez pas\nsummary: x\n"
    context_mark = yaml.Mark("f", 0, 0, 3, text, 0)
    problem_mark = yaml.Mark("f", 0, 1, 5, text, 0)
    error = yaml.MarkedYAMLError(_fill(context), context_mark, _fill(problem), problem_mark)
    told = yaml_messages.syntax_problem(error, text, "incidents/x/incident.yml", 0)
    assert told.path == "incidents/x/incident.yml"
    assert told.line in (1, 2)
    assert re.fullmatch(r"syntaxe YAML \(colonne [46]\) : .+", told.message), told.message
    assert yaml_messages.UNREADABLE not in told.message, place
    assert not english_words(told.message), (place, told.message)


# (YAML as written, the line, the message), each through the reader staff's files go through.
QUOTE = "mettez le texte entre guillemets"
SHAPES = {
    "french colon in a value": (
        "title: Important : ne cliquez pas\n",
        1,
        "syntaxe YAML (colonne 18) : « : » précédé d'une espace, comme en français, est lu "
        "par YAML comme la fin d'un nom de champ, ce qui n'est pas permis au milieu d'une "
        f'valeur ; {QUOTE} : title: "Important : ne cliquez pas"',
    ),
    "french colon at the end of a value": (
        "id: x\ntitle: Attention :\n",
        2,
        "syntaxe YAML (colonne 18) : « : » précédé d'une espace, comme en français, est lu "
        "par YAML comme la fin d'un nom de champ, ce qui n'est pas permis au milieu d'une "
        f'valeur ; {QUOTE} : title: "Attention :"',
    ),
    "french colon in a field of a list item": (
        "- id: a\n  question: Que faire : rien # à revoir\n",
        2,
        "syntaxe YAML (colonne 23) : « : » précédé d'une espace, comme en français, est lu "
        "par YAML comme la fin d'un nom de champ, ce qui n'est pas permis au milieu d'une "
        f'valeur ; {QUOTE} : question: "Que faire : rien" # à revoir',
    ),
    "french colon twice in a list item": (
        "- Important : lisez : ceci\n",
        1,
        "syntaxe YAML (colonne 21) : « : » précédé d'une espace, comme en français, est lu "
        "par YAML comme la fin d'un nom de champ, ce qui n'est pas permis au milieu d'une "
        f'valeur ; {QUOTE} : - "Important : lisez : ceci"',
    ),
    "colon without space before, text with a double quote": (
        'subject: Objet: "Votre dossier"\n',
        1,
        "syntaxe YAML (colonne 15) : « : » suivi d'une espace est lu par YAML comme la fin "
        "d'un nom de champ, ce qui n'est pas permis au milieu d'une valeur ; "
        f"{QUOTE} : subject: 'Objet: \"Votre dossier\"'",
    ),
    "colon on a continued line": (
        "summary: Une panne\n  de connexion : voici\n",
        2,
        "syntaxe YAML (colonne 16) : cette ligne continue le texte de la ligne du dessus, et "
        "« : » suivi d'une espace n'y est pas permis : si c'est un nouveau champ, alignez-le "
        "sur les autres champs ; si c'est du texte, mettez tout le texte entre guillemets",
    ),
    "tab as indentation": (
        "contact:\n\tname: x\n",
        2,
        "tabulation dans l'indentation (colonne 1) : YAML n'accepte que des espaces pour "
        "indenter ; remplacez les tabulations par des espaces",
    ),
    "a value starting with @": (
        "sender: @MHORIZON\n",
        1,
        "syntaxe YAML (colonne 9) : une valeur ne peut pas commencer par « @ » : "
        f'{QUOTE} (exemple : "@…")',
    ),
    "a line without colon among fields": (
        "id: x\ntitle\nkind: outage\n",
        2,
        "syntaxe YAML (colonne 1) : ligne sans « : » au milieu des champs : écrivez « clé: "
        "valeur », ou, si elle continue le texte du dessus, indentez-la comme lui",
    ),
    "a list on the line of its field": (
        "measures: - Une mesure\n",
        1,
        "syntaxe YAML (colonne 11) : « - » ne peut pas commencer une liste sur la ligne d'un "
        "champ : passez à la ligne et indentez chaque « - » sous le champ ; pour un texte "
        f"qui commence par « - », {QUOTE}",
    ),
    "a misaligned field": (
        "contact:\n    name: x\n  email: y\n",
        3,
        "syntaxe YAML (colonne 3) : un champ « clé: valeur » inattendu ici : l'indentation ne "
        "correspond pas au bloc commencé ligne 1 (les champs d'un même ensemble, et les « - » "
        f"d'une même liste, s'alignent au même nombre d'espaces) ; pour un texte, {QUOTE}",
    ),
    "a misaligned list item": (
        "measures: a\n- b\n",
        2,
        "syntaxe YAML (colonne 1) : « - » inattendu ici : l'indentation ne correspond pas au "
        "bloc commencé ligne 1 (les champs d'un même ensemble, et les « - » d'une même liste, "
        f"s'alignent au même nombre d'espaces) ; pour un texte, {QUOTE}",
    ),
    "text after closing quotes": (
        'title: "Panne" du service\n',
        1,
        "syntaxe YAML (colonne 16) : texte inattendu après une valeur déjà complète (un texte "
        "entre guillemets s'arrête au guillemet fermant) : mettez tout le texte entre "
        "guillemets, ou vérifiez l'indentation",
    ),
    "an unclosed quote": (
        'id: x\ntitle: "Panne\nkind: outage\n',
        2,
        "syntaxe YAML (colonne 8) : guillemet ouvert ici et jamais refermé : ajoutez le même "
        "guillemet à la fin du texte",
    ),
    "an unclosed bracket": (
        "measures: [a, b\nkind: outage\n",
        1,
        "syntaxe YAML (colonne 11) : « [ » ouvert ici et pas refermé comme attendu (ligne 2, "
        "trouvé : « : ») : séparez les éléments par « , » et refermez par « ] » ; un élément "
        "qui contient « : », « , » ou des crochets s'écrit entre guillemets",
    ),
    "an unclosed brace": (
        "contact: {name: x\n",
        1,
        "syntaxe YAML (colonne 10) : « { » ouvert ici et pas refermé comme attendu (ligne 2, "
        "trouvé : la fin du fichier) : séparez les éléments par « , » et refermez par « } » ; "
        "un élément qui contient « : », « , » ou des crochets s'écrit entre guillemets",
    ),
    "a missing value in a flow list": (
        "measures: [a, : b]\n",
        1,
        f"syntaxe YAML (colonne 15) : une valeur manque avant « : » : écrivez-la, ou {QUOTE}",
    ),
    "an unknown escape": (
        'title: "C:\\dossier"\n',
        1,
        "syntaxe YAML (colonne 12) : entre guillemets doubles, « \\ » commence une séquence "
        "spéciale et « \\d » n'en est pas une : écrivez « \\\\ » pour une barre oblique "
        "inverse, ou mettez le texte entre guillemets simples",
    ),
    "a short hexadecimal escape": (
        'title: "\\x4"\n',
        1,
        "syntaxe YAML (colonne 11) : entre guillemets doubles, « \\x », « \\u » et « \\U » "
        'doivent être suivis de 2 chiffres hexadécimaux (trouvé : « " ») : écrivez « \\\\ » '
        "pour une barre oblique inverse, ou mettez le texte entre guillemets simples",
    ),
    "text on the line of |": (
        "summary: | Une panne\n  suite\n",
        1,
        "syntaxe YAML (colonne 12) : rien ne doit suivre « | » ou « > » sur sa ligne (trouvé : "
        "« U ») : écrivez le texte à la ligne suivante, indenté",
    ),
    "a wrong block indicator": (
        "summary: |x\n  suite\n",
        1,
        "syntaxe YAML (colonne 11) : après « | » ou « > », seuls « + », « - » ou un chiffre de "
        "1 à 9 sont permis (trouvé : « x ») : écrivez le texte à la ligne suivante, indenté",
    ),
    "block indentation zero": (
        "summary: |0\n  suite\n",
        1,
        "syntaxe YAML (colonne 11) : après « | » ou « > », l'indentation indiquée va de 1 à 9, "
        "pas 0 : retirez le 0",
    ),
    "a value starting with &": (
        "title: & Cie\n",
        1,
        "syntaxe YAML (colonne 9) : « & » annonce une ancre YAML, que Vigie n'utilise pas : "
        f"pour un texte qui commence par « & », {QUOTE}",
    ),
    "a value starting with *": (
        "title: * Important\n",
        1,
        "syntaxe YAML (colonne 9) : « * » annonce un alias YAML, que Vigie n'accepte pas : "
        f"pour un texte qui commence par « * », {QUOTE}",
    ),
    "a value starting with !": (
        "title: !Urgent! panne\n",
        1,
        "syntaxe YAML (colonne 16) : « ! » annonce une étiquette YAML, que Vigie n'accepte pas : "
        f"pour un texte qui commence par « ! », {QUOTE}",
    ),
    "a duplicate anchor": (
        "title: &t Panne\nsummary: &t Résumé\n",
        2,
        "syntaxe YAML (colonne 10) : ancre « &t » en double (déjà ligne 1) : Vigie n'utilise "
        "pas d'ancres ; retirez « &t », ou, pour un texte qui commence par « & », " + QUOTE,
    ),
    "a directive": (
        "%YAML 1.1\ntitle: x\n",
        2,
        "syntaxe YAML (colonne 1) : après une ligne « % » ou « ... », le document doit "
        "reprendre par « --- » (trouvé : un texte) : retirez la ligne « % » ou « ... »",
    ),
    "a bad directive": (
        "%YAML 2.0\n---\ntitle: x\n",
        1,
        "syntaxe YAML (colonne 1) : ligne commençant par « % » (directive YAML) : les sources "
        "de Vigie n'en ont pas besoin ; retirez-la, ou mettez le texte entre guillemets s'il "
        "commence par « % »",
    ),
    "a second document": (
        "title: x\n---\ntitle: y\n",
        2,
        "syntaxe YAML (colonne 1) : une seconde ligne « --- » commence un autre document : un "
        "fichier n'en contient qu'un ; retirez cette ligne (ou écrivez « --- » entre "
        "guillemets dans un texte)",
    ),
    "a value starting with ?": (
        "title: ? Panne\n",
        1,
        f"syntaxe YAML (colonne 8) : « ? » ne peut pas commencer une valeur : {QUOTE}",
    ),
}


@pytest.mark.parametrize("case", SHAPES)
def test_each_yaml_mistake_has_its_exact_message(case: str) -> None:
    text, line, message = SHAPES[case]
    problems: list[Problem] = []
    parse_yaml(text, "incidents/x/incident.yml", problems)
    assert [str(p) for p in problems] == [f"incidents/x/incident.yml:{line}: {message}"]
    assert not english_words(message)


def test_the_front_matter_of_an_update_counts_its_lines_from_the_file() -> None:
    problems: list[Problem] = []
    parse_yaml("date: x\ntitle: Point : suite\n", "u.md", problems, first_line=2, kind="update")
    assert [p.line for p in problems] == [3]
    assert problems[0].message.endswith(f'{QUOTE} : title: "Point : suite"')


# --- A text that « : » made a field -----------------------------------------------------

# The smallest incident and update of test_validate, where each shape is written in turn.
SPACE = (
    " : en YAML, « : » suivi d'une espace termine un nom de champ, même précédé d'une "
    "espace comme en français"
)


def problems_for(repo: Path, files: dict[str, str]) -> list[str]:
    """The example with a small valid incident, `files` written over it, then checked."""
    sources = {I: INCIDENT, U: UPDATE, **files}
    for rel, content in sources.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(content, encoding="utf-8")
    root, settings, incidents_dir = load_site(repo / "mkdocs.yml")
    try:
        validate(load_sources(root, incidents_dir), settings)
    except SourceError as error:
        return [str(p) for p in error.problems]
    return []


def colon_text(field: str, head: str, line: str, *, space: bool = True) -> str:
    why = SPACE if space else ""
    return (
        f"« {field} » doit être un texte, mais « {head} » en fait un champ « clé: valeur »"
        f"{why} ; {QUOTE} : {line}"
    )


COLON_TEXTS = {
    "list item": (
        {I: INCIDENT + "recommendations:\n  - Important : ne cliquez pas sur le lien\n"},
        [
            f"{I}:13: "
            + colon_text(
                "recommendations", "Important :", '- "Important : ne cliquez pas sur le lien"'
            )
        ],
    ),
    "list item, value on the next line": (
        {I: INCIDENT + "recommendations:\n  - Important :\n      ne cliquez pas\n"},
        [
            f"{I}:13: "
            + colon_text("recommendations", "Important :", '- "Important : ne cliquez pas"')
        ],
    ),
    "list item, nothing after the colon": (
        {I: INCIDENT + "recommendations:\n  - À retenir :\n"},
        [f"{I}:13: " + colon_text("recommendations", "À retenir :", '- "À retenir :"')],
    ),
    "flow list": (
        {I: INCIDENT + "measures: [Portail fermé, Important : rien à faire]\n"},
        [
            f"{I}:12: "
            + colon_text(
                "measures", "Important :", 'measures: [Portail fermé, "Important : rien à faire"]'
            )
        ],
    ),
    "field value on the next line": (
        {I: INCIDENT.replace("summary: Un résumé.", "summary:\n  En bref : une panne")},
        [f"{I}:4: " + colon_text("summary", "En bref :", '"En bref : une panne"')],
    ),
    "nested field": (
        {I: INCIDENT.replace("  name: Service client", "  name:\n    Service : client")},
        [f"{I}:11: " + colon_text("contact.name", "Service :", '"Service : client"')],
    ),
    "English colon, a quote inside": (
        {I: INCIDENT + 'measures:\n  - Note: le "portail" est fermé\n'},
        [
            f"{I}:13: "
            + colon_text("measures", "Note:", "- 'Note: le \"portail\" est fermé'", space=False)
        ],
    ),
    "update title on the next line": (
        {U: UPDATE.replace("title: Premier point", "title:\n  Point : premier")},
        [f"{U}:5: " + colon_text("title", "Point :", '"Point : premier"')],
    ),
    "faq question": (
        {
            "incidents/panne-test/faq.yml": (
                "- id: que-faire\n  question:\n    Que faire : rien ?\n"
                "  answer: Rien pour l'instant.\n"
            )
        },
        [
            "incidents/panne-test/faq.yml:3: "
            + colon_text("question", "Que faire :", '"Que faire : rien ?"')
        ],
    ),
    "message register subject": (
        {
            "incidents/panne-test/communications.yml": (
                "- date: 2024-03-01T10:00:00+01:00\n  channel: sms\n  sender: MHORIZON\n"
                "  subject:\n    Alerte : ne répondez pas\n  audience: Tous les adhérents\n"
            )
        },
        [
            "incidents/panne-test/communications.yml:5: "
            + colon_text("subject", "Alerte :", '"Alerte : ne répondez pas"')
        ],
    ),
}


@pytest.mark.parametrize("case", COLON_TEXTS)
def test_a_text_that_a_colon_made_a_field_shows_the_quoted_line(tmp_path: Path, case: str) -> None:
    files, expected = COLON_TEXTS[case]
    assert problems_for(copy_repo(tmp_path / "repo"), files) == expected


def test_the_quoted_line_is_read_back_as_the_text(tmp_path: Path) -> None:
    """Writing what the message says makes the file valid, with the text staff meant."""
    repo = copy_repo(tmp_path / "repo")
    written = INCIDENT + "recommendations:\n  - Important : ne cliquez pas\n"
    [problem] = problems_for(repo, {I: written})
    line = problem.split(f"{QUOTE} : ", 1)[1]
    fixed = INCIDENT + f"recommendations:\n  {line}\n"
    assert problems_for(repo, {I: fixed}) == []
    assert yaml.safe_load(fixed)["recommendations"] == ["Important : ne cliquez pas"]


def test_vigie_check_tells_a_title_with_a_french_colon(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    problems_for(repo, {U: UPDATE.replace("title: Premier point", "title: Point : premier")})
    result = run_vigie(repo, "check")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0] == (
        f"{U}:4: syntaxe YAML (colonne 14) : « : » précédé d'une espace, comme en français, "
        "est lu par YAML comme la fin d'un nom de champ, ce qui n'est pas permis au milieu "
        f'd\'une valeur ; {QUOTE} : title: "Point : premier"'
    )
    assert not english_words(result.stderr)
