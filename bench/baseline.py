"""The benchmark's baseline (docs/benchmarks.md): the bot's job done with exchangelib 5.6.0 the way
its documentation shows, on the same mailbox, with the same decisions.

    python bench/baseline.py URL --mailbox room@contoso.com --password secret --output decisions.json
        [--page-size 250] [--chunk-size 100] [--max-connections 4]

It finds the meeting messages of the inbox (exchangelib's paging), fetches them in bulk
(`account.fetch` with `chunk_size`), decides each by RULES, a plain mirror of bench/rules.yml,
checks every request that reaches the conflict rule against the calendar with one
`calendar.view` each, answers with `accept()`, `tentatively_accept()` or `decline()`, confirms the
responses on the mailbox's own calendar items (fetched in bulk), and removes cancelled meetings
and processed messages with `account.bulk_delete`. exchangelib has no RemoveItem; deleting the
cancelled calendar item and the cancellation leaves the mailbox as RemoveItem does.

It writes one decision per message (`kind`, `subject`, `from`, `rule`, `action`, `result`), keyed
as the bot's report can be keyed, so that bench.py can compare the two. It refuses every
connection except to the given 127.0.0.1 endpoint.
"""

import argparse
import datetime
import json
import re
import socket
import sys
import zoneinfo
from urllib.parse import urlsplit

from exchangelib import BASIC, DELEGATE, Account, Configuration, Credentials
from exchangelib.items import (
    MOVE_TO_DELETED_ITEMS,
    SAVE_ONLY,
    SEND_AND_SAVE_COPY,
    MeetingCancellation,
    MeetingRequest,
    MeetingResponse,
)

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
INTERNAL_DOMAINS = ("contoso.com",)
WORKING_DAYS = {0, 1, 2, 3, 4}  # Monday to Friday, as datetime.weekday() counts
WORK_FROM, WORK_TO = 8 * 60, 18 * 60  # minutes of the day on the Berlin wall clock
LISTS = {
    "blocked": {"organizer20@contoso.com"},
    "vip": {"organizer1@contoso.com", "organizer2@contoso.com"},
    "restricted": {"organizer3@contoso.com", "organizer4@contoso.com"},
}
HOUR = datetime.timedelta(hours=1)
MINUTE = datetime.timedelta(minutes=1)
RESPONSE_TYPES = {"Pos": "Accept", "Tent": "Tentative", "Ten": "Tentative", "Neg": "Decline"}


def internal(address):
    """An address in an internal domain or one of its subdomains (the rules' `internal`)."""
    domain = address.rpartition("@")[2]
    return any(domain == d or domain.endswith("." + d) for d in INTERNAL_DOMAINS)


class Request:
    """What the request rules look at; `conflicts` asks the calendar only when a rule needs it."""

    def __init__(self, item, conflicts):
        self.organizer = (item.organizer.email_address or "").lower() if item.organizer else ""
        self.subject = item.subject or ""
        self.recurring = item.recurrence is not None
        self.start, self.end = item.start, item.end
        self.local_start, self.local_end = item.start.astimezone(BERLIN), item.end.astimezone(BERLIN)
        self.duration = item.end - item.start
        self._conflicts = conflicts
        self._conflict_answer = None

    @property
    def conflicts(self):
        if self._conflict_answer is None:
            self._conflict_answer = self._conflicts(self.start, self.end)
        return self._conflict_answer

    def weekday_in(self, days):
        return self.local_start.weekday() in days

    def within_working_hours(self):
        # As MeetingRules' WithinWorkingHours: one working day, from ≤ start, end ≤ to (midnight is 24:00).
        start, end = self.local_start, self.local_end
        end_minute = end.hour * 60 + end.minute
        if end.date() == start.date() + datetime.timedelta(days=1) and end_minute == 0:
            end_minute = 24 * 60
        elif end.date() != start.date():
            return False
        start_minute = start.hour * 60 + start.minute
        return start.weekday() in WORKING_DAYS and start_minute >= WORK_FROM and end_minute <= WORK_TO


