"""Reviewers' side: the review post, blind scoring, decisions, and who may do what.

Talks to reviewers only through the reviewer port; may import `bot.runtime`,
`conversations`, `storage`, `config`; never a platform adapter.
"""
