"""The search box syntax, parsed without a database."""

from __future__ import annotations

from newsdiffs.storage.search_syntax import ParsedQuery, Term, parse_query, to_fts5


def test_words_phrases_negations_and_fields() -> None:
    parsed = parse_query('budget "prime minister" -resigns title:cuts -"no deal" source:bbc')
    assert parsed == ParsedQuery(
        terms=(
            Term("budget"),
            Term("prime minister"),
            Term("resigns", negated=True),
            Term("cuts", title_only=True),
            Term("no deal", negated=True),
        ),
        sources=("bbc",),
    )
    assert parsed.has_positive_term


def test_sources_prefixes_and_unknown_fields() -> None:
    parsed = parse_query('SOURCE:bbc source:cnn -source:rt elect* http:thing Title:"a b"')
    assert parsed.sources == ("bbc", "cnn") and parsed.excluded_sources == ("rt",)
    assert parsed.terms == (
        Term("elect", prefix=True),
        Term("http:thing"),
        Term("a b", title_only=True),
    )


def test_unclosed_quote_runs_to_the_end() -> None:
    assert parse_query('"open phrase here').terms == (Term("open phrase here"),)


def test_terms_without_letters_or_digits_are_dropped() -> None:
    assert parse_query('- "" * ... ( ) :').terms == ()
    assert not parse_query("-only -negative").has_positive_term


def test_fts5_expression_quotes_everything() -> None:
    parsed = parse_query('say "he said ""no""" -x title:y elect* AND')
    assert to_fts5(parsed) == (
        '("say" AND "he said " AND "no" AND title:"y" AND "elect"* AND "AND") NOT "x"'
    )
    assert to_fts5(parse_query('a"b')) == '("a" AND "b")'
    assert to_fts5(parse_query("-x")) is None
    assert to_fts5(parse_query("source:bbc")) is None


def test_control_characters_are_spaces() -> None:
    assert parse_query("rain\x00storm\x1b[0m") == parse_query("rain storm [0m")
    assert parse_query("\x00\x07\x7f").terms == ()
    expression = to_fts5(parse_query('"prime\x00minister"'))
    assert expression is not None and "\x00" not in expression
