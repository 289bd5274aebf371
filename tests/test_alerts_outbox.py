"""The alerts outbox: rows written in the version's own transaction, claimed once each.

SQLite always; PostgreSQL when NEWSDIFFS_TEST_PG_URL is set (the contract suite's ``store``
fixture: it empties that database, so point it at a database of your own).
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import replace
from datetime import timedelta

import pytest
from test_store_claims import CLAIMERS, drain, in_threads
from test_store_contract import at, count_rows, new_version, result, store

from newsdiffs.core.alert_rules import AlertRule, TargetSpec, rule_from_dict
from newsdiffs.core.classify import classify_versions
from newsdiffs.errors import StorageError
from newsdiffs.models import ArticleEvent, ArticleStatus, CheckOutcome, EventKind, NewVersion
from newsdiffs.storage import SqlStore, outbox, recording
from newsdiffs.storage.base import OutboxAlert
from newsdiffs.storage.outbox import alert_key
from newsdiffs.storage.schema import alerts, versions

__all__ = ["store"]

HOOK = "webhook://127.0.0.1:9/hook"
MAIL = "mailto://user:secret@mail.example"
LEASE = timedelta(minutes=2)
BODY = ("The council voted on Monday to close the library.", "Officials said it was costly.")


def rule(name: str, *targets: str, **fields: object) -> AlertRule:
    return rule_from_dict({"name": name, "targets": list(targets or [HOOK]), **fields})


def edited(
    content_hash: str, minutes: float, title: str, paragraphs: tuple[str, ...]
) -> NewVersion:
    """A new version of the article first stored by :func:`first`, with its classification."""
    base = new_version(content_hash, minutes, title, paragraphs)
    known = classify_versions("A title", BODY, title, paragraphs, base.byline, base.byline)
    return replace(
        base,
        classification=known,
        significance=known.significance,
        change_kinds=tuple(k.value for k in known.kinds),
    )


def first(store: SqlStore, url: str = "https://bbc.example/1") -> int:
    article, _ = store.add_article("bbc", url, at(0))
    store.record_check(
        result(article.id, 0, new_version("h1", 0, "A title", BODY), CheckOutcome.FIRST_VERSION)
    )
    return article.id


def headline_change(store: SqlStore, article_id: int, minutes: float = 10) -> int:
    version = edited(f"h{minutes}", minutes, f"A new title {minutes}", BODY)
    stored = store.record_check(result(article_id, minutes, version, CheckOutcome.NEW_VERSION))
    assert stored is not None
    return stored.id


def test_a_matching_change_writes_one_row_per_target(store: SqlStore) -> None:
    store.save_alert_rule(rule("headlines", HOOK, MAIL, kinds=["headline"]))
    store.save_alert_rule(rule("quotes", kinds=["quotes"]))
    article_id = first(store)
    assert count_rows(store, alerts) == 0  # a first capture is not a change
    version_id = headline_change(store, article_id)
    rows = sorted(store.list_alerts(), key=lambda a: a.id)
    assert [(a.rule, a.target.url) for a in rows] == [("headlines", HOOK), ("headlines", MAIL)]
    hook = rows[0]
    assert hook == OutboxAlert(
        id=hook.id,
        key=alert_key("headlines", 0, version_id, None),
        rule="headlines",
        target=TargetSpec(HOOK),
        article_id=article_id,
        version_id=version_id,
        event_id=None,
        created_at=at(10),
        status="pending",
        attempts=0,
        next_attempt_at=at(10),
        last_error="",
        remote_id=None,
        sent_at=None,
    )
    assert rows[1].key != hook.key and len(hook.key) == 32
    assert store.alert_counts() == {"pending": 2, "sent": 0, "dead": 0, "dropped": 0}


def test_no_rule_no_row_and_disabled_rules_do_not_match(store: SqlStore) -> None:
    article_id = first(store)
    headline_change(store, article_id, 10)
    store.save_alert_rule(rule("off", enabled=False))
    headline_change(store, article_id, 20)
    assert count_rows(store, alerts) == 0


def test_first_versions_alert_only_rules_that_ask(store: SqlStore) -> None:
    store.save_alert_rule(rule("archive", "waybacks://web.archive.org", kinds=["first_version"]))
    article_id = first(store)
    [row] = store.list_alerts()
    assert row.rule == "archive" and row.article_id == article_id and row.version_id


def test_events_write_event_alerts(store: SqlStore) -> None:
    store.save_alert_rule(rule("gone", kinds=["gone", "redirected"]))
    store.save_alert_rule(rule("versions"))  # no kinds: versions only, never events
    article_id = first(store)
    gone = ArticleEvent(article_id, at(5), EventKind.GONE, "404")
    store.record_check(result(article_id, 5, None, CheckOutcome.GONE, (gone,), ArticleStatus.GONE))
    [row] = store.list_alerts()
    [stored_event] = [e for e in store.events(article_id) if e.kind is EventKind.GONE]
    assert (row.rule, row.version_id, row.event_kind, row.event_detail) == (
        "gone",
        None,
        "gone",
        "404",
    )
    assert row.event_id is not None and row.key == alert_key("gone", 0, None, row.event_id)
    assert stored_event.detail == "404"


def test_hidden_articles_never_alert(store: SqlStore) -> None:
    store.save_alert_rule(rule("all"))
    hidden, shown = first(store), first(store, "https://bbc.example/2")
    store.set_status(hidden, ArticleStatus.HIDDEN.value)
    headline_change(store, hidden)
    assert count_rows(store, alerts) == 0  # hidden when the change came: nothing written
    headline_change(store, shown)
    store.set_status(shown, ArticleStatus.HIDDEN.value)  # hidden after: dropped at the claim
    assert store.claim_alerts(at(60), 10, LEASE) == []
    [dropped] = store.list_alerts("dropped")
    assert dropped.article_id == shown and "hidden" in dropped.last_error


def test_a_failure_after_the_version_insert_leaves_neither(
    store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.save_alert_rule(rule("all"))
    article_id = first(store)

    def fail(*args: object) -> None:
        raise RuntimeError("disk full")

    for module, name in ((outbox, "insert_alerts"), (recording, "write_outbox")):
        with monkeypatch.context() as patch:
            # after the version insert: the outbox insert itself, then the whole outbox step
            original = getattr(module, name)

            def insert_then_fail(*args: object, original: object = original) -> None:
                original(*args)  # type: ignore[operator]
                fail()

            patch.setattr(module, name, insert_then_fail)
            with pytest.raises((RuntimeError, StorageError)):
                headline_change(store, article_id)
        assert count_rows(store, versions) == 1
        assert count_rows(store, alerts) == 0
    headline_change(store, article_id)  # and once nothing fails, both are there
    assert count_rows(store, versions) == 2 and count_rows(store, alerts) == 1


def test_an_outbox_failure_makes_the_check_fail_whole(
    store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the outbox in the transaction, this check would be stored without its alert."""
    store.save_alert_rule(rule("all"))
    article_id = first(store)
    monkeypatch.setattr(outbox, "rule_from_dict", lambda data: 1 / 0)
    outbox._rule.cache_clear()
    with pytest.raises(ZeroDivisionError):
        headline_change(store, article_id)
    outbox._rule.cache_clear()
    assert count_rows(store, versions) == 1 and count_rows(store, alerts) == 0


