"""exchangelib contract test: an independent EWS client drives the meeting life
cycle against the sandbox (PRODUCT.md section 8, issue 2).

    python lifecycle.py http://127.0.0.1:PORT/EWS/Exchange.asmx [--domain contoso.com] [--password secret]

The sandbox must hold the mailboxes organizer, room, ann, bob and pager at the
domain, all with the password; the Swift test ContractTests starts it so. The
script uses exchangelib the way its documentation shows, asserts each step,
prints one line per step passed and exits 1 with the failing step's message.
It refuses every connection except to the given 127.0.0.1 endpoint.
"""

import argparse
import datetime
import logging
import socket
import sys
import traceback
from urllib.parse import urlsplit

from exchangelib import (
    BASIC,
    DELEGATE,
    UTC,
    Account,
    Build,
    CalendarItem,
    Configuration,
    Credentials,
    EWSDateTime,
    EWSTimeZone,
    Message,
)
from exchangelib.errors import ErrorCalendarMeetingRequestIsOutOfDate, UnauthorizedError
from exchangelib.items import SEND_TO_ALL_AND_SAVE_COPY, MeetingCancellation, MeetingRequest, MeetingResponse
from exchangelib.recurrence import NumberedPattern, Recurrence, WeeklyPattern

REQUEST = "IPM.Schedule.Meeting.Request"
CANCELLATION = "IPM.Schedule.Meeting.Canceled"
RESPONSE_PREFIX = "IPM.Schedule.Meeting.Resp."
PAGING_MESSAGES = 600
WEEKLY = "Contract weekly"
BERLIN = EWSTimeZone("Europe/Berlin")
STEPS = ("connect", "invite", "answer", "move", "cancel", "recurring", "paging")


class ContractFailure(Exception):
    """A step's expectation did not hold."""


def check(condition, message):
    if not condition:
        raise ContractFailure(message)


def passed(step):
    print(f"ok   {step}", flush=True)


class NetworkGuard:
    """Lets sockets reach only the sandbox: every other host or port is refused
    before a packet leaves, so the test can never touch a real server."""

    def __init__(self, host, port):
        self.allowed = (host, port)
        self._connect = socket.socket.connect
        self._getaddrinfo = socket.getaddrinfo

    def install(self):
        guard = self

        def connect(sock, address):
            if sock.family in (socket.AF_INET, socket.AF_INET6) and tuple(address[:2]) != guard.allowed:
                raise ContractFailure(f"refused a connection to {address[0]}:{address[1]}: only {guard.allowed} is allowed")
            return guard._connect(sock, address)

        def getaddrinfo(host, port, *args, **kwargs):
            if host != guard.allowed[0]:
                raise ContractFailure(f"refused to resolve {host}: only {guard.allowed[0]} is allowed")
            return guard._getaddrinfo(host, port, *args, **kwargs)

        socket.socket.connect = connect
        socket.getaddrinfo = getaddrinfo


class WarningCollector(logging.Handler):
    """Collects exchangelib's warnings: it warns, rather than fails, on answers
    it finds odd (e.g. paging offsets that do not add up)."""

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(f"{record.name}: {record.getMessage()}")


