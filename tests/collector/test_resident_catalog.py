"""The resident catalog (collector/resident_texts): complete in three languages, and covering its users.

Its users are the API (error and field codes), the hosted page (templates and hosted.py) and the
widget (its boot texts, built into widget.js, and the survey document's ``texts``).
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from collector.messages import LANGUAGES, get_catalog, load_catalog_file, text

ROOT = Path(__file__).resolve().parents[2]
COLLECTOR = ROOT / "collector"
RESULTS = ROOT / "results"  # the results endpoint and open data answer with the API's errors
WIDGET_SRC = ROOT / "widget" / "src"
CATALOGS = {lang: load_catalog_file(lang) for lang in LANGUAGES}
POLISH = CATALOGS["pl"]
ALL_KEYS = [(section, key) for section, texts in POLISH.items() for key in texts]


def keys_of(catalog: dict) -> set[str]:
    return {f"{section}.{key}" for section, texts in catalog.items() for key in texts}


def get_text(lang: str, section: str, key: str) -> str:
    return CATALOGS[lang].get(section, {}).get(key, "")


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


@pytest.mark.parametrize("lang", ["en", "uk"])
def test_every_key_is_in_every_language(lang):
    missing = keys_of(POLISH) - keys_of(CATALOGS[lang])
    extra = keys_of(CATALOGS[lang]) - keys_of(POLISH)

    assert not missing, f"{lang}.json lacks {sorted(missing)}"
    assert not extra, f"{lang}.json has keys Polish lacks: {sorted(extra)}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_text_is_a_non_empty_string(lang):
    empty = [
        f"{section}.{key}"
        for section, texts in CATALOGS[lang].items()
        for key, value in texts.items()
        if not isinstance(value, str) or not value.strip()
    ]

    assert not empty, f"{lang}.json: empty or not text: {empty}"


def test_placeholders_are_named_the_same_in_every_language():
    differ = []
    for section, key in ALL_KEYS:
        names = {lang: placeholders(get_text(lang, section, key)) for lang in LANGUAGES}
        if len({frozenset(n) for n in names.values()}) > 1:
            differ.append(
                f"{section}.{key}: " + ", ".join(f"{lang} {sorted(n)}" for lang, n in names.items())
            )

    assert not differ, "placeholders differ between languages:\n" + "\n".join(differ)


@pytest.mark.parametrize("lang", ["en", "uk"])
def test_english_and_ukrainian_do_not_use_polish_quotes(lang):
    polish_quotes = [f"{s}.{k}" for s, k in ALL_KEYS if "„" in get_text(lang, s, k)]

    assert not polish_quotes, (
        f"{lang}.json uses „…” in {polish_quotes} (English “…”, Ukrainian «…»)"
    )


def test_ukrainian_uses_one_apostrophe_and_guillemets():
    wrong = [f"{s}.{k}" for s, k in ALL_KEYS if re.search("['’“”]", get_text("uk", s, k))]

    assert not wrong, f"uk.json: use ʼ (U+02BC) for the apostrophe and «…» for quotes in {wrong}"


def test_english_uses_typographic_apostrophes():
    straight = [f"{s}.{k}" for s, k in ALL_KEYS if "'" in get_text("en", s, k)]

    assert not straight, f"en.json: use ’ instead of ' in {straight}"


def test_a_missing_translation_falls_back_to_polish(monkeypatch):
    import collector.messages as messages

    real = messages.load_catalog_file
    monkeypatch.setattr(
        messages, "load_catalog_file", lambda lang: {"form": {}} if lang == "uk" else real(lang)
    )
    messages.get_catalog.cache_clear()
    try:
        assert text("form.submit", "uk") == POLISH["form"]["submit"]
        assert text("fields.too_many", "uk", max=3) == POLISH["fields"]["too_many"].format(max=3)
    finally:
        messages.get_catalog.cache_clear()


# -- the codes the API can emit ------------------------------------------------------------------

CODE_CALLS = {
    "SubmissionError": 1,
    "error_response": 1,
    "OpenDataError": 1,
}  # name -> position of the code argument
FIELD_CALLS = {"ValidationError": 0, "_codes": 0}


def emitted_codes() -> tuple[set[str], set[str]]:
    """Return (request codes, any codes) found in the source of the collector and of results/.

    Request codes are the ``code`` arguments of ``SubmissionError``/``error_response`` and the
    values of ``*_CODES`` tables; any codes also take in marshmallow's (``ValidationError``,
    ``_codes``, ``error=``, ``error_messages``) and the codes ``*_code`` functions return.
    """
    request, other = set(), set()

    def returned(node: ast.AST) -> set[str]:
        # A code returned as it is, or as either branch of ``a if test else b``.
        if isinstance(node, ast.IfExp):
            return returned(node.body) | returned(node.orelse)
        return (
            {node.value}
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            else set()
        )

    def strings(node: ast.AST) -> set[str]:
        return {
            n.value
            for n in ast.walk(node)
            if isinstance(n, ast.Constant) and isinstance(n.value, str)
        }

    for path in [*COLLECTOR.rglob("*.py"), *RESULTS.rglob("*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                for calls, found in ((CODE_CALLS, request), (FIELD_CALLS, other)):
                    position = calls.get(name)
                    if position is not None and len(node.args) > position:
                        arg = node.args[position]
                        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                            found.add(arg.value)
                        if calls is CODE_CALLS and len(node.args) > position + 1:
                            other |= strings(node.args[position + 1])  # the field codes
                for keyword in node.keywords:
                    if keyword.arg in {"error", "unknown"} and isinstance(
                        keyword.value, ast.Constant
                    ):
                        other.add(keyword.value.value)
                    if keyword.arg == "error_messages" and isinstance(keyword.value, ast.Dict):
                        other |= {
                            v.value for v in keyword.value.values if isinstance(v, ast.Constant)
                        }
                owner = getattr(node.func, "value", None)
                if name == "get" and getattr(owner, "id", "").endswith("_CODES"):
                    request |= strings(
                        ast.Module(body=[ast.Expr(a) for a in node.args[1:]], type_ignores=[])
                    )
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict):
                target = getattr(node.targets[0], "id", "")
                values = {v.value for v in node.value.values if isinstance(v, ast.Constant)}
                if target.endswith("_CODES"):
                    request |= values
                elif target == "error_messages":
                    other |= values
            elif isinstance(node, ast.FunctionDef) and node.name.endswith("_code"):
                for ret in (
                    n for n in ast.walk(node) if isinstance(n, ast.Return) and n.value is not None
                ):
                    other |= returned(ret.value)
    return request, request | other


def test_every_code_the_api_can_emit_has_a_text():
    request, codes = emitted_codes()
    known = set(POLISH["errors"]) | set(POLISH["fields"])

    assert len(codes) > 40, f"the scan of collector/ found too few codes: {sorted(codes)}"
    assert not request - set(POLISH["errors"]), (
        f"errors.* lacks {sorted(request - set(POLISH['errors']))}"
    )
    assert not codes - known, f"no text for the codes {sorted(codes - known)}"


def test_every_error_and_field_text_is_for_a_code_the_api_emits():
    _, codes = emitted_codes()
    unused = (set(POLISH["errors"]) | set(POLISH["fields"])) - codes

    assert not unused, f"texts for codes nothing in collector/ emits: {sorted(unused)}"


# -- the catalog's users ---------------------------------------------------------------------------


def widget_source() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in sorted(WIDGET_SRC.glob("*.js")))


def widget_keys() -> set[str]:
    """Return the catalog keys the widget's source uses, as "section.key"."""
    source = widget_source()
    used = {f"widget_boot.{key}" for key in re.findall(r"\bB\.(\w+)", source)}
    used |= {f"thanks.{key}" for key in re.findall(r"\bTH\.(\w+)", source)}
    used |= {f"form.{key}" for key in re.findall(r"\bT\.(\w+)", source)}
    used |= {f"widget_steps.{key}" for key in re.findall(r"\bW\.(\w+)", source)}
    used |= {f"invite.{key}" for key in re.findall(r"\bI\.(\w+)", source)}
    used |= {f"fields.{key}" for key in re.findall(r"\bPROBLEMS\.(\w+)", source)}
    # The codes the widget's own checks give (the same codes as the collector's).
    validate = re.search(r"const REQUIRED_CODE = \{.*?\}\n(.*?)\n\}\n", source, re.S)
    assert validate, "widget/src/render.js: REQUIRED_CODE and validate() not found"
    used |= {
        f"fields.{code}"
        for code in re.findall(r"'([a-z_]+)'", validate.group(0))
        if code not in {"rating", "single", "multi", "department", "text"}
    }
    return used


