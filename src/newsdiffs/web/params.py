"""Path parameters shared by the pages and the card route: ids and version numbers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

# Ids and numbers beyond this cannot exist (and would overflow SQLite's 64-bit integers).
MAX_ID = 2**62

ArticleId = Annotated[int, Path(ge=1, le=MAX_ID)]
VersionNumber = Annotated[int, Path(ge=1, le=MAX_ID)]
