"""What recruiters can type: the usage text every unknown or malformed command answers with.
`prefix` is how the platform spells a command (`/` in Telegram, `/interview ` in Slack)."""

from __future__ import annotations

SLACK_PREFIX, TELEGRAM_PREFIX = "/interview ", "/"


def usage(prefix: str) -> str:
    return (
        "Recruiter commands:\n"
        f"• {prefix}new [campaign]: send a kit file (YAML) with this as its caption to create "
        "a campaign (a draft); without a file you get a starter kit to edit\n"
        f"• {prefix}edit <campaign>: the same with a changed kit: a new version for new "
        "candidates\n"
        f"• {prefix}launch / {prefix}pause / {prefix}close <campaign>: start it; stop new "
        "starts; end it now (candidates still answering are told)\n"
        f"• {prefix}clone <campaign> <new-campaign>: a new draft with the same kit\n"
        f"• {prefix}campaigns: the campaigns and how far their candidates are\n"
        f"• {prefix}invite <campaign> <name>, <name>, …: one personal invite link per "
        "candidate, to send them yourself; or send a CSV file (columns name, optional channel "
        f"and contact) with the caption {prefix}invite <campaign> to get a CSV of links back\n"
        f"• {prefix}export <campaign> [csv|jsonl]: a file of candidates, answers, transcripts, "
        "scores and decisions\n"
        f"• {prefix}erase <interview id>: erase a candidate's answers now, e.g. when they ask "
        "(the id is at the bottom of their review post)\n"
        f"• {prefix}status <campaign>: the funnel, question by question, review progress and "
        "how far reviewers agree, with a chart\n"
        f"• {prefix}shortlist <campaign> [N]: the N best-scored submissions (10 by default)\n"
        f"• {prefix}remind <campaign or interview id>: a reminder now to everyone still "
        "answering (or one candidate), outside their quiet hours\n"
        f"• {prefix}extend <interview id> <time, e.g. 2d> <reason>: more time for one "
        "candidate; they are told, your reason is logged\n"
        f"• {prefix}accommodate <interview id> [prep=1m] [answer=2m] [retakes=1] <reason>: "
        "extra time or retakes on every question for one candidate\n"
        "Campaigns can also be created on the server: interview-bot campaign create KIT.yaml"
    )
