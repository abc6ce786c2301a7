"""The web reviewer board at `/review`: the reviewer port in a browser (issue 13, part B).

`channel.py` is the board as a review place (`web:board`): a pull channel, so posting only
records a reference and the pages render from storage. `routes.py` serves the pages, the
recordings and the forms; `render.py` the HTML; `assets.py` the one stylesheet and script.
"""
