"""Every outcome of the one check decision (core/decision.py), without sockets or a store."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pytest

from newsdiffs.core.decision import (
    FAILED_FETCH,
    FetchFacts,
    Lookup,
    NeedsLookup,
    VersionHistory,
    decide_check,
    internal_error_result,
)
from newsdiffs.core.normalize import content_hash
from newsdiffs.core.versioning import PageContent, content_of, text_hash
from newsdiffs.models import (
    Article,
    ArticleStatus,
    CheckOutcome,
    CheckResult,
    EventKind,
    ExtractedPage,
    Version,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
URL = "https://news.example/world/1"
STORY = (
    "The council voted on Tuesday to close the old bridge for repairs.",
    "Engineers said the work would take at least six months.",
    "Residents asked for a ferry service in the meantime.",
)


def article(**changes: object) -> Article:
    base = Article(
        id=7,
        source="example",
        url=URL,
        first_seen=NOW - timedelta(hours=5),
        next_check_at=NOW,
        check_interval=timedelta(minutes=36),
        version_count=2,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def text(
    title: str = "Bridge to close",
    paragraphs: tuple[str, ...] = STORY,
    extractor: str = "generic@3",
    **page: object,
) -> PageContent:
    found = content_of(ExtractedPage(title, paragraphs, extractor, **page))  # type: ignore[arg-type]
    assert found is not None
    return found


def stored(content: PageContent, number: int = 2, legacy: bool = False) -> Version:
    return Version(
        id=100 + number,
        article_id=7,
        number=number,
        captured_at=NOW - timedelta(hours=1),
        title=content.title,
        paragraphs=content.paragraphs,
        content_hash=content.legacy_hash if legacy else content.hash,
        extractor=content.page.extractor,
        byline=content.page.byline,
    )


def page_fetch(**changes: object) -> FetchFacts:
    base = FetchFacts(outcome="ok", status=200, final_url=URL, body=b"<html>page</html>")
    return replace(base, **changes)  # type: ignore[arg-type]


def history_of(*versions: Version) -> VersionHistory:
    counts: dict[str, int] = {}
    for version in versions:
        counts[version.content_hash] = counts.get(version.content_hash, 0) + 1
    return VersionHistory(
        latest=versions[-1] if versions else None,
        hash_counts=counts,
        word_counts=tuple(sum(len(p.split()) for p in v.paragraphs) for v in versions),
    )


def decide(
    art: Article,
    latest_hash: str | None,
    content: PageContent | None,
    fetch: FetchFacts,
    lookup: Lookup | None = None,
) -> CheckResult:
    """The decision, answering its one question (a lookup) when it asks."""
    first = decide_check(art, latest_hash, content, fetch, NOW)
    if isinstance(first, NeedsLookup):
        assert lookup is not None, "the decision asked for a lookup"
        first = decide_check(art, latest_hash, content, fetch, NOW, lookup)
    assert isinstance(first, CheckResult)
    return first


def kinds(result: CheckResult) -> list[EventKind]:
    return [event.kind for event in result.events]


OLD = text()
EDITED = text(paragraphs=(*STORY, "A ferry will run from Monday."))


# --- fetch failures -------------------------------------------------------------------------


@pytest.mark.parametrize(("fetch_outcome", "expected"), sorted(FAILED_FETCH.items()))
def test_every_failed_fetch_is_its_outcome_backs_off_and_keeps_status(
    fetch_outcome: str, expected: CheckOutcome
) -> None:
    art = article(status=ArticleStatus.REDIRECTED)
    result = decide(art, None, None, FetchFacts(outcome=fetch_outcome, status=500, etag='"x"'))
    assert result.check.outcome is expected
    assert result.check_interval > art.check_interval  # an error backs off
    assert not result.replace_validators and result.etag is None  # validators kept
    if expected is CheckOutcome.GONE:
        assert result.status is ArticleStatus.GONE and kinds(result) == [EventKind.GONE]
    else:
        assert result.status is ArticleStatus.REDIRECTED and kinds(result) == []


def test_gone_again_is_not_a_second_gone_event() -> None:
    result = decide(article(status=ArticleStatus.GONE), None, None, FetchFacts(outcome="gone"))
    assert result.status is ArticleStatus.GONE and kinds(result) == []


def test_not_modified_keeps_the_status_and_says_nothing_came_back() -> None:
    for status in ArticleStatus:
        art = article(status=status)
        result = decide(art, "h", None, FetchFacts(outcome="not_modified", status=304))
        assert result.check.outcome is CheckOutcome.NOT_MODIFIED
        assert EventKind.RETURNED not in kinds(result)
        if status is not ArticleStatus.ACTIVE:
            assert result.status is status or result.status is ArticleStatus.RETIRED


def test_a_redirected_not_modified_clears_the_validators_it_could_not_own() -> None:
    fetch = FetchFacts(outcome="not_modified", status=304, redirected=True, etag='"target"')
    result = decide(article(status=ArticleStatus.REDIRECTED), "h", None, fetch)
    assert result.status is ArticleStatus.REDIRECTED
    assert result.replace_validators and result.etag is None and result.last_modified is None


# --- redirects ------------------------------------------------------------------------------


def test_redirect_to_another_tracked_article_is_moved_away() -> None:
    fetch = page_fetch(redirected=True, final_url="https://news.example/world/2", redirect_owner=9)
    result = decide(article(), OLD.hash, OLD, fetch)
    assert result.check.outcome is CheckOutcome.REDIRECTED_AWAY
    assert result.status is ArticleStatus.REDIRECTED
    assert kinds(result) == [EventKind.REDIRECTED]
    assert result.new_version is None and result.merge_into is None


def test_shortlink_of_a_tracked_article_is_merged_into_it() -> None:
    fetch = page_fetch(redirected=True, final_url="https://news.example/world/2", redirect_owner=9)
    result = decide(article(version_count=0), None, OLD, fetch)
    assert result.check.outcome is CheckOutcome.DUPLICATE
    assert result.merge_into == 9
    assert kinds(result) == [EventKind.DUPLICATE]
    assert result.next_check_at is None


def test_first_fetch_through_a_redirector_keeps_the_target_as_alias() -> None:
    target = "https://news.example/world/9"
    fetch = page_fetch(redirected=True, final_url=target)
    result = decide(
        article(version_count=0, url="https://sho.rt/abc"), None, OLD, fetch, Lookup(history_of())
    )
    assert result.check.outcome is CheckOutcome.FIRST_VERSION
    assert result.aliases == (target,)
    assert kinds(result) == [EventKind.URL_REDIRECT]


def test_redirect_to_an_untracked_other_page_is_moved_away() -> None:
    fetch = page_fetch(redirected=True, final_url="https://news.example/")
    result = decide(article(), OLD.hash, OLD, fetch)
    assert result.check.outcome is CheckOutcome.REDIRECTED_AWAY


def test_cosmetic_redirect_is_the_same_article() -> None:
    fetch = page_fetch(redirected=True, final_url="https://www.news.example/world/1/")
    result = decide(article(url="http://news.example/world/1"), OLD.hash, OLD, fetch)
    assert result.check.outcome is CheckOutcome.UNCHANGED
    assert result.replace_validators and result.etag is None  # the target's: not kept


# --- the page's text ------------------------------------------------------------------------


def test_no_article_text() -> None:
    result = decide(article(), OLD.hash, None, page_fetch())
    assert result.check.outcome is CheckOutcome.NOT_AN_ARTICLE
    assert result.check_interval > article().check_interval


@pytest.mark.parametrize("versions", [0, 3])
def test_live_blog_is_retired_with_one_event_and_no_version(versions: int) -> None:
    live = text(is_live_blog=True)
    result = decide(
        article(version_count=versions), OLD.hash if versions else None, live, page_fetch()
    )
    assert result.check.outcome is CheckOutcome.LIVE_BLOG
    assert result.new_version is None
    assert result.status is ArticleStatus.RETIRED and result.next_check_at is None
    assert kinds(result) == [EventKind.LIVE_BLOG]


def test_same_hash_is_unchanged_without_reading_history() -> None:
    result = decide_check(article(), OLD.hash, OLD, page_fetch(etag='"v2"'), NOW)
    assert isinstance(result, CheckResult)
    assert result.check.outcome is CheckOutcome.UNCHANGED
    assert result.latest_update is None
    assert result.replace_validators and result.etag == '"v2"'


def test_same_bytes_is_unchanged_without_the_text() -> None:
    result = decide(article(), OLD.hash, None, page_fetch(same_bytes=True))
    assert result.check.outcome is CheckOutcome.UNCHANGED
    assert result.check.detail == "same bytes"


def test_a_hash_stored_under_the_old_rule_is_the_same_text_and_is_brought_up_to_date() -> None:
    result = decide(article(), OLD.legacy_hash, OLD, page_fetch())
    assert result.check.outcome is CheckOutcome.UNCHANGED
    assert result.latest_update is not None
    assert result.latest_update.expected_hash == OLD.legacy_hash
    assert result.latest_update.content_hash == OLD.hash
    assert result.latest_update.title is None  # the stored text stays


SPLIT = ("Engineers said", "the work would take at least six months.")
RESTRUCTURED = [
    (" ".join(STORY),),  # all merged into one
    (STORY[0], *SPLIT, STORY[2]),  # one paragraph split in two
    (f"{STORY[0]} {SPLIT[0]}", f"{SPLIT[1]} {STORY[2]}"),  # a block broken elsewhere
]


@pytest.mark.parametrize("paragraphs", RESTRUCTURED)
@pytest.mark.parametrize("legacy", [False, True])
def test_paragraph_structure_is_not_content(paragraphs: tuple[str, ...], legacy: bool) -> None:
    latest = stored(OLD, legacy=legacy)
    restructured = text(paragraphs=paragraphs)
    lookup = Lookup(history_of(latest))
    result = decide(article(), latest.content_hash, restructured, page_fetch(), lookup)
    assert result.check.outcome is CheckOutcome.UNCHANGED
    assert result.new_version is None
    update = result.latest_update
    if legacy:  # the stored hash is brought to today's rule: next time a hash settles it
        assert update is not None and update.content_hash == restructured.hash
        assert update.title is None  # the stored paragraphs stay as captured
    else:
        assert update is None


def test_a_new_version_is_classified_and_its_words_counted() -> None:
    old = stored(OLD)
    result = decide(article(), old.content_hash, EDITED, page_fetch(), Lookup(history_of(old)))
    assert result.check.outcome is CheckOutcome.NEW_VERSION
    version = result.new_version
    assert version is not None and version.content_hash == EDITED.hash
    assert version.classification is not None and "appended" in version.change_kinds
    assert version.words_added == 6 and version.words_removed == 0
    assert result.check_interval == timedelta(minutes=30)
    assert result.status is ArticleStatus.ACTIVE


def test_the_first_version() -> None:
    result = decide(article(version_count=0), None, OLD, page_fetch(), Lookup(history_of()))
    assert result.check.outcome is CheckOutcome.FIRST_VERSION
    assert result.new_version is not None and result.new_version.classification is None


def test_a_changed_page_asks_for_its_history_once() -> None:
    asked = decide_check(article(), OLD.hash, EDITED, page_fetch(), NOW)
    assert asked == NeedsLookup(identity_url=None)
    amp = replace(EDITED.page, canonical_url="https://news.example/world/1-canonical")
    asked = decide_check(article(), OLD.hash, replace(EDITED, page=amp), page_fetch(), NOW)
    assert asked == NeedsLookup(identity_url="https://news.example/world/1-canonical")


# --- identity -------------------------------------------------------------------------------


def _amp(canonical: str) -> PageContent:
    return replace(EDITED, page=replace(EDITED.page, canonical_url=canonical))


@pytest.mark.parametrize(("versions", "merged"), [(0, True), (2, False)])
def test_canonical_url_of_another_article_is_a_duplicate(versions: int, merged: bool) -> None:
    old = stored(OLD)
    history = history_of(old) if versions else history_of()
    result = decide(
        article(version_count=versions, url="https://news.example/world/1/amp"),
        old.content_hash if versions else None,
        _amp("https://news.example/world/1"),
        page_fetch(final_url="https://news.example/world/1/amp"),
        Lookup(history, identity_owner=3),
    )
    assert result.check.outcome is CheckOutcome.DUPLICATE
    assert result.new_version is None
    assert kinds(result) == [EventKind.DUPLICATE]
    assert result.merge_into == (3 if merged else None)
    assert result.status is ArticleStatus.RETIRED and result.next_check_at is None


def test_canonical_url_nobody_owns_becomes_an_alias() -> None:
    result = decide(
        article(version_count=0, url="https://news.example/world/1/amp"),
        None,
        _amp("https://news.example/world/1"),
        page_fetch(final_url="https://news.example/world/1/amp"),
        Lookup(history_of()),
    )
    assert result.check.outcome is CheckOutcome.FIRST_VERSION
    assert result.aliases == ("https://news.example/world/1",)


def test_canonical_pointing_home_is_ignored() -> None:
    asked = decide_check(article(), OLD.hash, _amp("https://news.example/"), page_fetch(), NOW)
    assert asked == NeedsLookup(identity_url=None)


# --- history: extractor change, anomaly, flip-flop ------------------------------------------


def test_extractor_change_rewrites_the_latest_version_instead_of_a_new_one() -> None:
    old = stored(text(paragraphs=(*STORY, "Copyright Loopback News"), extractor="generic@2"))
    today = text(extractor="generic@3")
    lookup = Lookup(history_of(old), reextracted_hash=today.hash)
    result = decide(article(), old.content_hash, today, page_fetch(), lookup)
    assert result.check.outcome is CheckOutcome.UNCHANGED
    assert result.check.detail == "extractor changed"
    update = result.latest_update
    assert update is not None and update.expected_hash == old.content_hash
    assert (update.paragraphs, update.extractor) == (today.paragraphs, "generic@3")


def test_extractor_change_with_a_real_edit_is_a_new_version() -> None:
    old = stored(text(extractor="generic@2"))
    lookup = Lookup(history_of(old), reextracted_hash=OLD.hash)
    result = decide(article(), old.content_hash, EDITED, page_fetch(), lookup)
    assert result.check.outcome is CheckOutcome.NEW_VERSION


def test_collapsed_body_is_an_anomaly() -> None:
    long_story = tuple(f"{p} Paragraph {n} adds more detail here." for n, p in enumerate(STORY * 8))
    versions = [stored(text(paragraphs=long_story), n) for n in (1, 2)]
    short = text(paragraphs=STORY[:1])
    result = decide(
        article(), versions[-1].content_hash, short, page_fetch(), Lookup(history_of(*versions))
    )
    assert result.check.outcome is CheckOutcome.EXTRACTION_ANOMALY
    assert kinds(result) == [EventKind.EXTRACTION_ANOMALY]
    assert result.new_version is None


def test_missing_layout_markers_are_an_anomaly() -> None:
    old = stored(OLD)
    lookup = Lookup(history_of(old), markers_matched=False)
    result = decide(article(), old.content_hash, EDITED, page_fetch(), lookup)
    assert result.check.outcome is CheckOutcome.EXTRACTION_ANOMALY


@pytest.mark.parametrize("legacy", [False, True])
def test_flip_flop_to_a_text_stored_twice(legacy: bool) -> None:
    a, b = stored(OLD, 1, legacy), stored(EDITED, 2)
    a2, b2 = replace(a, number=3), replace(b, number=4)
    result = decide(article(), b2.content_hash, OLD, page_fetch(), Lookup(history_of(a, b, a2, b2)))
    assert result.check.outcome is CheckOutcome.FLIPFLOP
    assert result.new_version is None


# --- status, schedule, validators, internal errors -------------------------------------------


def test_gone_article_with_text_again_has_returned() -> None:
    result = decide(article(status=ArticleStatus.GONE), OLD.hash, OLD, page_fetch())
    assert result.status is ArticleStatus.ACTIVE and kinds(result) == [EventKind.RETURNED]


def test_a_soft_404_does_not_bring_a_gone_article_back() -> None:
    result = decide(article(status=ArticleStatus.GONE), OLD.hash, None, page_fetch())
    assert result.status is ArticleStatus.GONE and kinds(result) == []


@dataclass(frozen=True)
class _Case:
    name: str
    fetch: FetchFacts
    content: PageContent | None


HIDDEN_CASES = [
    _Case("unchanged", page_fetch(), OLD),
    _Case("gone", FetchFacts(outcome="gone", status=404), None),
    _Case("live blog", page_fetch(), text(is_live_blog=True)),
    _Case("new version", page_fetch(), EDITED),
]


@pytest.mark.parametrize("case", HIDDEN_CASES, ids=[c.name for c in HIDDEN_CASES])
def test_hidden_stays_hidden(case: _Case) -> None:
    result = decide(
        article(status=ArticleStatus.HIDDEN),
        OLD.hash,
        case.content,
        case.fetch,
        Lookup(history_of(stored(OLD))),
    )
    assert result.status is ArticleStatus.HIDDEN


def test_retirement_by_the_schedule_is_an_event() -> None:
    old = article(check_interval=timedelta(days=39))
    result = decide(old, OLD.hash, OLD, page_fetch())
    assert result.status is ArticleStatus.RETIRED and result.next_check_at is None
    assert kinds(result) == [EventKind.RETIRED]


def test_internal_error_backs_off_keeps_status_and_validators() -> None:
    art = article(status=ArticleStatus.GONE)
    result = internal_error_result(art, page_fetch(etag='"e"'), NOW, "ValueError: boom")
    assert result.check.outcome is CheckOutcome.INTERNAL_ERROR
    assert result.check.outcome.is_error
    assert result.status is ArticleStatus.GONE
    assert result.check_interval > art.check_interval
    assert not result.replace_validators and result.etag is None
    assert result.check.detail == "ValueError: boom"


def test_the_old_hash_rule_is_kept_only_to_recognise_stored_hashes() -> None:
    assert OLD.legacy_hash == content_hash(OLD.title, OLD.paragraphs)
    assert OLD.hash != OLD.legacy_hash
    assert text_hash("T", ["a b", "c"]) == text_hash("T", ["a", "b c"])
    assert text_hash("T", ["ab", "c"]) != text_hash("T", ["a", "bc"])
    assert text_hash("a", ["b"]) != text_hash("", ["a", "b"])
