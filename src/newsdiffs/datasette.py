"""The archive in Datasette: described tables, canned research queries, hidden stays hidden.

``newsdiffs datasette`` serves the SQLite archive with Datasette (``pip install
'newsdiffs[datasette]'``) and a metadata file built here: every table and column described,
and canned queries ("headline changes this week", "stealth edits", "most-edited articles",
"time to first edit by outlet", and more). Articles an admin hid for legal reasons must not
be published, and Datasette cannot filter rows of a table, so by default the tables holding
article text and arbitrary SQL are closed and the canned queries (which all leave hidden
articles out) are the way in; ``--open`` lifts that for a private archive.
"""

from __future__ import annotations

from typing import Any

# Tables that hold article text or identify articles: closed unless the archive is private.
CLOSED_TABLES = ("articles", "article_aliases", "versions", "checks", "events", "alerts")

TABLES: dict[str, dict[str, Any]] = {
    "sources": {
        "description": "The outlets tracked: name, home page, discovery endpoints.",
        "columns": {"name": "Short name used in URLs", "home_url": "The outlet's home page"},
    },
    "articles": {
        "description": "One row per article (canonical URL), with its tracking state.",
        "columns": {
            "url": "Canonical URL: the article's identity",
            "status": "active, retired, gone, redirected or hidden",
            "first_seen": "When the article was first discovered (UTC)",
            "version_count": "How many versions were recorded",
            "next_check_at": "When it is checked next (UTC); empty once retired",
        },
    },
    "versions": {
        "description": "Every recorded version of every article, in capture order.",
        "columns": {
            "number": "1-based version number within the article",
            "captured_at": "When this version was fetched (UTC)",
            "paragraphs": "The body, a JSON list of paragraphs",
            "content_hash": "Hash of the normalised text: equal hashes, equal text",
            "significance": "How much the change from the previous version matters, 0 to 1",
            "change_kinds": "Kinds of change, as ,kind,kind, (headline, lede, quotes, ...)",
            "classification": "The change's classification as JSON (sentence operations)",
            "words_added": "Words inserted since the previous version",
            "words_removed": "Words deleted since the previous version",
            "raw_html": "The page as fetched, zstd-compressed",
        },
    },
    "checks": {
        "description": "Every fetch of every article and what it found.",
        "columns": {"outcome": "new_version, unchanged, gone, timeout, ...", "bytes": "Size"},
    },
    "events": {
        "description": "What happened to an article besides a new version (gone, redirected, ...).",
        "columns": {"kind": "The event's kind", "detail": "What the tracker noted"},
    },
}

_PUBLIC = "a.status <> 'hidden'"
QUERIES: dict[str, dict[str, Any]] = {
    "headline_changes_this_week": {
        "title": "Headline changes this week",
        "sql": f"""
SELECT v.captured_at, a.source, p.title AS headline_before, v.title AS headline_after,
       a.url, v.number
FROM versions v
JOIN articles a ON a.id = v.article_id
JOIN versions p ON p.article_id = v.article_id AND p.number = v.number - 1
WHERE v.change_kinds LIKE '%,headline,%' AND {_PUBLIC}
  AND v.captured_at >= datetime('now', '-7 days')
ORDER BY v.captured_at DESC LIMIT 1000""",
    },
    "stealth_edits": {
        "title": "Stealth edits",
        "description": "Substantive changes made without any correction notice.",
        "sql": f"""
SELECT v.captured_at, a.source, v.title, v.significance, v.words_added, v.words_removed,
       a.url, v.number
FROM versions v JOIN articles a ON a.id = v.article_id
WHERE json_extract(v.classification, '$.stealth') = 1 AND {_PUBLIC}
ORDER BY v.significance DESC, v.captured_at DESC LIMIT 1000""",
    },
    "most_edited_articles": {
        "title": "Most-edited articles",
        "sql": f"""
SELECT a.version_count, a.source, a.title, a.first_seen, a.last_changed_at, a.url
FROM articles a WHERE {_PUBLIC} AND a.version_count > 1
ORDER BY a.version_count DESC, a.id LIMIT 500""",
    },
    "time_to_first_edit_by_outlet": {
        "title": "Time to first edit, by outlet",
        "description": "Hours between an article's first and second versions.",
        "sql": f"""
SELECT a.source, COUNT(*) AS edited_articles,
       ROUND(AVG((julianday(v2.captured_at) - julianday(v1.captured_at)) * 24), 2)
         AS mean_hours,
       ROUND(MIN((julianday(v2.captured_at) - julianday(v1.captured_at)) * 24), 2)
         AS fastest_hours
FROM articles a
JOIN versions v1 ON v1.article_id = a.id AND v1.number = 1
JOIN versions v2 ON v2.article_id = a.id AND v2.number = 2
WHERE {_PUBLIC}
GROUP BY a.source ORDER BY mean_hours""",
    },
    "changes_by_kind": {
        "title": "Changes by kind, by outlet",
        "sql": f"""
SELECT a.source,
       SUM(v.change_kinds LIKE '%,headline,%') AS headline,
       SUM(v.change_kinds LIKE '%,lede,%') AS lede,
       SUM(v.change_kinds LIKE '%,quotes,%') AS quotes,
       SUM(v.change_kinds LIKE '%,numbers,%') AS numbers,
       SUM(v.change_kinds LIKE '%,correction_notice,%') AS correction_notice,
       COUNT(*) AS all_changes
FROM versions v JOIN articles a ON a.id = v.article_id
WHERE v.number > 1 AND {_PUBLIC}
GROUP BY a.source ORDER BY all_changes DESC""",
    },
    "article_versions": {
        "title": "Versions of one article",
        "description": "Give the article's id (from the other queries or the web pages).",
        "sql": f"""
SELECT v.number, v.captured_at, v.title, v.change_kinds, v.significance, v.words_added,
       v.words_removed
FROM versions v JOIN articles a ON a.id = v.article_id
WHERE a.id = :article_id AND {_PUBLIC}
ORDER BY v.number""",
    },
}


def metadata(database: str, open_archive: bool = False) -> dict[str, Any]:
    """Datasette metadata for the archive file whose name (without .db) is ``database``."""
    tables: dict[str, dict[str, Any]] = {name: dict(spec) for name, spec in TABLES.items()}
    if not open_archive:
        for name in CLOSED_TABLES:
            tables.setdefault(name, {})["allow"] = False
    db: dict[str, Any] = {"tables": tables, "queries": QUERIES}
    if not open_archive:
        db["allow_sql"] = False
    return {
        "title": "newsdiffs archive",
        "description": "Every version of every tracked article. Canned queries below.",
        "license": "Article text belongs to its publishers",
        "databases": {database: db},
    }