def test_every_key_the_widget_uses_exists():
    used = widget_keys()

    assert len(used) > 20, f"the scan of widget/src found too few keys: {sorted(used)}"
    assert not used - keys_of(POLISH), (
        f"widget/src uses keys the catalog lacks: {sorted(used - keys_of(POLISH))}"
    )


def test_the_widget_bundles_only_the_sections_it_shows_before_the_survey():
    imported = set(
        re.findall(
            r"import \{([^}]*)\} from '[./]*collector/resident_texts/\w+\.json'", widget_source()
        )
    )
    sections = {part.split(" as ")[0].strip() for group in imported for part in group.split(",")}

    assert sections == {"widget_boot"}
    assert set(POLISH) >= sections


def test_every_key_the_hosted_page_uses_exists():
    templates = "\n".join(
        p.read_text(encoding="utf-8") for p in (COLLECTOR / "templates" / "hosted").glob("*.html")
    )
    hosted = (COLLECTOR / "hosted.py").read_text(encoding="utf-8")
    used = {f"{s}.{k}" for s, k in re.findall(r"\bt\.(\w+)\.(\w+)", templates)}
    used |= {f"{s}.{k}" for s, k in re.findall(r"\bt\[\"(\w+)\"\]\[\"(\w+)\"\]", hosted)}
    used |= set(re.findall(r"\btext\(\"(\w+\.\w+)\"", hosted))
    used |= set(re.findall(r"\brender_message\(\s*\w+,\s*\"(\w+\.\w+)\"", hosted))

    assert len(used) > 15, f"the scan of the hosted page found too few keys: {sorted(used)}"
    assert not used - keys_of(POLISH), (
        f"the hosted page uses keys the catalog lacks: {sorted(used - keys_of(POLISH))}"
    )


