"""Article identity: one canonical URL per article, whatever link led to it.

:func:`canonicalize_url` removes what never identifies an article (scheme/host case, default
ports, fragments, tracking parameters). :func:`choose_article_url` picks the identity URL
after a fetch; :func:`lookup_variants` lists the forms to try when a reader pastes a link.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import unquote_plus, urlsplit, urlunsplit

from newsdiffs.errors import InputError

# Query parameters (compared lower-cased) that only say where a click came from.
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "gclsrc", "dclid", "msclkid", "yclid", "twclid", "ttclid",
        "igshid", "li_fat_id", "wbraid", "gbraid",
        "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok",
        "ocid", "cmpid", "cmp", "ito", "smid", "smtyp", "ref", "ref_src", "ref_url", "src",
        "taid", "share", "hpid", "tid", "int_source", "int_medium", "int_campaign",
        "xtor", "s_cid", "ncid", "soc_src", "soc_trk", "wt.mc_id", "spm",
        "guccounter", "guce_referrer", "guce_referrer_sig", "cmpgn", "sr_share",
    }
)  # fmt: skip
# Any parameter whose lower-cased name starts with one of these is tracking too.
TRACKING_PREFIXES = ("utm_", "at_", "ns_", "pk_", "mtm_", "hsa_", "oly_")

_DEFAULT_PORTS = {"http": 80, "https": 443}
# Second-level labels under which a country code TLD sells names: bbc.co.uk, abc.net.au.
_SECOND_LEVEL_LABELS = frozenset({"co", "com", "org", "net", "gov", "ac", "edu"})
_MOBILE_HOST_PREFIXES = ("www.", "m.", "mobile.", "amp.")
_AMP_PATH_SUFFIXES = ("/amp", "/amp/")
# "www.bbc.co.uk/news/1" or "//bbc.co.uk/news/1": a pasted link without its scheme.
_SCHEMELESS = re.compile(r"(?://)?[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?::\d+)?(?:[/?#]|$)", re.I)


def is_tracking_param(name: str) -> bool:
    """Whether a query parameter name (as written in the URL) is a tracking parameter."""
    key = unquote_plus(name).strip().lower()
    return key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES)


def _split(url: str) -> tuple[str, str, int | None, str, str]:
    """(scheme, host, port, path, query) of an absolute http(s) URL, or InputError."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise InputError(f"not a valid URL: {url!r} ({error})") from error
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise InputError(f"not an http(s) URL: {url!r}")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise InputError(f"URL has no host: {url!r}")
    if any(char.isspace() or char in '\\<>"{}|^`' for char in host):
        raise InputError(f"URL host is not valid: {url!r}")
    return scheme, host, port, parts.path, parts.query


def _netloc(scheme: str, host: str, port: int | None) -> str:
    shown = f"[{host}]" if ":" in host else host
    if port is None or port == _DEFAULT_PORTS[scheme]:
        return shown
    return f"{shown}:{port}"


def _strip_tracking(query: str) -> str:
    kept = [pair for pair in query.split("&") if pair and not is_tracking_param(pair.split("=")[0])]
    return "&".join(kept)


def canonicalize_url(url: str) -> str:
    """The canonical form of an http(s) URL.

    Lower-cases scheme and host, drops user info, default ports, the fragment and tracking
    parameters (:data:`TRACKING_PARAMS`, :data:`TRACKING_PREFIXES`), keeps the other
    parameters byte for byte in their original order and turns an empty path into "/".
    Raises :class:`~newsdiffs.errors.InputError` for non-http(s) or host-less URLs.
    """
    scheme, host, port, path, query = _split(url)
    return urlunsplit(
        (scheme, _netloc(scheme, host, port), path or "/", _strip_tracking(query), "")
    )


def host_of(url: str) -> str:
    """The lower-cased host of an http(s) URL, without port or trailing dot."""
    return _split(url)[1]


def registrable_domain(host: str) -> str:
    """Approximate registrable domain: the last two labels, or three under co/com/org/... + ccTLD.

    ``www.bbc.co.uk`` -> ``bbc.co.uk``, ``edition.cnn.com`` -> ``cnn.com``. IP addresses and
    single-label hosts are returned unchanged.
    """
    host = host.lower().rstrip(".")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        labels = host.split(".")
    else:
        return host
    keep = 2
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL_LABELS:
        keep = 3
    return ".".join(labels[-keep:])


def same_site(a: str, b: str) -> bool:
    """Whether two http(s) URLs belong to the same registrable domain."""
    return registrable_domain(host_of(a)) == registrable_domain(host_of(b))


def _is_home_page(url: str) -> bool:
    _, _, _, path, query = _split(url)
    return path in ("", "/") and not _strip_tracking(query)


def choose_article_url(requested: str, final: str, page_canonical: str | None) -> str:
    """The identity URL of the article reached by fetching ``requested`` and landing on ``final``.

    The page's rel=canonical / og:url wins when it is an absolute http(s) URL on the same
    site as ``final`` and does not point at the site's home page from an article (a common
    template bug); otherwise ``final`` (or ``requested`` when ``final`` is empty) is used.
    The result is canonicalised.
    """
    landed = canonicalize_url(final if final.strip() else requested)
    if page_canonical:
        try:
            candidate = canonicalize_url(page_canonical)
        except InputError:
            return landed
        points_home = _is_home_page(candidate) and not _is_home_page(landed)
        if same_site(candidate, landed) and not points_home:
            return candidate
    return landed


def _desktop_hosts(host: str) -> list[str]:
    """``host`` plus its bare and www. forms, with one mobile prefix (m., mobile., amp.) removed."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return [host]
    bare = host
    for prefix in _MOBILE_HOST_PREFIXES:
        rest = host.removeprefix(prefix)
        if rest != host and "." in rest:
            bare = rest
            break
    if "." not in bare:
        return [host]
    return list(dict.fromkeys([host, bare, f"www.{bare}"]))


def _desktop_paths(path: str) -> list[str]:
    paths = [path or "/"]
    for suffix in _AMP_PATH_SUFFIXES:
        if path.endswith(suffix) and len(path) > len(suffix):
            paths.append(path.removesuffix(suffix))
    return paths


def lookup_variants(url: str) -> list[str]:
    """Canonical URLs under which an article pasted as ``url`` may be stored, canonical first.

    Tries both schemes, the host with and without "www.", the desktop host of a mobile host
    ("m.", "mobile.", "amp." prefixes) and the path without an "/amp" suffix. Nothing else is
    guessed. Tracking parameters are always stripped. A link pasted without its scheme
    ("www.bbc.co.uk/news/1") is read as https.
    """
    url = url.strip()
    if _SCHEMELESS.match(url):
        url = "https://" + url.removeprefix("//")
    canonical = canonicalize_url(url)
    scheme, host, port, path, query = _split(canonical)
    other_scheme = "http" if scheme == "https" else "https"
    variants = [canonical]
    for try_scheme in (scheme, other_scheme):
        # A non-default port only makes sense with the scheme it was given for.
        try_port = port if try_scheme == scheme else None
        for try_host in _desktop_hosts(host):
            for try_path in _desktop_paths(path):
                netloc = _netloc(try_scheme, try_host, try_port)
                variants.append(urlunsplit((try_scheme, netloc, try_path, query, "")))
    return list(dict.fromkeys(variants))
