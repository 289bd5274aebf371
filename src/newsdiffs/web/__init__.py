"""The reader's web: server-rendered pages, Atom/RSS feeds and a JSON API over a Store.

``create_app(settings, store)`` builds the FastAPI app; ``serve(settings, store)`` runs it.
"""

from newsdiffs.web.app import create_app, serve

__all__ = ["create_app", "serve"]
