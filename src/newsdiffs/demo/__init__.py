"""The demo newsroom: a local news site whose articles change over time, and the truth.

``DemoNewsroom(clock).start()`` serves The Daily Demo (fictional) on 127.0.0.1 for
``newsdiffs demo``, tests and benchmarks; ``DemoNewsroom.score(recorded)`` says how well a
tracker kept up. Timeline: :mod:`newsdiffs.demo.timeline`; scoring: :mod:`newsdiffs.demo.truth`.
"""

from newsdiffs.demo.newsroom import ARTICLE_LINK_PATTERN, DemoNewsroom
from newsdiffs.demo.truth import Score, ServedEntry

__all__ = ["ARTICLE_LINK_PATTERN", "DemoNewsroom", "Score", "ServedEntry"]
