"""The researcher's and the archivist's web view: a Datasette plugin shipped in the package.

`plugin` holds the hook implementations; `pages` the read-only HTML pages; `review_pages` the
review queue's pages and form actions (only with `xhht serve --review`); `api` the JSON, CSV
and Excel routes; `chart` the server-rendered SVG chart. Templates and static files sit beside
them, so an installed wheel serves the same site as a checkout.
"""
