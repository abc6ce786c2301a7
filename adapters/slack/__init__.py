"""Slack: the reviewer side (Bolt app, Block Kit rendering, Web API calls)."""