class Contract:
    def __init__(self, url, domain, password):
        self.url = url
        self.domain = domain
        self.password = password
        self.accounts = {}

    def address(self, name):
        return f"{name}@{self.domain}"

    def account(self, name, auth_type=BASIC):
        """An account without autodiscover and without a version, so exchangelib
        probes the server version itself (README, "Setup and connecting")."""
        if name not in self.accounts:
            credentials = Credentials(username=self.address(name), password=self.password)
            config = Configuration(service_endpoint=self.url, credentials=credentials, auth_type=auth_type)
            self.accounts[name] = Account(
                primary_smtp_address=self.address(name),
                config=config,
                autodiscover=False,
                access_type=DELEGATE,
                default_timezone=UTC,
            )
        return self.accounts[name]

    # Steps

    def connect(self):
        # The organizer configures no auth type: exchangelib reads the 401's WWW-Authenticate header.
        # The sandbox runs as an EWS virtual directory with Basic only (ContractTests.swift says why).
        organizer = self.account("organizer", auth_type=None)
        check(organizer.protocol.auth_type == BASIC, f"auth type guessed from the 401: {organizer.protocol.auth_type}")
        version = organizer.version
        check(version.build >= Build(15, 0), f"probed server version {version}")
        check(organizer.root.name and organizer.inbox.name, "root and inbox folders")
        check(organizer.calendar.total_count == 0, f"the organizer's calendar starts empty: {organizer.calendar.total_count}")
        for name in ("room", "ann", "bob"):
            check(self.account(name).version.build == version.build, f"{name}: same server version")
        # A wrong password gets Exchange's 401, which exchangelib reports as invalid credentials.
        wrong = Configuration(service_endpoint=self.url, auth_type=BASIC,
                              credentials=Credentials(username=self.address("ann"), password=self.password + "-wrong"))
        try:
            Account(primary_smtp_address=self.address("ann"), config=wrong, autodiscover=False, access_type=DELEGATE).root
        except UnauthorizedError:
            pass
        else:
            raise ContractFailure("a wrong password was accepted")
        passed(f"connect without autodiscover: auth type {organizer.protocol.auth_type} from the 401, "
               f"version {version.api_version} build {version.build} probed, a wrong password refused")

    def invite(self):
        organizer = self.account("organizer")
        self.subject = "Contract planning"
        self.start = EWSDateTime(2030, 3, 4, 9, 0, tzinfo=UTC)
        self.end = EWSDateTime(2030, 3, 4, 10, 0, tzinfo=UTC)
        meeting = CalendarItem(
            account=organizer,
            folder=organizer.calendar,
            subject=self.subject,
            body="Agenda: the contract.",
            start=self.start,
            end=self.end,
            location="Room 1",
            required_attendees=[self.address("ann"), self.address("bob")],
            resources=[self.address("room")],
        )
        meeting.save(send_meeting_invitations=SEND_TO_ALL_AND_SAVE_COPY)
        check(meeting.id and meeting.changekey, "the new meeting has an id and a change key")
        self.meeting = meeting
        sent = list(organizer.sent.filter(item_class=REQUEST, subject=self.subject))
        check(len(sent) == 1, f"one copy of the request in the organizer's Sent Items, found {len(sent)}")
        passed("organizer creates a meeting with room, ann and bob and sends invitations")

    def requests(self, name, folder="inbox", subject=None):
        account = self.account(name)
        found = getattr(account, folder).filter(item_class=REQUEST, subject=subject or self.subject)
        return list(found.order_by("datetime_received"))

    def answer(self):
        answers = {"room": ("accept", "Accept"), "ann": ("tentatively_accept", "Tentative"),
                   "bob": ("decline", "Decline")}
        for name, (method, _) in answers.items():
            found = self.requests(name)
            check(len(found) == 1, f"{name} finds one meeting request by item class, found {len(found)}")
            request = found[0]
            check(isinstance(request, MeetingRequest), f"{name}: the request is a MeetingRequest: {type(request).__name__}")
            check(request.start == self.start and request.end == self.end, f"{name}: request times {request.start}-{request.end}")
            check(request.meeting_request_type == "NewMeetingRequest", f"{name}: {request.meeting_request_type}")
            check(not request.is_out_of_date, f"{name}: a new request is not out of date")
            getattr(request, method)(body=f"{name} answers")
            check(not self.requests(name), f"{name}: the answered request left the inbox")
            check(len(self.requests(name, "trash")) == 1, f"{name}: the answered request is in Deleted Items")
            copies = list(self.account(name).sent.filter(item_class__startswith=RESPONSE_PREFIX))
            check(len(copies) == 1, f"{name}: one copy of the answer in Sent Items, found {len(copies)}")
        entries = {name: list(self.account(name).calendar.filter(subject=self.subject)) for name in answers}
        shown = {name: [(e.my_response_type, e.legacy_free_busy_status) for e in entries[name]] for name in ("room", "ann")}
        check(shown == {"room": [("Accept", "Busy")], "ann": [("Tentative", "Tentative")]},
              f"the attendees' calendar entries show their answers: {shown}")
        check(entries["bob"] == [], f"bob declined, so his calendar has no entry: {entries['bob']}")
        for name in ("room", "ann"):
            answered = self.requests(name, "trash")[0].associated_calendar_item_id
            check(answered and answered.id == entries[name][0].id,
                  f"{name}: the answered request points at the re-created calendar item: {answered}")
        passed("room accepts, ann tentatively accepts, bob declines (requests found by item class)")

        organizer = self.account("organizer")
        responses = list(organizer.inbox.filter(item_class__startswith=RESPONSE_PREFIX))
        check(all(isinstance(r, MeetingResponse) for r in responses), f"responses are MeetingResponse items: {responses}")
        classes = sorted(r.item_class for r in responses)
        check(classes == [RESPONSE_PREFIX + "Neg", RESPONSE_PREFIX + "Pos", RESPONSE_PREFIX + "Tent"],
              f"the organizer's inbox holds the three responses: {classes}")
        self.meeting.refresh()
        recorded = self.responses(self.meeting)
        expected = {self.address(name): response for name, (_, response) in answers.items()}
        check(recorded == expected, f"the organizer's item records each response: {recorded}")
        passed(f"organizer's item shows each attendee's response: {recorded}")

    @staticmethod
    def responses(meeting):
        attendees = (meeting.required_attendees or []) + (meeting.optional_attendees or []) + (meeting.resources or [])
        return {a.mailbox.email_address: a.response_type for a in attendees}

    def move(self):
        organizer = self.account("organizer")
        self.meeting.refresh()
        self.start += datetime.timedelta(days=1)
        self.end += datetime.timedelta(days=1)
        self.meeting.start = self.start
        self.meeting.end = self.end
        self.meeting.save(update_fields=["start", "end"], send_meeting_invitations=SEND_TO_ALL_AND_SAVE_COPY)
        moved = organizer.calendar.get(id=self.meeting.id)
        check(moved.start == self.start, f"the organizer's item moved: {moved.start}")
        for name in ("room", "ann", "bob"):
            found = self.requests(name)
            check(len(found) == 1, f"{name}: one update in the inbox, found {len(found)}")
            update = found[0]
            check(update.meeting_request_type == "FullUpdate", f"{name}: update type {update.meeting_request_type}")
            check(update.start == self.start, f"{name}: the update carries the new start {update.start}")
            check(not update.is_out_of_date, f"{name}: the update is current")
            older = self.requests(name, "trash")
            check(len(older) == 1 and older[0].is_out_of_date,
                  f"{name}: the older request is out of date: {[r.is_out_of_date for r in older]}")
            entries = list(self.account(name).calendar.filter(subject=self.subject))
            check([e.start for e in entries] == [self.start], f"{name}: the calendar entry moved: {[e.start for e in entries]}")
        old = self.requests("ann", "trash")[0]
        try:
            old.accept()
        except ErrorCalendarMeetingRequestIsOutOfDate:
            pass
        else:
            raise ContractFailure("accepting the out-of-date request succeeded")
        passed("organizer moves the meeting: a full update for each attendee, older requests out of date")

        # Answers to the update: room through its calendar item, ann through the new request.
        room_entry = self.account("room").calendar.get(subject=self.subject)
        room_entry.accept(body="still fine")
        self.requests("ann")[0].accept()
        self.meeting.refresh()
        recorded = self.responses(self.meeting)
        check(recorded[self.address("room")] == "Accept" and recorded[self.address("ann")] == "Accept",
              f"answers to the update are recorded: {recorded}")
        passed(f"answers to the update (one by the calendar item) are recorded: {recorded}")

    def cancel(self):
        organizer = self.account("organizer")
        self.meeting.refresh()
        note = "Not needed after all."
        self.meeting.cancel(new_body=note)
        left = list(organizer.calendar.filter(subject=self.subject))
        check(left == [], f"the cancelled meeting left the organizer's calendar: {left}")
        copies = list(organizer.sent.filter(item_class=CANCELLATION))
        check(len(copies) == 1, f"one copy of the cancellation in the organizer's Sent Items, found {len(copies)}")
        for name in ("room", "ann", "bob"):
            found = list(self.account(name).inbox.filter(item_class=CANCELLATION))
            check(len(found) == 1 and isinstance(found[0], MeetingCancellation),
                  f"{name}: one MeetingCancellation in the inbox, found {found}")
            check(found[0].subject.endswith(self.subject), f"{name}: cancellation subject {found[0].subject!r}")
            check(note in (found[0].body or ""), f"{name}: the cancellation carries the organizer's note: {found[0].body!r}")
            entries = list(self.account(name).calendar.filter(subject__contains=self.subject))
            check(len(entries) == 1 and entries[0].is_cancelled,
                  f"{name}: the calendar entry is marked cancelled: {[(e.subject, e.is_cancelled) for e in entries]}")
        passed("organizer cancels: each attendee gets the cancellation, their entry is marked cancelled")

    def weekly_view(self, name):
        """The series' occurrences (cancelled ones too) in a calendar view around it."""
        window = self.account(name).calendar.view(start=EWSDateTime(2030, 3, 11, tzinfo=BERLIN),
                                                  end=EWSDateTime(2030, 4, 30, tzinfo=BERLIN))
        return [item for item in window if item.subject.endswith(WEEKLY)]

    def recurring(self):
        organizer = self.account("organizer")
        # Mondays 09:00 in Berlin, across the change to summer time on 31 March 2030.
        first = EWSDateTime(2030, 3, 18, 9, 0, tzinfo=BERLIN)
        series = CalendarItem(
            account=organizer,
            folder=organizer.calendar,
            subject=WEEKLY,
            start=first,
            end=first + datetime.timedelta(minutes=30),
            required_attendees=[self.address("ann")],
            recurrence=Recurrence(
                pattern=WeeklyPattern(interval=1, weekdays=["Monday"]),
                boundary=NumberedPattern(start=first.date(), number=5),
            ),
        )
        series.save(send_meeting_invitations=SEND_TO_ALL_AND_SAVE_COPY)
        # Aware arithmetic keeps the wall time: 09:00 CET, then 09:00 CEST from 1 April.
        expected = [first + datetime.timedelta(weeks=n) for n in range(5)]
        occurrences = self.weekly_view("organizer")
        starts = [item.start.astimezone(BERLIN) for item in occurrences]
        check(starts == expected, f"the view shows the five Monday 09:00 occurrences: {starts}")
        check(all(item.type == "Occurrence" for item in occurrences),
              f"each is an Occurrence: {[item.type for item in occurrences]}")
        master = organizer.calendar.get(id=series.id)
        check(master.type == "RecurringMaster", f"the stored item is the series' master: {master.type}")
        check(master.recurrence.boundary.number == 5, f"the master keeps the recurrence: {master.recurrence}")
        narrow = organizer.calendar.view(start=expected[1], end=expected[2])
        check([item.start for item in narrow] == [expected[1]], f"a one-week window holds one occurrence: {list(narrow)}")
        passed("a weekly series across the DST change appears occurrence by occurrence in calendar.view()")

        requests = self.requests("ann", subject=WEEKLY)
        check(len(requests) == 1 and requests[0].recurrence is not None,
              f"ann gets one request for the series: {[(r.subject, r.recurrence) for r in requests]}")
        requests[0].accept()
        starts = [item.start.astimezone(BERLIN) for item in self.weekly_view("ann")]
        check(starts == expected, f"ann's calendar view shows the accepted series: {starts}")

        # The organizer cancels one occurrence, then the whole series.
        self.weekly_view("organizer")[2].delete(send_meeting_cancellations=SEND_TO_ALL_AND_SAVE_COPY)
        left = [item.start.astimezone(BERLIN) for item in self.weekly_view("organizer")]
        check(left == expected[:2] + expected[3:], f"the organizer's series lost the occurrence: {left}")
        left = [item.start.astimezone(BERLIN) for item in self.weekly_view("ann")]
        check(left == expected[:2] + expected[3:], f"ann's series lost the cancelled occurrence: {left}")
        organizer.calendar.get(id=series.id).delete(send_meeting_cancellations=SEND_TO_ALL_AND_SAVE_COPY)
        check(self.weekly_view("organizer") == [], "the organizer's series is gone")
        cancellations = list(self.account("ann").inbox.filter(item_class=CANCELLATION, subject__contains=WEEKLY))
        check(len(cancellations) == 2, f"ann got two cancellations (one occurrence, the series): {len(cancellations)}")
        entries = self.weekly_view("ann")
        check(entries and all(item.is_cancelled for item in entries),
              f"ann's remaining occurrences are marked cancelled: {[(e.start, e.is_cancelled) for e in entries]}")
        passed("ann accepts the series; the organizer deletes an occurrence, then the series, with cancellations")

    def paging(self):
        pager = self.account("pager")
        messages = [Message(account=pager, folder=pager.inbox, subject=f"Paging {n:03d}", body="page me")
                    for n in range(PAGING_MESSAGES)]
        created = [r for r in pager.bulk_create(folder=pager.inbox, items=messages) if not isinstance(r, Exception)]
        check(len(created) == PAGING_MESSAGES, f"{len(created)} of {PAGING_MESSAGES} messages created")
        check(pager.inbox.all().count() == PAGING_MESSAGES, f"inbox count {pager.inbox.all().count()}")
        # Unrestricted, ordered, in pages of 70: nine pages.
        everything = pager.inbox.all().order_by("subject").only("subject")
        everything.page_size = 70
        subjects = [item.subject for item in everything]
        expected = [f"Paging {n:03d}" for n in range(PAGING_MESSAGES)]
        check(subjects == expected, f"paged through {len(subjects)} messages, in order: {subjects == expected}")
        # Restricted finds stop at 250 per page whatever the client asks for.
        restricted = pager.inbox.filter(subject__startswith="Paging").only("subject")
        restricted.page_size = 400
        found = [item.subject for item in restricted]
        check(sorted(found) == expected, f"restricted paging found {len(found)} distinct {len(set(found))}")
        passed(f"paging: {len(subjects)} messages in pages of 70 and {len(found)} with a restriction")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url", help="the sandbox's EWS endpoint, http://127.0.0.1:PORT/EWS/Exchange.asmx")
    parser.add_argument("--domain", default="contoso.com")
    parser.add_argument("--password", default="secret")
    parser.add_argument("--steps", default=",".join(STEPS),
                        help="comma-separated steps to run, in order (later steps need the earlier ones)")
    args = parser.parse_args()
    steps = args.steps.split(",")
    if unknown := [s for s in steps if s not in STEPS]:
        parser.error(f"unknown steps {unknown}; the steps are {', '.join(STEPS)}")

    endpoint = urlsplit(args.url)
    if endpoint.scheme != "http" or endpoint.hostname != "127.0.0.1" or not endpoint.port:
        print(f"FAILED: the endpoint must be http://127.0.0.1:PORT/..., got {args.url}", file=sys.stderr)
        return 2
    NetworkGuard(endpoint.hostname, endpoint.port).install()
    warnings = WarningCollector()
    logging.getLogger("exchangelib").addHandler(warnings)

    contract = Contract(args.url, args.domain, args.password)
    for step in steps:
        try:
            getattr(contract, step)()
        except ContractFailure as failure:
            print(f"FAILED {step}: {failure}", file=sys.stderr)
            return 1
        except Exception:
            print(f"FAILED {step}: exchangelib raised", file=sys.stderr)
            traceback.print_exc()
            return 1
    if warnings.messages:
        print("FAILED: exchangelib warned:\n  " + "\n  ".join(warnings.messages), file=sys.stderr)
        return 1
    print("contract passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
