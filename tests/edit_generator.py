"""Known edits applied to real article texts, to measure the diff engine and the classifier.

Articles come from the extraction corpus (``truth.json`` ``articleBody`` of zyte-aeb and
naeb-dev, split into paragraphs on newlines and normalised). :func:`generate_edit` applies
one or more :data:`OPERATIONS` to an article and returns both versions with the labels a
correct classifier must report (:data:`LABELS`); :func:`predicted_labels` reads the same
labels off a :class:`~newsdiffs.core.classify.Classification`.

Imported by tests/test_classify_generated.py and benchmarks/bench_diff.py. Never copies corpus
text anywhere: everything is generated in memory.
"""

from __future__ import annotations

import json
import os
import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from newsdiffs.core.classify import ChangeKind, Classification
from newsdiffs.core.normalize import normalize_paragraphs, normalize_text
from newsdiffs.core.sentences import split_sentences

REPO = Path(__file__).resolve().parents[1]
CORPUS_SETS = ("zyte-aeb", "naeb-dev")

OPERATIONS = (
    "sentence_added",
    "sentence_removed",
    "sentence_edited",
    "sentence_moved",
    "headline_rewrite",
    "correction_notice",
    "number_change",
    "typo",
)

# What each generated operation must make the classifier report.
LABELS: dict[str, frozenset[str]] = {
    "sentence_added": frozenset({"addition"}),
    "sentence_removed": frozenset({"deletion"}),
    "sentence_edited": frozenset({"edit"}),
    "sentence_moved": frozenset({"refactor"}),
    "headline_rewrite": frozenset({"headline"}),
    "correction_notice": frozenset({"correction_notice", "addition"}),
    "number_change": frozenset({"numbers", "edit"}),
    "typo": frozenset({"typo"}),
}
LABEL_TYPES = tuple(sorted(set().union(*LABELS.values())))

_NOTICES = (
    "Correction: An earlier version of this article misstated {detail}.",
    "Update: This story has been updated with additional information about {detail}.",
    "Clarification: This article has been updated to clarify {detail}.",
    "Editor's note: This article was corrected on {day} to reflect {detail}.",
    "An earlier version of this story incorrectly described {detail}.",
    "Correction ({day}): A previous version of this article gave the wrong figure for {detail}.",
)
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "March 4", "Dec. 12")
_NUMBER_RE = re.compile(r"(?<![\w.,])\d+(?:,\d{3})*(?![\w,]|\.\d)")
_WORD_RE = re.compile(r"\b[a-z]{4,}\b")


def corpus_root() -> Path:
    return Path(os.environ.get("NEWSDIFFS_CORPUS", REPO.parent / "shared" / "corpus"))


@dataclass(frozen=True)
class SourceArticle:
    id: str
    title: str
    paragraphs: tuple[str, ...]

    @property
    def word_count(self) -> int:
        return sum(len(p.split()) for p in self.paragraphs)


@dataclass(frozen=True)
class GeneratedEdit:
    article_id: str
    operations: tuple[str, ...]
    labels: frozenset[str]
    a_title: str
    a_paragraphs: tuple[str, ...]
    b_title: str
    b_paragraphs: tuple[str, ...]


def load_articles(root: Path | None = None) -> list[SourceArticle]:
    """Articles of both corpus sets (empty when the corpus is absent)."""
    root = root or corpus_root()
    articles: list[SourceArticle] = []
    for name in CORPUS_SETS:
        path = root / "extraction" / name / "truth.json"
        if not path.is_file():
            continue
        for key, item in sorted(json.loads(path.read_text(encoding="utf-8")).items()):
            paragraphs = normalize_paragraphs(str(item.get("articleBody", "")).split("\n"))
            if len(paragraphs) < 3:
                continue
            title = normalize_text(str(item.get("title") or ""))
            if len(title.split()) < 4:  # zyte-aeb has no titles: take the lede's first words
                title = " ".join(paragraphs[0].split()[:10]).rstrip(",;:")
            articles.append(SourceArticle(f"{name}/{key}", title, paragraphs))
    return articles


# --- the operations -------------------------------------------------------------------------