# The rules of bench/rules.yml, in its order: (name, condition, action, comment, send_reply).
# Weekdays count from Monday = 0; durations compare strictly, as duration_over and duration_under do.
REQUEST_RULES = [
    ("blocked", lambda r: r.organizer in LISTS["blocked"], "decline", "Not accepted.", True),
    ("restricted-series", lambda r: r.organizer in LISTS["restricted"] and r.recurring, "decline",
     "No series from this organizer.", True),
    ("series", lambda r: r.recurring, "tentative", "A person will look at this series.", True),
    ("vip", lambda r: r.organizer in LISTS["vip"], "accept", None, True),
    ("too-long", lambda r: r.duration > 4 * HOUR, "decline", "At most 4 hours.", True),
    ("too-short", lambda r: r.duration < 20 * MINUTE, "decline", "At least 20 minutes.", True),
    ("weekend", lambda r: r.weekday_in({5, 6}), "decline", "Closed at weekends.", True),
    ("out-of-hours", lambda r: not r.within_working_hours(), "decline", "Outside opening hours.", True),
    ("busy", lambda r: r.conflicts, "decline", "The room is booked.", True),
    ("long-friday", lambda r: r.weekday_in({4}) and r.duration > 2 * HOUR, "tentative", None, True),
    ("long", lambda r: r.duration > 3 * HOUR, "tentative", "Long bookings are confirmed by a person.", True),
    ("sevens", lambda r: re.search("7$", r.subject, re.IGNORECASE) is not None, "tentative", None, True),
    ("quiet-team", lambda r: r.organizer in {"organizer5@contoso.com", "organizer6@contoso.com"}, "accept",
     None, False),
    ("internal", lambda r: internal(r.organizer), "accept", None, True),
    ("everything-else", lambda r: True, "tentative", None, True),
]
RESPONSE_RULES = [
    ("blocked-sender", lambda sender, item: sender in LISTS["blocked"], "delete"),
    ("proposals", lambda sender, item: item.proposed_start is not None or item.proposed_end is not None, "keep"),
    ("internal-sender", lambda sender, item: internal(sender), "apply"),
]
CANCELLATION_RULES = [
    ("blocked-organizer", lambda organizer: organizer in LISTS["blocked"], "keep"),
    ("remove", lambda organizer: True, "remove"),
]
DEFAULTS = {"request": "skip", "response": "keep", "cancellation": "keep"}


def first_match(rules, *facts):
    for rule in rules:
        if rule[1](*facts):
            return rule
    return None


