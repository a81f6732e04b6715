"""Defanging (`sources/fraud.py`): every shape of address a fraudulent message may carry."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigie.sources.fraud import Piece, defang, is_address, pieces

CASES = [
    # URLs, with paths, query strings, ports, fragments
    ("https://exemple-faux.com", "hxxps://exemple-faux[.]com"),
    ("http://exemple-faux.com/maj", "hxxp://exemple-faux[.]com/maj"),
    (
        "https://exemple-faux.com/maj.php?id=12&next=https://vrai.fr#haut",
        "hxxps://exemple-faux[.]com/maj[.]php?id=12&next=hxxps://vrai[.]fr#haut",
    ),
    ("https://exemple-faux.com:8443/login", "hxxps://exemple-faux[.]com:8443/login"),
    ("ftp://exemple-faux.org/f", "fxp://exemple-faux[.]org/f"),
    ("https:\\\\exemple-faux.com", "hxxps:\\\\exemple-faux[.]com"),
    # bare domains, www, subdomains
    ("exemple-faux.com", "exemple-faux[.]com"),
    ("www.exemple-faux.com", "www[.]exemple-faux[.]com"),
    ("ameli.remboursement-faux.fr", "ameli[.]remboursement-faux[.]fr"),
    # internationalised and punycode domains
    ("mutuélle-horizon.fr", "mutuélle-horizon[.]fr"),
    ("https://xn--mutulle-horizon-fqb.fr/", "hxxps://xn--mutulle-horizon-fqb[.]fr/"),
    # e-mail addresses, with mailto:
    ("contact@exemple-faux.com", "contact[@]exemple-faux[.]com"),
    ("mailto:service.client@exemple-faux.com", "mailto:service[.]client[@]exemple-faux[.]com"),
    # IP addresses
    ("http://192.168.10.2/a", "hxxp://192[.]168[.]10[.]2/a"),
    ("185.12.4.77", "185[.]12[.]4[.]77"),
    # upper case
    ("HTTPS://WWW.EXEMPLE-FAUX.COM/MAJ", "hxxps://WWW[.]EXEMPLE-FAUX[.]COM/MAJ"),
    ("Http://Exemple-Faux.Com", "hxxp://Exemple-Faux[.]Com"),
    # a dot ending the sentence stays a dot
    ("Allez sur exemple-faux.com.", "Allez sur exemple-faux[.]com."),
    ("Cliquez : https://exemple-faux.com/a.", "Cliquez : hxxps://exemple-faux[.]com/a."),
    # already defanged: left as it is
    ("hxxps://exemple-faux[.]com", "hxxps://exemple-faux[.]com"),
    ("contact[@]exemple-faux[.]com", "contact[@]exemple-faux[.]com"),
    # phone numbers and amounts: as written, digit by digit
    ("06 12 34 56 78", "06 12 34 56 78"),
    ("+33 6 12 34 56 78", "+33 6 12 34 56 78"),
    ("38 000", "38 000"),
    ("Remboursement de 45.90 € en attente", "Remboursement de 45.90 € en attente"),
]


@pytest.mark.parametrize(("written", "defanged"), CASES)
def test_every_shape_is_defanged(written: str, defanged: str) -> None:
    assert defang(written) == defanged
    assert defang(defanged) == defanged  # idempotent


# What a browser, a feed reader's or a mail client's linkifier would take for an address.
LINKIFIABLE = re.compile(
    r"(?i)(?:https?|ftp)://|www\.|[\w.+-]+@[\w-]+\.[\w.-]+|\b[\w-]+\.(?:com|fr|org|net|info)\b"
)


@pytest.mark.parametrize(("written", "defanged"), CASES)
def test_no_linkifier_finds_an_address_in_the_defanged_text(written: str, defanged: str) -> None:
    assert not LINKIFIABLE.search(defang(written))


@given(st.text(alphabet="abcé-.:/@[]hxtps0123 ", max_size=40))
def test_defanging_is_idempotent_on_any_text(text: str) -> None:
    once = defang(text)
    assert defang(once) == once


def test_addresses_are_told_from_words() -> None:
    assert is_address("exemple-faux.com")
    assert is_address("hxxps://exemple-faux[.]com")  # already defanged: still an address
    assert not is_address("remboursement")
    assert not is_address("45.90")
    assert not is_address("06")


def test_a_quoted_text_is_cut_so_each_address_is_in_code_style() -> None:
    assert pieces("Votre dossier : « https://exemple-faux.com/maj ». Répondez à a@b-faux.fr.") == (
        Piece("Votre dossier : « "),
        Piece("hxxps://exemple-faux[.]com/maj", code=True),
        Piece(" ». Répondez à "),
        Piece("a[@]b-faux[.]fr", code=True),
        Piece("."),
    )
    assert pieces("38 000") == (Piece("38 000"),)
    assert pieces("") == ()
