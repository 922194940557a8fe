"""Datasette hook implementations: the site's routes, registered by `extractor.serve.make_app`.

Page routes and data routes are kept apart (pages / api); the review routes exist only when the
site was started with `xhht serve --review` (plugin config {"review": true}).
"""

from __future__ import annotations

from datasette import hookimpl

from extractor import i18n
from extractor.web import api, pages, review_pages

NAME = "xhht"


@hookimpl
def prepare_jinja2_environment(env):
    """Templates translate with `_()` (gettext, in the language of the run: see extractor.i18n) and
    show codes and numbers through the same helpers as the command line."""
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)
    env.globals.update(number=i18n.number, report_type_name=i18n.report_type_name, kind_name=i18n.kind_name,
                       category_name=i18n.category_name, status_name=i18n.status_name, reason=i18n.reason,
                       location=i18n.location, field_name=i18n.column_name)


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
