"""``/articles/{id}/diff/{a}/{b}.png``: the diff card, for link unfurls and image posts.

The same 404 (no such article or version) and 410 (hidden: no card either) as the diff page.
A card of two stored versions does not change, so it may be cached a day by anyone
(``Cache-Control: public``), and revalidated by its ETag (a hash of the PNG).
"""

from __future__ import annotations

import hashlib

from fastapi import APIRouter, Request
from fastapi.responses import Response

from newsdiffs.cards import card_for
from newsdiffs.web.context import get_context
from newsdiffs.web.params import ArticleId, VersionNumber

CARD_MAX_AGE_S = 86_400  # a day: a hidden article's card stops being served within it

router = APIRouter(tags=["cards"])


# HEAD too: some link unfurlers ask for the type and size before they fetch an image.
@router.api_route(
    "/articles/{article_id}/diff/{a}/{b}.png", methods=["GET", "HEAD"], response_class=Response
)
def diff_card(
    request: Request, article_id: ArticleId, a: VersionNumber, b: VersionNumber
) -> Response:
    png = card_for(get_context(request).store, article_id, a, b)
    etag = f'"{hashlib.sha256(png).hexdigest()[:24]}"'
    headers = {"Cache-Control": f"public, max-age={CARD_MAX_AGE_S}", "ETag": etag}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(png, media_type="image/png", headers=headers)
