"""Datasette hook implementations: the site's routes and its guard, registered by
`extractor.serve.make_app`.

Page routes and data routes are kept apart (pages / api); the review routes act only when the
site was started with `xhht serve --review` (plugin config {"review": true}). Every request first
passes the guard (extractor.web.guard): the right Host, and writes from this site only.
"""

from __future__ import annotations

import datasette.handle_exception
from datasette import hookimpl

from extractor import i18n
from extractor.web import api, guard, pages, review_pages

NAME = "xhht"

# Datasette's default error page prints the traceback with rich whenever rich is importable (it is a
# dependency of this package), also for a 404 that no exception raised (a path no route matches):
# rich then raises "Value for 'trace' required" (in every rich release) and the 404 becomes a
# crash. Its plain traceback.print_exc() for real errors stays.
datasette.handle_exception.rich = None


@hookimpl
def asgi_wrapper(datasette):
    config = datasette.plugin_config(NAME) or {}
    return lambda app: guard.wrap(app, guard.Guard.serving(config.get("host"), config.get("port")))


@hookimpl
def prepare_jinja2_environment(env):
    """Templates translate with `_()` (gettext, in the language of the run: see extractor.i18n) and
    show codes and numbers through the same helpers as the command line."""
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)
    env.globals.update(number=i18n.number, report_type_name=i18n.report_type_name, kind_name=i18n.kind_name,
                       category_name=i18n.category_name, status_name=i18n.status_name, reason=i18n.reason,
                       location=i18n.location, field_name=i18n.column_name, method_name=i18n.method_name,
                       reader_method_name=i18n.reader_method_name)


@hookimpl
def register_routes(datasette):
    routes = [
        (r"^/$", pages.home),
        (r"^/-/compare$", pages.compare_page),
        (r"^/-/compare\.(?P<format>json|csv|xlsx)$", api.compare_data),
        (r"^/-/unit/(?P<id>\d+)$", pages.unit_page),
        (r"^/-/units$", pages.units_page),
        (r"^/-/document/(?P<id>\d+)$", pages.document_page),
        (r"^/-/document/(?P<id>\d+)/file$", pages.original_file),
        (r"^/-/search$", pages.search_page),
        (r"^/-/review-item/(?P<id>\d+)/crop\.png$", api.crop_png),
    ]
    if pages.review_enabled(datasette):
        routes += [
            (r"^/-/review$", review_pages.queue_page),
            (r"^/-/review/(?P<id>\d+)$", review_pages.item_page),
            (r"^/-/review/(?P<id>\d+)/(?P<action>accept|set|reject|pick|pair)$", review_pages.act),
        ]
    else:
        routes.append((r"^/-/review(?:/.*)?$", review_pages.read_only))
    return routes
