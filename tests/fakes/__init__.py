"""Loopback fakes of the services alerts go to, started by tests on 127.0.0.1 free ports.

Each records what it received, can be told to fail (``fail_next``, ``down``, ``delay_s``) and
gives the target URL to configure (``url``): ``FakeMastodon``, ``FakeBluesky``,
``FakeWebhook``, ``FakeSavePageNow`` (HTTP, ``base.py``) and ``FakeSmtp`` (aiosmtpd).
"""

from fakes.bluesky import FakeBluesky
from fakes.mastodon import FakeMastodon
from fakes.savepagenow import FakeSavePageNow
from fakes.smtp import FakeSmtp
from fakes.webhook import FakeWebhook

__all__ = ["FakeBluesky", "FakeMastodon", "FakeSavePageNow", "FakeSmtp", "FakeWebhook"]
