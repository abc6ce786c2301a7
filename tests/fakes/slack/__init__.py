"""Fake Slack (Web API server) and a driver that sends signed Slack requests to the bot."""

from tests.fakes.slack.driver import DriverResponse, SlackDriver, sign
from tests.fakes.slack.server import Call, FakeFile, FakeSlack, SlackApiFailure

__all__ = [
    "Call",
    "DriverResponse",
    "FakeFile",
    "FakeSlack",
    "SlackApiFailure",
    "SlackDriver",
    "sign",
]