class _Draft:
    """The new version under construction, as sentences per paragraph."""

    def __init__(self, article: SourceArticle, donor: Sequence[str], rng: random.Random) -> None:
        self.title = article.title
        self.paragraphs = [split_sentences(p) for p in article.paragraphs]
        # Only paragraphs whose sentences re-join into the same split can be edited.
        self.used: set[int] = {
            n
            for n, sentences in enumerate(self.paragraphs)
            if split_sentences(" ".join(sentences)) != sentences
            or any(not re.search(r"[.!?…][\"'”’)]*$", sentence) for sentence in sentences)
        }
        self.notices: list[str] = []
        self.donor = donor
        self.rng = rng

    def _pick(self, min_sentences: int = 1) -> int | None:
        choices = [
            n
            for n, sentences in enumerate(self.paragraphs)
            if n not in self.used and len(sentences) >= min_sentences
        ]
        if not choices:
            return None
        n = self.rng.choice(choices)
        self.used.add(n)
        return n

    def _sentences_where(self, test: re.Pattern[str], min_words: int) -> list[tuple[int, int]]:
        return [
            (n, s)
            for n, sentences in enumerate(self.paragraphs)
            if n not in self.used
            for s, sentence in enumerate(sentences)
            if test.search(sentence) and len(sentence.split()) >= min_words
        ]

    def _claim(self, spots: list[tuple[int, int]]) -> tuple[int, int] | None:
        if not spots:
            return None
        n, s = self.rng.choice(spots)
        self.used.add(n)
        return n, s

    def sentence_added(self) -> bool:
        n = self._pick()
        if n is None or not self.donor:
            return False
        sentence = self.rng.choice(self.donor)
        self.paragraphs[n].insert(self.rng.randint(0, len(self.paragraphs[n])), sentence)
        return True

    def sentence_removed(self) -> bool:
        n = self._pick(min_sentences=2)
        if n is None:
            return False
        del self.paragraphs[n][self.rng.randrange(len(self.paragraphs[n]))]
        return True

    def sentence_edited(self) -> bool:
        spot = self._claim(self._sentences_where(_WORD_RE, 10))
        if spot is None:
            return False
        n, s = spot
        words = self.paragraphs[n][s].split(" ")
        slots = [i for i, word in enumerate(words) if re.fullmatch(r"[a-z]{4,}", word)]
        replacements = [w for w in self.donor_words() if w not in words]
        if len(slots) < 2 or len(replacements) < 3:
            return False
        for i in self.rng.sample(slots, 2):
            words[i] = self.rng.choice(replacements)
        if self.rng.random() < 0.5:  # also insert a short clause
            words.insert(self.rng.choice(slots), f"{self.rng.choice(replacements)} and")
        self.paragraphs[n][s] = " ".join(words)
        return True

    def sentence_moved(self) -> bool:
        source = self._pick(min_sentences=2)
        if source is None:
            return False
        sentences = self.paragraphs[source]
        if len(sentences) >= 3 and self.rng.random() < 0.3:  # within the paragraph
            sentences.append(sentences.pop(0))
            return True
        target = self._pick()
        if target is None:
            return False
        before = [s for sentences in self.paragraphs for s in sentences]
        sentence = self.paragraphs[source].pop(self.rng.randrange(len(self.paragraphs[source])))
        self.paragraphs[target].insert(self.rng.randint(0, len(self.paragraphs[target])), sentence)
        # Across a paragraph boundary only (same reading order): not a move.
        return before != [s for sentences in self.paragraphs for s in sentences]

    def headline_rewrite(self) -> bool:
        words = self.title.split()
        replacements = [w for w in self.donor_words() if w.casefold() not in self.title.casefold()]
        if len(words) < 4 or len(replacements) < 2:
            return False
        slots = [i for i, word in enumerate(words) if not re.search(r"\d", word)]
        keep = len(words) // 2
        style = self.rng.randrange(3)
        if style == 0 and len(slots) >= 2:  # replace two words
            for i in self.rng.sample(slots, 2):
                words[i] = self.rng.choice(replacements)
        elif style == 1 and not re.search(r"\d", " ".join(words[keep:])):  # new ending
            words = [*words[: max(3, keep)], "as", *self.rng.sample(replacements, 2)]
        elif not re.search(r"\d", " ".join(words[:2])):  # new first words
            words = [self.rng.choice(replacements).capitalize(), *words[2:]]
        else:
            return False
        self.title = " ".join(words)
        return True

    def correction_notice(self) -> bool:
        detail = " ".join(self.rng.sample(self.donor_words(), 3)) if self.donor else "a detail"
        notice = self.rng.choice(_NOTICES).format(detail=detail, day=self.rng.choice(_DAYS))
        self.notices.append(notice)
        return True

    def number_change(self) -> bool:
        spot = self._claim(self._sentences_where(_NUMBER_RE, 4))
        if spot is None:
            return False
        n, s = spot
        sentence = self.paragraphs[n][s]
        matches = list(_NUMBER_RE.finditer(sentence))
        match = self.rng.choice(matches)
        value = int(match.group().replace(",", ""))
        new_value = value + self.rng.choice((1, 2, 3, 5, 10, 12)) * self.rng.choice((1, -1))
        if new_value < 0:
            new_value = value + 7
        self.paragraphs[n][s] = sentence[: match.start()] + str(new_value) + sentence[match.end() :]
        return True

    def typo(self) -> bool:
        spot = self._claim(self._sentences_where(re.compile(r"\b[a-z]{6,}\b"), 6))
        if spot is None:
            return False
        n, s = spot
        sentence = self.paragraphs[n][s]
        match = self.rng.choice(list(re.finditer(r"\b[a-z]{6,}\b", sentence)))
        word = match.group()
        i = self.rng.randrange(1, len(word) - 2)
        style = self.rng.randrange(3)
        if style == 0:  # swapped letters
            typo = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        elif style == 1:  # dropped letter
            typo = word[:i] + word[i + 1 :]
        else:  # doubled letter
            typo = word[:i] + word[i] + word[i:]
        if typo == word:
            return False
        self.paragraphs[n][s] = sentence[: match.start()] + typo + sentence[match.end() :]
        return True

    def splits_back(self) -> bool:
        """Whether every paragraph re-splits into exactly the sentences the draft holds."""
        return all(
            split_sentences(" ".join(sentences)) == sentences
            for sentences in self.paragraphs
            if sentences
        )

    def donor_words(self) -> list[str]:
        words = sorted({w for sentence in self.donor for w in _WORD_RE.findall(sentence)})
        if len(words) < 8:
            words.extend(["reportedly", "officials", "announced", "villagers", "tomorrow"])
        return words

    def result(self) -> tuple[str, tuple[str, ...]]:
        paragraphs = [" ".join(sentences) for sentences in self.paragraphs if sentences]
        for notice in self.notices:
            if self.rng.random() < 0.7:
                paragraphs.append(notice)
            else:
                paragraphs.insert(0, notice)
        return self.title, tuple(paragraphs)


