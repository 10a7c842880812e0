"""Questions matched across survey versions by key, split where the wording changed."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from collector.models import Question, SurveyVersion, pick_text

from .texts import message


@dataclass
class Unit:
    """A question as the report shows it: one key, the versions sharing its wording."""

    key: str
    id: str
    type: str
    question: Question  # the newest version's question of this wording
    version_ids: list[int]
    version_numbers: list[int]
    split: bool = False  # the key's wording differs between versions

    def label(self, lang: str) -> str:
        text = pick_text(self.question.texts, lang)
        if self.split:
            numbers = ", ".join(str(n) for n in self.version_numbers)
            text += " " + message("version_suffix", lang).format(numbers=numbers)
        return text


def signature(question: Question, lang: str) -> tuple:
    """Return what must match for answers of two versions to be counted together."""
    options = tuple(
        (o["key"], pick_text(o.get("texts"), "pl"), pick_text(o.get("texts"), lang))
        for o in question.options or []
    )
    return (
        question.type,
        pick_text(question.texts, "pl"),
        pick_text(question.texts, lang),
        options,
        question.group or "",
    )


def build_units(versions: list[SurveyVersion], lang: str) -> list[Unit]:
    """Return the units of the given versions, in the newest version's question order."""
    by_key: dict[str, list[tuple[SurveyVersion, Question]]] = defaultdict(list)
    order: dict[str, tuple[int, int]] = {}
    for version in sorted(versions, key=lambda v: v.number, reverse=True):
        for question in version.questions:
            by_key[question.key].append((version, question))
            order.setdefault(question.key, (-version.number, question.position))
    units = []
    for key in sorted(by_key, key=lambda k: order[k]):
        groups: dict[tuple, list[tuple[SurveyVersion, Question]]] = {}
        for version, question in by_key[key]:
            groups.setdefault(signature(question, lang), []).append((version, question))
        split = len(groups) > 1
        for members in groups.values():
            numbers = sorted(v.number for v, _ in members)
            newest = max(members, key=lambda m: m[0].number)[1]
            unit_id = key if not split else f"{key}@v{'-'.join(str(n) for n in numbers)}"
            units.append(
                Unit(
                    key=key,
                    id=unit_id,
                    type=newest.type,
                    question=newest,
                    version_ids=[v.id for v, _ in members],
                    version_numbers=numbers,
                    split=split,
                )
            )
    return units
