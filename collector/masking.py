"""Mask personal data that residents type into comments, before the comment is stored.

``mask_personal_data(text)`` is a pure function: it replaces each recognised piece of personal
data by a marker naming its kind ("[PESEL]", "[telefon]", "[e-mail]", "[numer konta]" …) and
leaves everything else as typed. It is called once, where ``collector.validation`` cleans text
answers, so the API, the hosted page and paper entry store the same masked text and the original
never reaches the database.

What is masked (Polish formats; README, "Dane osobowe w komentarzach"):

* PESEL (11 digits, checksum), or any 11 digits after the word "PESEL";
* NIP (10 digits, plain, "PL…" or with dashes, checksum), or any after "NIP";
* REGON (14 digits with checksum; 9 or 14 digits after "REGON");
* ID card (dowód osobisty: three capital letters and six digits), passport (two letters, seven digits);
* bank accounts: NRB (26 digits, with or without "PL" and spaces), other IBANs (mod-97 checked);
* payment card numbers (13–19 digits, Luhn);
* phone numbers: "+48"/"0048" and 9 digits, 9 digits in groups 3-3-3 or alone (mobile ranges),
  landlines with an area code ("(22) 123 45 67", "22 123-45-67");
* e-mail addresses;
* dates of birth, only when labelled ("ur.", "urodzony/urodzona", "data urodzenia");
* a home address, only when it has a flat number ("ul. Lipowa 5/12", "ul. Lipowa 5 m. 12") or is
  labelled ("zam.", "zamieszkały", "adres:", "mieszkam przy");
* a car registration, only when labelled ("nr rej.", "rejestracyjny", "tablica").

Left alone on purpose: dates, times, years, amounts ("1 250,00 zł"), case numbers
("WA.6740.12.2026"), postal codes alone, room and window numbers, any number that fails its
checksum and has no label. Each pattern is a trade-off named in tests/collector/test_masking.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable

PESEL = "[PESEL]"
NIP = "[NIP]"
REGON = "[REGON]"
ID_CARD = "[numer dowodu]"
PASSPORT = "[numer paszportu]"
ACCOUNT = "[numer konta]"
CARD = "[numer karty]"
PHONE = "[telefon]"
EMAIL = "[e-mail]"
BIRTH_DATE = "[data urodzenia]"
ADDRESS = "[adres]"
PLATE = "[numer rejestracyjny]"

# A number that runs on into more digits or a decimal part is not the thing the pattern names.
_NOT_AFTER = r"(?<![\w.,/-])"
_NOT_BEFORE = r"(?![\w]|[.,/-]\d)"
_AMOUNT_AFTER = r"(?!\s*(?:zł|zl|pln|złot|gr\b|eur|euro|%|osób|sztuk|km|m2|m²))"


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def is_pesel(number: str) -> bool:
    """Tell whether 11 digits carry a valid PESEL checksum and a possible month."""
    digits = [int(c) for c in number]
    if len(digits) != 11:
        return False
    weights = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
    check = (10 - sum(w * d for w, d in zip(weights, digits, strict=False)) % 10) % 10
    month = digits[2] * 10 + digits[3]
    return check == digits[10] and month % 20 in range(1, 13)


def is_nip(number: str) -> bool:
    """Tell whether 10 digits carry a valid NIP checksum."""
    digits = [int(c) for c in number]
    if len(digits) != 10:
        return False
    weights = (6, 5, 7, 2, 3, 4, 5, 6, 7)
    check = sum(w * d for w, d in zip(weights, digits, strict=False)) % 11
    return check != 10 and check == digits[9]


def is_regon(number: str) -> bool:
    """Tell whether 9 or 14 digits carry a valid REGON checksum."""
    digits = [int(c) for c in number]
    weights = {9: (8, 9, 2, 3, 4, 5, 6, 7), 14: (2, 4, 8, 5, 0, 9, 7, 3, 6, 1, 2, 4, 8)}.get(
        len(digits)
    )
    if weights is None:
        return False
    return sum(w * d for w, d in zip(weights, digits, strict=False)) % 11 % 10 == digits[-1]


def is_luhn(number: str) -> bool:
    """Tell whether the digits pass the Luhn check of payment card numbers."""
    total = 0
    for i, c in enumerate(reversed(number)):
        d = int(c)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def is_iban(text: str) -> bool:
    """Tell whether an IBAN (letters and digits) passes its mod-97 check."""
    compact = re.sub(r"\s", "", text).upper()
    moved = compact[4:] + compact[:4]
    try:
        number = int("".join(str(int(c, 36)) for c in moved))
    except ValueError:
        return False
    return number % 97 == 1


_Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]


def _always(marker: str) -> Callable[[re.Match[str]], str]:
    return lambda match: marker


def _labelled(marker: str) -> Callable[[re.Match[str]], str]:
    """Keep the label, mask the value after it."""
    return lambda match: match.group("label") + marker


def _checked(marker: str, check: Callable[[str], bool]) -> Callable[[re.Match[str]], str]:
    return lambda match: marker if check(_digits(match.group(0))) else match.group(0)


_I = re.IGNORECASE
_PLATE = _labelled(PLATE)
_LABEL_GAP = r"[\s:.#-]*(?:nr\.?|numer)?[\s:.#-]*"

RULES: list[_Rule] = [
    # E-mail first: its local part may hold digits that other rules would take.
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", _I), _always(EMAIL)),
    # Labelled values: whatever the checksum, the resident said what it is.
    (re.compile(r"(?P<label>\bPESEL" + _LABEL_GAP + r")\d{11}\b", _I), _labelled(PESEL)),
    (
        re.compile(
            r"(?P<label>\bNIP" + _LABEL_GAP + r")(?:PL)?\s?\d{3}-?\d{2,3}-?\d{2}-?\d{2,3}\b", _I
        ),
        _labelled(NIP),
    ),
    (re.compile(r"(?P<label>\bREGON" + _LABEL_GAP + r")(?:\d{14}|\d{9})\b", _I), _labelled(REGON)),
    (
        re.compile(
            r"(?P<label>\b(?:ur\.|urodzon[ya]|urodziłe[mś]|urodziłam|data urodzenia)[\s:]*(?:dnia\s+)?)"
            r"(?:\d{1,2}[./-]\d{1,2}[./-]\d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}\s+[a-ząćęłńóśźż]+\s+\d{4}(?:\s?r\.)?)",
            _I,
        ),
        _labelled(BIRTH_DATE),
    ),
    (
        re.compile(
            r"(?P<label>\b(?:nr\.?\s*rej\.?|numer(?:ze)?\s+rejestracyjny(?:m)?|rejestracyjn\w*|tablic\w*(?:\s+rejestracyjn\w*)?)[\s:]*)"
            r"[A-Z]{1,3}\s?[0-9A-Z]{4,5}\b"
        ),
        _PLATE,
    ),
    (
        re.compile(
            r"(?P<label>\b(?:zam\.|zamieszkał[ya]?|adres\s*:|mieszkam\s+(?:przy|na))\s*)"
            r"(?:ul\.|al\.|os\.|pl\.)?\s*[A-ZĄĆĘŁŃÓŚŹŻ][\wąćęłńóśźż.-]*(?:\s+[A-ZĄĆĘŁŃÓŚŹŻ][\wąćęłńóśźż.-]*){0,3}"
            r"\s+\d+[a-zA-Z]?(?:\s*/\s*\d+[a-zA-Z]?|\s+m\.\s*\d+)?"
        ),
        _labelled(ADDRESS),
    ),
    # A street address with a flat number is someone's home.
    (
        re.compile(
            r"\b(?:ul\.|al\.|os\.|pl\.|ulica|aleja)\s*[A-ZĄĆĘŁŃÓŚŹŻ][\wąćęłńóśźż.-]*(?:\s+[A-ZĄĆĘŁŃÓŚŹŻ][\wąćęłńóśźż.-]*){0,3}"
            r"\s+\d+[a-zA-Z]?(?:\s*/\s*\d+[a-zA-Z]?|\s+(?:m\.|lok\.)\s*\d+)"
        ),
        _always(ADDRESS),
    ),
    # Bank accounts: NRB (26 digits, optionally "PL", spaces anywhere between groups), other IBANs.
    (
        re.compile(_NOT_AFTER + r"(?:PL\s?)?\d{2}(?:\s?\d{4}){6}" + _NOT_BEFORE, _I),
        _always(ACCOUNT),
    ),
    (
        re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){3,7}(?:\s?[A-Z0-9]{1,3})?\b"),
        lambda m: ACCOUNT if is_iban(m.group(0)) else m.group(0),
    ),
    # Payment cards: 13–19 digits, in groups of four or not, Luhn-checked.
    (
        re.compile(_NOT_AFTER + r"\d{4}(?:[ -]?\d{4}){2}[ -]?\d{1,7}" + _NOT_BEFORE),
        lambda m: (
            CARD
            if 13 <= len(_digits(m.group(0))) <= 19 and is_luhn(_digits(m.group(0)))
            else m.group(0)
        ),
    ),
    # PESEL, REGON (14) and NIP without a label: only with a valid checksum.
    (re.compile(_NOT_AFTER + r"\d{11}" + _NOT_BEFORE), _checked(PESEL, is_pesel)),
    (re.compile(_NOT_AFTER + r"\d{14}" + _NOT_BEFORE), _checked(REGON, is_regon)),
    (
        re.compile(
            _NOT_AFTER
            + r"(?:PL\s?)?(?:\d{10}|\d{3}-\d{3}-\d{2}-\d{2}|\d{3}-\d{2}-\d{2}-\d{3})"
            + _NOT_BEFORE
        ),
        _checked(NIP, is_nip),
    ),
    # Identity documents: three letters + six digits (dowód), two letters + seven digits (paszport).
    (re.compile(r"\b[A-Z]{3}\s?\d{6}\b"), _always(ID_CARD)),
    (re.compile(r"\b[A-Z]{2}\s?\d{7}\b"), _always(PASSPORT)),
    # Phones: +48 or 0048 and nine digits; nine digits grouped 3-3-3 (not an amount);
    # a landline with its area code; nine digits alone in the mobile ranges.
    (
        re.compile(
            r"(?:\+|\b00)\s?48[\s-]?(?:\(?\d{2}\)?[\s-]?\d{3}[\s-]?\d{2}[\s-]?\d{2}|\d{3}[\s-]?\d{3}[\s-]?\d{3})\b"
        ),
        _always(PHONE),
    ),
    (
        re.compile(_NOT_AFTER + r"\(\d{2}\)\s?\d{3}[\s-]?\d{2}[\s-]?\d{2}" + _NOT_BEFORE),
        _always(PHONE),
    ),
    (
        re.compile(_NOT_AFTER + r"\d{3}[ -]\d{3}[ -]\d{3}" + _NOT_BEFORE + _AMOUNT_AFTER),
        _always(PHONE),
    ),
    (
        re.compile(_NOT_AFTER + r"\d{2}[ -]\d{3}[ -]\d{2}[ -]\d{2}" + _NOT_BEFORE + _AMOUNT_AFTER),
        _always(PHONE),
    ),
    (re.compile(_NOT_AFTER + r"[4-8]\d{8}" + _NOT_BEFORE + _AMOUNT_AFTER), _always(PHONE)),
]


# Every rule but the car registration's matches a digit (``\d``, as the rules read it) or, for an
# e-mail address, an "@": a comment with neither (most of them) needs only that one rule.
# tests/collector/test_masking.py checks that both ways give the same text.
_DIGIT = re.compile(r"\d")
RULES_WITHOUT_DIGITS: list[_Rule] = [rule for rule in RULES if rule[1] is _PLATE]


def apply_rules(rules: list[_Rule], text: str) -> str:
    """Return the text with each rule's matches replaced, rule after rule."""
    for pattern, replace in rules:
        text = pattern.sub(replace, text)
    return text


def mask_personal_data(text: str) -> str:
    """Return the text with each recognised piece of personal data replaced by its kind's marker."""
    if "@" in text or _DIGIT.search(text):
        return apply_rules(RULES, text)
    return apply_rules(RULES_WITHOUT_DIGITS, text)