def generate_edit(
    article: SourceArticle, operations: Sequence[str], donor: SourceArticle, rng: random.Random
) -> GeneratedEdit | None:
    """Apply ``operations`` to ``article`` (None if one cannot apply, e.g. no number in it).

    Added sentences and new words come from ``donor``, another real article.
    """
    donor_sentences = [s for p in donor.paragraphs for s in split_sentences(p) if len(s) > 30]
    draft = _Draft(article, donor_sentences, rng)
    for operation in operations:
        if not getattr(draft, operation)():
            return None
    if not draft.splits_back():  # an operation broke a sentence boundary: not a clean case
        return None
    b_title, b_paragraphs = draft.result()
    labels = frozenset().union(*(LABELS[operation] for operation in operations))
    return GeneratedEdit(
        article.id,
        tuple(operations),
        labels,
        article.title,
        article.paragraphs,
        b_title,
        b_paragraphs,
    )


def generate_cases(
    articles: Sequence[SourceArticle], seed: int = 0, per_article: int = 4, max_operations: int = 3
) -> Iterator[GeneratedEdit]:
    """Edits of every article: ``per_article`` random sets of 1..max_operations operations."""
    rng = random.Random(seed)
    for index, article in enumerate(articles):
        donor = articles[(index + 1 + rng.randrange(len(articles) - 1)) % len(articles)]
        for _ in range(per_article):
            count = rng.randint(1, max_operations)
            operations = rng.sample(OPERATIONS, count)
            for _attempt in range(3):  # an operation may not fit this article: retry
                edit = generate_edit(article, operations, donor, rng)
                if edit is not None:
                    yield edit
                    break


def predicted_labels(classification: Classification) -> frozenset[str]:
    """The labels of :data:`LABEL_TYPES` a classification reports."""
    labels = {op.kind.value for op in classification.operations if not op.cosmetic}
    for kind in (ChangeKind.HEADLINE, ChangeKind.CORRECTION_NOTICE, ChangeKind.NUMBERS):
        if kind in classification.kinds:
            labels.add(kind.value)
    if ChangeKind.TYPO in classification.kinds:
        labels.add("typo")
    return frozenset(labels & set(LABEL_TYPES))