def test_no_key_hides_behind_a_dict_method_in_templates():
    # Jinja's t.form.items would be the dict's method, not the text called "items".
    clashes = {key for _, key in ALL_KEYS if hasattr(dict, key)} | {
        s for s in POLISH if hasattr(dict, s)
    }

    assert not clashes


def test_the_catalog_is_read_once_per_language():
    assert get_catalog("uk") is get_catalog("uk")
    assert get_catalog("de") is get_catalog("de")  # an unknown language is Polish
    assert text("form.submit", "de") == POLISH["form"]["submit"]


@pytest.mark.parametrize(
    ("lang", "opening", "closing"), [("pl", "„", "”"), ("en", "“", "”"), ("uk", "«", "»")]
)
def test_the_hosted_error_summary_quotes_questions_the_way_the_language_does(
    client, lang, opening, closing
):
    from tests.collector.test_hosted import aged_form, post
    from tests.factories import create_office

    create_office()
    path = f"/s/demo?lang={lang}"
    response = post(client, aged_form(client, path), {}, path)

    link = re.search(r'<a href="#q-overall">([^<]*)</a>', response.text)
    assert response.status_code == 400 and link, response.text[:500]
    assert link.group(1).startswith(opening) and f"{closing} — " in link.group(1)
    assert link.group(1).endswith(text("fields.required_rating", lang))


# -- one voice ----------------------------------------------------------------------------------

# Second-person forms that address the resident as "ty". Buttons name the action ("Wyślij
# odpowiedzi", "Zakończ"), as Polish public forms do; sentences are formal or impersonal
# ("Prosimy wybrać…", "Można zaznaczyć…", "Dziękujemy").
INFORMAL_POLISH = re.compile(
    r"\b(twoj\w*|twój|twoim\w*|tobie|ciebie|jesteś|masz|możesz|popraw|wybierz|zaznacz|wpisz"
    r"|sprawdź|spróbuj|skróć|odśwież|otwórz|usuń|wypełnij|wypełniaj|zostaw|podaj|wróć|kliknij"
    r"|naciśnij|powiedz|napisz|wyślij(?! odpowiedzi| ocenę))\b",
    re.IGNORECASE,
)


def test_polish_texts_address_the_resident_formally_or_impersonally():
    informal = {
        f"{s}.{k}": INFORMAL_POLISH.findall(get_text("pl", s, k))
        for s, k in ALL_KEYS
        if INFORMAL_POLISH.search(get_text("pl", s, k))
    }

    assert not informal, f"pl.json speaks to the resident as „ty”: {informal}"


def test_the_informal_forms_check_finds_what_the_issue_quoted():
    # The check itself: the texts the issue found must be caught by it.
    for quoted in (
        "Popraw odpowiedzi",
        "Możesz zaznaczyć",
        "Twoja odpowiedź",
        "wybierz ocenę",
        "Powiedz nam więcej",
    ):
        assert INFORMAL_POLISH.search(quoted), quoted
    for formal in ("Prosimy wybrać ocenę", "Wyślij odpowiedzi", "Można zaznaczyć", "poprawić"):
        assert not INFORMAL_POLISH.search(formal), formal


QUOTES = {"pl": ("„", "”"), "en": ("“", "”"), "uk": ("«", "»")}
FOREIGN_QUOTES = {"pl": '“«»"', "en": '„«»"', "uk": '„“”"'}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_language_uses_its_own_quotes_in_pairs(lang):
    opening, closing = QUOTES[lang]
    wrong = {
        f"{s}.{k}": get_text(lang, s, k)
        for s, k in ALL_KEYS
        if any(mark in get_text(lang, s, k) for mark in FOREIGN_QUOTES[lang])
        or get_text(lang, s, k).count(opening) != get_text(lang, s, k).count(closing)
    }

    assert not wrong, f"{lang}.json: quote with {opening}…{closing} only, in pairs: {wrong}"


def test_no_hint_repeats_in_the_matching_error():
    # The hint under a multi-choice question and the error for too many picks say different things.
    for lang in LANGUAGES:
        assert text("form.up_to", lang, max=3) != text("fields.too_many", lang, max=3)


def test_rating_errors_name_the_numbers_the_buttons_show():
    # The buttons show the numbers 1–5 (the words at the ends): the errors speak of 1 to 5.
    for lang in LANGUAGES:
        for key in ("required_rating", "not_a_rating", "na_not_allowed"):
            assert "1" in text(f"fields.{key}", lang) and "5" in text(f"fields.{key}", lang)
