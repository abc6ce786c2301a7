"""The web candidate channel: a page at `/i/<token>` on the service's own aiohttp server.

The page shows what the engine sent (kept through the `PageStore` port, so a reload or
another process shows the same), turns clicks, typed answers and recordings into the same
neutral events as every chat platform, and asks nothing of a front-end build: HTML from
`pages.py`, a little plain JavaScript in `static/`. `board/` (the reviewer board) is separate.
"""
