"""Datasette hook implementations: the site's routes, registered by `extractor.serve.make_app`.

Page routes and data routes are kept apart (pages / api); the review routes exist only when the
site was started with `xhht serve --review` (plugin config {"review": true}).
"""

from __future__ import annotations

from datasette import hookimpl

from extractor.web import api, pages, review_pages

NAME = "xhht"


@hookimpl
def register_routes(datasette):
    routes = [
        (r"^/$", pages.home),
        (r"^/-/compare$", pages.compare_page),
        (r"^/-/compare\.(?P<format>json|csv|xlsx)$", api.compare_data),
        (r"^/-/unit/(?P<id>\d+)$", pages.unit_page),
        (r"^/-/document/(?P<id>\d+)$", pages.document_page),
        (r"^/-/document/(?P<id>\d+)/file$", pages.original_file),
        (r"^/-/search$", pages.search_page),
        (r"^/-/review-item/(?P<id>\d+)/crop\.png$", api.crop_png),
    ]
    if pages.review_enabled(datasette):
        routes += [
            (r"^/-/review$", review_pages.queue_page),
            (r"^/-/review/(?P<id>\d+)$", review_pages.item_page),
            (r"^/-/review/(?P<id>\d+)/(?P<action>accept|set|reject|pick)$", review_pages.act),
        ]
    return routes