def test_an_article_that_goes_takes_its_alerts_with_it(store: SqlStore) -> None:
    """Decision: rows go with their article (merged away or deleted): a diff page that no
    longer exists cannot be announced."""
    store.save_alert_rule(rule("gone", kinds=["gone"]))
    owner = first(store)
    article, _ = store.add_article("bbc", "https://bbc.example/short", at(0))
    gone = ArticleEvent(article.id, at(5), EventKind.GONE, "404")
    store.record_check(result(article.id, 5, None, CheckOutcome.GONE, (gone,)))
    assert [a.article_id for a in store.list_alerts()] == [article.id]
    merge = replace(result(article.id, 6), merge_into=owner)
    store.record_check(merge)
    assert store.list_alerts() == []


def test_claims_lease_retry_and_dead_letters(store: SqlStore) -> None:
    store.save_alert_rule(rule("all", HOOK, MAIL))
    article_id = first(store)
    headline_change(store, article_id)
    claimed = store.claim_alerts(at(10), 10, LEASE)
    assert [a.target.url for a in claimed] == [HOOK, MAIL]
    assert all(a.next_attempt_at == at(10) + LEASE for a in claimed)
    assert store.claim_alerts(at(11), 10, LEASE) == []  # leased
    hook, mail = claimed
    store.mark_alert_sent(hook.id, at(11), "https://hook/1")
    store.mark_alert_failed(mail.id, at(11), "connection\nrefused", at(20))
    assert store.claim_alerts(at(19), 10, LEASE) == []
    [again] = store.claim_alerts(at(20), 10, LEASE)
    assert (again.id, again.attempts, again.last_error) == (mail.id, 1, "connection refused")
    store.postpone_alert(again.id, at(40))
    assert store.claim_alerts(at(39), 10, LEASE) == []
    store.mark_alert_failed(again.id, at(41), "401 unauthorized", None)
    [dead] = store.list_alerts("dead")
    assert (dead.id, dead.attempts, dead.status) == (mail.id, 2, "dead")
    [sent] = store.list_alerts("sent")
    assert (sent.remote_id, sent.sent_at, sent.attempts) == ("https://hook/1", at(11), 1)
    assert store.alert_counts() == {"pending": 0, "sent": 1, "dead": 1, "dropped": 0}
    assert store.sent_for_target_since(HOOK, at(11)) == 1
    assert store.sent_for_target_since(HOOK, at(12)) == 0
    assert store.sent_for_target_since(MAIL, at(0)) == 0
    assert store.claim_alerts(at(1000), 0, LEASE) == []


