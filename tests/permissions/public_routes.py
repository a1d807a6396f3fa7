"""The routes anyone may use without signing in, each with the reason it is public.

The route walk (test_route_coverage.py) needs every other route to have a permission case.
A public route still decides what it shows: published records only, summaries without
contacts (``listing.see_detail``), which the domains' own tests check.
"""

from __future__ import annotations

import re

_LISTINGS = r"(achievements|demands|challenges)"
_CONTENT = r"(news|policies|notices|calls|stories)"

#: (methods, path pattern, why anyone may use it)
PUBLIC: list[tuple[str, str, str]] = [
    ("GET", r"/api/v1/(health|docs|docs/assets/\{name\}|openapi\.json)", "operations, API docs"),
    ("GET", r"/(|favicon\.ico|about|help|privacy)", "the home page and the site's own pages"),
    ("GET POST", r"/(login|register|password/forgot|password/reset)", "signing in, signing up"),
    ("POST", r"/logout", "signing out ends whatever session the browser has"),
    ("POST", r"/api/v1/auth/(register|tokens|password/forgot|password/reset)", "signing in"),
    ("GET", r"(/api/v1)?/search(/suggest)?", "search over published records"),
    ("GET", r"/api/v1/taxonomy/.*", "reference lists: regions, fields, organisation types"),
    ("GET", r"(/api/v1)?/orgs(/\{org_id\})?", "the directory of organisations"),
    ("GET", rf"(/api/v1)?/{_LISTINGS}(/\{{listing_id(:int)?\}})?", "published listings"),
    ("GET", rf"/{_LISTINGS}/(export|import-template)\.(csv|xlsx|jsonl)", "open data, templates"),
    ("GET", r"/api/v1/listings/\{listing_id\}/questions", "a listing's public Q&A"),
    ("GET", rf"/api/v1/{_LISTINGS}/\{{listing_id\}}/matches", "matches among published records"),
    ("GET", r"/api/v1/resources/\{resource_id\}/bookings", "an instrument's booked hours"),
    ("GET", r"(/api/v1)?/experts(/\{user_id\})?", "the published expert directory"),
    ("GET", r"(/api/v1)?/contracts/(verify|codes)", "anyone checks a registration number"),
    ("GET POST", r"(/api/v1)?/incentives/(rules|quote)", "the reward rules and calculator"),
    ("GET", r"(/api/v1)?/services(/items(/\{code\})?|/rd-rates)?", "the service hall's guide"),
    ("GET", r"(/api/v1)?/events(/\{event_id\})?", "published events"),
    ("GET", r"/api/v1/content(/\{item_id\}|/clauses/\{number\})?", "published 信息发布"),
    ("GET", rf"/{_CONTENT}(/\{{item_id\}})?|/policies/clauses/\{{number\}}", "published 信息发布"),
    ("GET", r"/content/\{item_id\}/files/\{attachment_id\}", "files of published items"),
    ("GET", r"/feeds/\{name\}|/sitemap\.xml", "feeds and the sitemap of published items"),
    ("GET", r"(/api/v1)?/patents(/literature)?(/\{(patent|literature)_id\})?", "patent records"),
    ("GET", r"(/api/v1)?/projects(/calls(/\{call_id\}(/publicity)?)?)?", "published calls"),
    ("GET", r"(/api/v1)?/resources(/\{resource_id\})?", "the published resource directory"),
    ("GET", r"(/api/v1)?/statistics(/\{key\}|/export/\{key\}\.\{fmt\})?", "public statistics"),
    ("GET", r"/open-data(/resources\.csv|/listings\.\{fmt\})?", "open data"),
]


def public_reason(method: str, path: str) -> str | None:
    """Why ``method path`` (a route's path template) is public, or None when it is not."""
    for methods, pattern, reason in PUBLIC:
        if method in methods.split() and re.fullmatch(pattern, path):
            return reason
    return None
