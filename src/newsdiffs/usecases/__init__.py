"""What a user can do to the tracker's data, in one layer the CLI and the web admin share.

Each action validates its input with one rule (:mod:`.names`) and raises the error tree's
InputError / NotFoundError, which the CLI prints on one line and the web answers as 400/404.
"""

from newsdiffs.usecases.articles import (
    hide_article,
    pick_versions,
    track_url,
    unhide_article,
)
from newsdiffs.usecases.names import (
    SOURCE_NAME_RULE,
    http_url_problem,
    source_name_problem,
)
from newsdiffs.usecases.sources import (
    add_source,
    import_sources,
    new_source,
    remove_source,
    source_problems,
    source_statistics,
)

__all__ = [
    "SOURCE_NAME_RULE",
    "add_source",
    "hide_article",
    "http_url_problem",
    "import_sources",
    "new_source",
    "pick_versions",
    "remove_source",
    "source_name_problem",
    "source_problems",
    "source_statistics",
    "track_url",
    "unhide_article",
]