class Baseline:
    def __init__(self, args):
        self.args = args
        credentials = Credentials(args.mailbox, args.password)
        config = Configuration(
            service_endpoint=args.url, credentials=credentials, auth_type=BASIC,
            max_connections=args.max_connections)
        self.account = Account(
            primary_smtp_address=args.mailbox, config=config, autodiscover=False, access_type=DELEGATE)
        self.decisions = []
        self.to_delete = []  # (id, changekey) of messages and cancelled calendar items, deleted in bulk at the end
        self.responses = []  # (decision, item) of responses to confirm on the mailbox's calendar

    def run(self):
        inbox = self.account.inbox
        query = inbox.filter(item_class__startswith="IPM.Schedule.Meeting.").order_by("datetime_received")
        query.page_size = self.args.page_size
        ids = list(query.values_list("id", "changekey"))
        for item in self.account.fetch(ids, chunk_size=self.args.chunk_size):
            if isinstance(item, MeetingRequest):
                self.request(item)
            elif isinstance(item, MeetingResponse):
                self.response(item)
            elif isinstance(item, MeetingCancellation):
                self.cancellation(item)
        self.confirm_responses()
        if self.to_delete:
            self.account.bulk_delete(
                self.to_delete, delete_type=MOVE_TO_DELETED_ITEMS, chunk_size=self.args.chunk_size)
        return self.decisions

    def decision(self, item, kind, sender, rule, action, result):
        entry = {"kind": kind, "subject": item.subject or "", "from": sender, "rule": rule,
                 "action": action, "result": result}
        self.decisions.append(entry)
        return entry

    @staticmethod
    def sender(item):
        mailbox = item.author or item.sender
        return (mailbox.email_address or "").lower() if mailbox else ""

    def busy(self, start, end):
        """What the bot counts as busy: Busy, OOF or no status, not cancelled, not an unanswered placeholder."""
        view = self.account.calendar.view(start=start, end=end).only(
            "start", "end", "legacy_free_busy_status", "my_response_type", "is_cancelled")
        for entry in view:
            if not (entry.start < end and entry.end > start):
                continue
            if entry.is_cancelled or entry.my_response_type == "NoResponseReceived":
                continue
            if entry.legacy_free_busy_status in ("Busy", "OOF", None):
                return True
        return False

    def request(self, item):
        sender = self.sender(item)
        if item.is_out_of_date:
            # A newer update or the cancellation replaced it: removed, never answered.
            self.decision(item, "request", sender, None, "delete", "superseded")
            self.to_delete.append((item.id, item.changekey))
            return
        facts = Request(item, self.busy)
        rule = first_match(REQUEST_RULES, facts)
        name, action, comment, send_reply = (rule[0], rule[2], rule[3], rule[4]) if rule else (
            "default", DEFAULTS["request"], None, True)
        if action == "skip":
            self.decision(item, "request", sender, name, action, "kept")
            return
        sends = send_reply and item.is_response_requested is not False
        answer = {"accept": item.accept, "tentative": item.tentatively_accept, "decline": item.decline}[action]
        options = {"body": comment} if sends and comment else {}
        if sends:
            answer(message_disposition=SEND_AND_SAVE_COPY, **options)
        else:
            # exchangelib saves an unsent answer only into a folder it is given; Exchange's default is Drafts.
            answer(message_disposition=SAVE_ONLY, folder=self.account.drafts)
        self.decision(item, "request", sender, name, action, "replied" if sends else "recorded")

    def response(self, item):
        sender = self.sender(item)
        rule = first_match(RESPONSE_RULES, sender, item)
        name, action = (rule[0], rule[2]) if rule else ("default", DEFAULTS["response"])
        entry = self.decision(item, "response", sender, name, action, "kept")
        if action == "delete":
            entry["result"] = "deleted"
            self.to_delete.append((item.id, item.changekey))
        elif action == "apply":
            self.responses.append((entry, item))

    def confirm_responses(self):
        """The mailbox's own calendar items of the responses to apply, in one bulk fetch: a response is
        applied (and deleted) when its attendee's answer is recorded there no earlier than it was sent."""
        with_item = [(e, i) for e, i in self.responses if i.associated_calendar_item_id is not None]
        for entry, item in self.responses:
            if item.associated_calendar_item_id is None:
                entry["result"] = "orphaned"
                self.to_delete.append((item.id, item.changekey))
        ids = [(i.associated_calendar_item_id.id, i.associated_calendar_item_id.changekey) for _, i in with_item]
        meetings = self.account.fetch(
            ids, only_fields=["required_attendees", "optional_attendees", "resources"],
            chunk_size=self.args.chunk_size)
        for (entry, item), meeting in zip(with_item, meetings):
            if isinstance(meeting, Exception):
                entry["result"] = "orphaned"
                self.to_delete.append((item.id, item.changekey))
                continue
            expected = RESPONSE_TYPES.get((item.item_class or "").rpartition(".")[2])
            attendees = (meeting.required_attendees or []) + (meeting.optional_attendees or []) + (
                meeting.resources or [])
            found = next((a for a in attendees if (a.mailbox.email_address or "").lower() == entry["from"]), None)
            sent = item.datetime_sent
            shown = found is not None and found.response_type == expected and (
                sent is None or (found.last_response_time is not None
                                 and found.last_response_time >= sent - datetime.timedelta(seconds=1)))
            if shown:
                entry["result"] = "applied"
                self.to_delete.append((item.id, item.changekey))
            else:
                entry["result"] = "pending"

    def cancellation(self, item):
        sender = self.sender(item)
        rule = first_match(CANCELLATION_RULES, sender)
        name, action = (rule[0], rule[2]) if rule else ("default", DEFAULTS["cancellation"])
        self.decision(item, "cancellation", sender, name, action, "removed" if action == "remove" else "kept")
        if action == "remove":
            if item.associated_calendar_item_id is not None:
                calendar_item = item.associated_calendar_item_id
                self.to_delete.append((calendar_item.id, calendar_item.changekey))
            self.to_delete.append((item.id, item.changekey))


def guard_network(url):
    """Every connection but to the sandbox's loopback endpoint is refused."""
    parts = urlsplit(url)
    allowed = (parts.hostname, parts.port)
    if parts.hostname != "127.0.0.1":
        sys.exit("bench/baseline.py: the URL must be on 127.0.0.1")
    original = socket.socket.connect

    def connect(self, address):
        if not (isinstance(address, tuple) and (address[0], address[1]) == allowed):
            raise ConnectionRefusedError(f"the baseline connects only to {allowed}, not {address}")
        return original(self, address)

    socket.socket.connect = connect


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url")
    parser.add_argument("--mailbox", default="room@contoso.com")
    parser.add_argument("--password", default="secret")
    parser.add_argument("--output", required=True)
    parser.add_argument("--page-size", type=int, default=250)
    parser.add_argument("--chunk-size", type=int, default=100)
    parser.add_argument("--max-connections", type=int, default=4)
    args = parser.parse_args()
    guard_network(args.url)
    decisions = Baseline(args).run()
    with open(args.output, "w", encoding="utf-8") as out:
        json.dump({"decisions": decisions}, out, indent=1)


if __name__ == "__main__":
    main()
