"""Recruiter commands typed in chat (Telegram, Slack): parsing and rules, platform-neutral.

May import `bot.runtime`, `conversations`, `storage`, `config`; never a platform adapter.
"""
