"""The distributed mode: a scheduler and Celery workers over one PostgreSQL, Redis between.

A thin adapter over the same check decision the embedded runner uses:

- :mod:`.scheduler` (``newsdiffs scheduler``) polls the sources with the runner's own polling
  code, claims due articles (``Store.claim_due``) and sends them to the workers in batches;
- :mod:`.worker` (``newsdiffs worker``) is a Celery worker whose process keeps one event
  loop, fetcher, connection pool and robots cache, and checks each claim with the tracker,
  recording under the claim (a compare-and-set: a lapsed claim writes nothing);
- :mod:`.routing` sends every host to one queue, so one worker fetches it;
- :mod:`.app` builds the Celery app and its reliability settings from :class:`Settings`.
"""