def test_snapshots_are_the_wayback_targets_sent_remote_ids(store: SqlStore) -> None:
    store.save_alert_rule(
        rule("wayback", "waybacks://web.archive.org", HOOK, kinds=["first_version", "new_version"])
    )
    article_id = first(store)
    version_id = headline_change(store, article_id)
    for alert in store.claim_alerts(at(10), 10, LEASE):
        store.mark_alert_sent(alert.id, at(11), f"https://remote/{alert.target.url}/{alert.id}")
    snapshots = store.snapshots(article_id)
    assert set(snapshots) == {v.id for v in store.versions(article_id)}
    assert version_id in snapshots
    assert all(url.startswith("https://remote/waybacks://") for url in snapshots.values())


def test_concurrent_claimers_never_get_one_row_twice(store: SqlStore) -> None:
    store.save_alert_rule(rule("all", *(f"webhook://127.0.0.1:9/{n}" for n in range(6))))
    for n in range(25):
        article_id = first(store, f"https://bbc.example/{n}")
        headline_change(store, article_id, 10 + n)
    total = count_rows(store, alerts)
    assert total == 150

    first_round = threading.Barrier(CLAIMERS)

    def claim_all(own: SqlStore) -> list[OutboxAlert]:
        return drain(lambda: own.claim_alerts(at(100), 4, LEASE), first_round)

    per_claimer = in_threads(store, claim_all, CLAIMERS)
    handed_out = Counter(alert.id for taken in per_claimer for alert in taken)
    assert [id_ for id_, n in handed_out.items() if n > 1] == []
    assert len(handed_out) == total
    assert all(per_claimer)  # each claimer's first batch was its own


def test_rules_sync_replaces_config_rules_and_keeps_admin_ones(store: SqlStore) -> None:
    store.save_alert_rule(rule("mine", kinds=["quotes"]))
    store.sync_alert_rules([rule("a"), rule("b", kinds=["headline"])])
    assert [r.name for r in store.alert_rules()] == ["a", "b", "mine"]
    store.sync_alert_rules([rule("b", kinds=["gone"]), rule("c")])
    assert [(r.name, r.kinds) for r in store.alert_rules()] == [
        ("b", ("gone",)),
        ("c", ()),
        ("mine", ("quotes",)),
    ]
    store.sync_alert_rules([rule("mine", kinds=["lede"])])  # the config wins a name
    assert [(r.name, r.kinds) for r in store.alert_rules()] == [("mine", ("lede",))]
    store.sync_alert_rules([])
    assert store.alert_rules() == []
    assert store.remove_alert_rule("nothing") is False
    store.save_alert_rule(rule("x"))
    assert store.remove_alert_rule("x") is True and store.alert_rules() == []


def test_a_row_is_never_written_twice_for_one_change(store: SqlStore) -> None:
    store.save_alert_rule(rule("all"))
    article_id = first(store)
    headline_change(store, article_id)
    [row] = store.list_alerts()
    with store.engine.begin() as connection:
        version = store.get_version(row.version_id or 0)
        again = outbox.write_outbox(connection, result(article_id, 10, None), version)
    assert again == 1 and count_rows(store, alerts) == 1  # the key is taken: left as it is
