"""What `/healthz` says beyond the counts: degraded channels and dead letters.

`status` is "degraded" while any channel reports why it cannot receive (for example
another process polling with the same Telegram token); dead letters are counted, not a
reason to be degraded (each one was answered and kept with its reason). `polling` says, per
channel that long-polls, whether this replica is the one polling ("leader") or stands by.
"""

from __future__ import annotations

from collections.abc import Mapping

from adapters.base import Channel, ReportsHealth, ReportsPolling
from bot.runtime.dead_letters import DeadLetters


async def health_report(
    channels: Mapping[str, Channel], dead_letters: DeadLetters
) -> dict[str, object]:
    reasons = {
        name: reason
        for name, channel in sorted(channels.items())
        if isinstance(channel, ReportsHealth) and (reason := channel.degraded()) is not None
    }
    report: dict[str, object] = {
        "status": "degraded" if reasons else "ok",
        "dead_letters": await dead_letters.counts(),
    }
    if reasons:
        report["degraded"] = reasons
    roles = {name: role for name, channel in sorted(channels.items())
             if isinstance(channel, ReportsPolling) and (role := channel.polling_role())}
    if roles:
        report["polling"] = roles
    return report
