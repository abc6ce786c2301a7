"""`interview-bot` commands, the web server, and the composition root (`app.py`, with the
platform registrations): the only room that imports platform adapters.
"""
