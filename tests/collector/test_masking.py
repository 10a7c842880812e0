"""Personal data typed into comments is masked before it is stored; look-alikes are left alone."""

from __future__ import annotations

import random

import pytest

from collector.masking import RULES, apply_rules, is_nip, is_pesel, is_regon, mask_personal_data

MASKED = [
    # (kind, typed, stored)
    (
        "PESEL",
        "Mój PESEL to 44051401359, proszę sprawdzić.",
        "Mój PESEL to [PESEL], proszę sprawdzić.",
    ),
    ("PESEL unlabelled", "dane: 44051401359", "dane: [PESEL]"),
    ("PESEL labelled, checksum wrong", "PESEL: 44051401358", "PESEL: [PESEL]"),
    ("NIP with dashes", "firma 123-456-32-18 czeka", "firma [NIP] czeka"),
    ("NIP plain", "NIP 1234563218", "NIP [NIP]"),
    ("NIP with PL", "faktura na PL1234563218", "faktura na [NIP]"),
    ("REGON labelled", "REGON: 123456785", "REGON: [REGON]"),
    ("REGON 14 digits", "jednostka 12345678512347", "jednostka [REGON]"),
    ("ID card", "dowód ABA300000 zgubiony", "dowód [numer dowodu] zgubiony"),
    ("ID card spaced", "dowód osobisty ABS 123456", "dowód osobisty [numer dowodu]"),
    ("passport", "paszport EA1234567", "paszport [numer paszportu]"),
    ("mobile +48", "proszę dzwonić +48 601 234 567", "proszę dzwonić [telefon]"),
    ("mobile 0048", "tel. 0048601234567", "tel. [telefon]"),
    ("mobile grouped", "tel. 601-234-567 po 16", "tel. [telefon] po 16"),
    ("mobile plain", "numer 601234567", "numer [telefon]"),
    ("landline in brackets", "dzwoniłem na (22) 123 45 67", "dzwoniłem na [telefon]"),
    ("landline with area code", "tel. 22 123-45-67", "tel. [telefon]"),
    ("landline +48", "+48 22 123 45 67 nie odbiera", "[telefon] nie odbiera"),
    (
        "e-mail",
        "proszę o odpowiedź: jan.kowalski+urzad@poczta.example.pl",
        "proszę o odpowiedź: [e-mail]",
    ),
    ("NRB spaced", "wpłaciłem na 61 1090 1014 0000 0712 1981 2874", "wpłaciłem na [numer konta]"),
    ("NRB plain", "konto 61109010140000071219812874", "konto [numer konta]"),
    ("IBAN PL", "IBAN PL61 1090 1014 0000 0712 1981 2874.", "IBAN [numer konta]."),
    ("IBAN foreign", "z konta DE89 3704 0044 0532 0130 00", "z konta [numer konta]"),
    ("card number", "karta 4111 1111 1111 1111 odrzucona", "karta [numer karty] odrzucona"),
    ("card with dashes", "5500-0000-0000-0004", "[numer karty]"),
    ("date of birth", "ur. 12.03.1985 w Łodzi", "ur. [data urodzenia] w Łodzi"),
    ("date of birth words", "data urodzenia: 12 marca 1985 r.", "data urodzenia: [data urodzenia]"),
    ("home address", "mieszkam na ul. Lipowej 5/12 od lat", "mieszkam na [adres] od lat"),
    ("home address labelled", "zam. Kwiatowa 7 Łódź", "zam. [adres] Łódź"),
    (
        "car registration labelled",
        "auto nr rej. WA 12345 odholowano",
        "auto nr rej. [numer rejestracyjny] odholowano",
    ),
    (
        "car registration of letters only",
        "tablica rejestracyjna WW ABCDE",
        "tablica rejestracyjna [numer rejestracyjny]",
    ),
]

