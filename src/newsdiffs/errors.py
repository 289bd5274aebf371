"""The one exception tree of newsdiffs.

Expected outcomes of a check (unchanged page, 404, timeout, ...) are *return values*
(:class:`newsdiffs.models.CheckOutcome`), never exceptions. Exceptions are for input the
user must fix or for failures the caller cannot carry on from::

    NewsdiffsError                 base: the CLI prints str(error) on one line, exits 1
    ├── ConfigError                bad settings, sources file or command-line value
    ├── InputError                 a file or URL given by the user cannot be used
    │   └── ParseError             a feed, OPML or HTML document could not be read at all
    ├── NotFoundError              an article, version or source that does not exist
    │   └── HiddenError            an article hidden for legal reasons (the web answers 410)
    ├── StorageError               the database cannot be opened, migrated or written
    ├── FetchError                 a fetch failed in a way the caller asked to see raised
    └── DeliveryError              an alert target did not take a message
"""

from __future__ import annotations


class NewsdiffsError(Exception):
    """Base of every error newsdiffs raises on purpose."""


class ConfigError(NewsdiffsError):
    """A setting, sources file or command-line value is invalid."""


class InputError(NewsdiffsError):
    """A file or URL given by the user cannot be used."""


class ParseError(InputError):
    """A document (feed, OPML, HTML) could not be parsed at all."""


class NotFoundError(NewsdiffsError):
    """The article, version or source asked for does not exist."""


class HiddenError(NotFoundError):
    """The article was hidden by an admin for legal reasons: it must not be shown."""


class StorageError(NewsdiffsError):
    """The database cannot be opened, migrated or written."""


class FetchError(NewsdiffsError):
    """A fetch failed and the caller asked for an exception rather than an outcome."""


class DeliveryError(NewsdiffsError):
    """An alert target did not take a message.

    ``permanent``: retrying cannot help (bad credentials, a rejected payload): the alert goes
    straight to the dead letters. ``retry_after``: seconds the target asked us to wait (a
    429's Retry-After), or None to use the sender's own backoff.
    """

    def __init__(
        self, message: str, *, permanent: bool = False, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = retry_after