LEFT_ALONE = [
    ("date", "Byłem 12.03.2026 o 9:15."),
    ("ISO date", "Wizyta 2026-03-12, okienko 4."),
    ("amount", "Opłata 1 250,00 zł to za dużo."),
    ("big amount", "Budżet 250 000 000 zł na drogi."),
    ("case number", "Sprawa WA.6740.12.2026 czeka od marca."),
    ("case signature", "sygn. akt I C 123/26"),
    ("year", "W 2025 r. było lepiej, w 2026 gorzej."),
    ("times", "Czynne 8:00–15:30, czekałem 45 minut."),
    ("ordinary numbers", "3 okienka z 12 były czynne, pokój 105."),
    ("postal code alone", "Urząd w 00-950 Warszawa."),
    ("office street without flat", "Urząd przy ul. Piotrkowskiej 104 jest ładny."),
    ("11 digits failing PESEL", "numer 12345678901"),
    ("10 digits failing NIP", "kod 1234567890"),
    ("plate unlabelled", "WA 12345"),
    ("percent", "Obsługa 95 % na plus"),
]


@pytest.mark.parametrize(("kind", "typed", "stored"), MASKED, ids=[m[0] for m in MASKED])
def test_personal_data_is_masked(kind, typed, stored):
    assert mask_personal_data(typed) == stored


@pytest.mark.parametrize(("kind", "typed"), LEFT_ALONE, ids=[m[0] for m in LEFT_ALONE])
def test_look_alikes_are_left_alone(kind, typed):
    assert mask_personal_data(typed) == typed


def test_polish_letters_and_layout_survive():
    text = "Zażółć gęślą jaźń.\nDrugi wiersz, tel. 601 234 567."
    assert mask_personal_data(text) == "Zażółć gęślą jaźń.\nDrugi wiersz, tel. [telefon]."


@pytest.mark.parametrize(
    ("check", "good", "bad"),
    [
        (is_pesel, "44051401359", "44051401358"),
        (is_nip, "1234563218", "1234563219"),
        (is_regon, "123456785", "123456786"),
    ],
)
def test_checksums(check, good, bad):
    assert check(good) and not check(bad)


def test_the_api_stores_the_comment_masked(app, client):
    import sqlalchemy as sa

    from collector.extensions import db
    from collector.models import Answer
    from tests.factories import create_office, post_response, valid_payload

    office = create_office()
    payload = valid_payload(office)
    payload["answers"]["comment"] = "Proszę oddzwonić: 601 234 567, PESEL 44051401359."
    assert post_response(client, office.slug, payload).status_code == 201
    stored = db.session.scalar(sa.select(Answer.text).where(Answer.question_key == "comment"))
    assert stored == "Proszę oddzwonić: [telefon], PESEL [PESEL]."


# Pieces of every rule's labels and formats, without a digit or an "@".
PIECES = [
    "PESEL",
    "NIP",
    "REGON",
    "ur.",
    "urodzona",
    "data urodzenia",
    "zam.",
    "adres:",
    "mieszkam przy",
    "ul.",
    "al.",
    "Lipowa",
    "Łąkowa",
    "m.",
    "lok.",
    "PL",
    "DE",
    "ABA",
    "EA",
    "nr rej.",
    "tablica",
    "WA",
    "ABCDE",
    "XYZW",
    "IBAN",
    "tel.",
    "konto",
    "+",
    "(",
    ")",
    "-",
    "/",
    ".",
    ",",
    ":",
    " ",
    " ",
    "\n",
    "Zażółć",
    "gęślą",
    "jaźń",
    "e-mail",
    "poczta.pl",
    "zł",
    "%",
    "Ⅻ",
    "½",
]


def test_a_comment_without_digits_is_masked_as_by_every_rule():
    """The shortcut for comments with no digit and no "@" (most of them) runs only the rules that
    can match such a text: on 3,000 texts built from every rule's labels it masks the same."""
    rng = random.Random(12)
    texts = ["".join(rng.choices(PIECES, k=rng.randint(1, 14))) for _ in range(3000)]
    texts += [
        typed.translate(str.maketrans("0123456789@", "OIZEASGTBQa")) for _, typed, _ in MASKED
    ]
    for text in texts:
        assert mask_personal_data(text) == apply_rules(RULES, text), text
    assert any(mask_personal_data(text) != text for text in texts)  # the plate rule did run
