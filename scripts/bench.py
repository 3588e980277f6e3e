"""`make bench` (docs/benchmarks.md): the bot against the sandbox's generated load, beside the
exchangelib baseline (bench/baseline.py) doing the same job on a fresh copy of the same load.

    .venv/bin/python scripts/bench.py --binary .build/release/meetingbot

For each load (waiting messages) and sandbox latency it starts the sandbox (127.0.0.1, a free port,
`--auth basic`, the fixture's seeded load, `--fault latency:value=MS`), runs the bot as a child and
measures it alone (os.wait4: user + system CPU time, peak resident memory; wall time), stops the
sandbox, starts it again from the same fixture and runs the baseline the same way; compares the
two sides' decisions message by message; repeats; prints one markdown table per load and latency
with the medians, and writes the tables to .build/bench/results.md. The runs' files (sandbox,
bot and baseline logs, reports, decisions) stay in .build/bench/run-* when something failed.

Environment: BENCH_LOADS (default 2000,50000), BENCH_LATENCIES (ms, default 0,20), BENCH_RUNS
(runs per load; default 3 up to 10,000 messages, 1 above), BENCH_BASELINE_50K=1 (run the baseline
on loads above 10,000 too; it takes very long), BENCH_BASELINE=0 (the bot alone), BENCH_QUICK=1 (100 messages, 0 ms, one run: the
CI check), BENCH_PAGE_SIZE, BENCH_BATCH_SIZE, BENCH_CONCURRENCY (the bot's settings; default 100,
20, 4), BENCH_OUTPUT (the results file). Exits 1 when the two sides decided any message
differently or a run failed.
"""

import argparse
import base64
import datetime
import json
import math
import os
import re
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAILBOX = "room@contoso.com"
PASSWORD = "secret"
SEED = 7
# A fixed first day (a Monday), so that weekdays and working hours, and so the decisions, are the
# same whatever day the benchmark runs.
LOAD_FROM = "2027-01-04T00:00:00Z"
BIG_LOAD = 10_000
# The load's meetings start within 45 days per 1,000 messages (90 days at 2,000), as in
# sandbox-benchmark: the room's calendar is as full at 50,000 waiting messages as at 2,000, rather
# than 555 meetings a day in one room, so a larger load is more of the same mailbox.
DAYS_PER_THOUSAND = 45
# The most entries one CalendarView returns, and one account may have in flight in FindItem answers
# at once (EWSFindCountLimit, PROTOCOL.md 3.2).
VIEW_ENTRIES = 1000
# CalendarView's longest window (PROTOCOL.md 8.1).
VIEW_WINDOW_DAYS = 730
# The baseline's settings: the sandbox's (and Exchange's) most items per restricted FindItem page,
# and exchangelib's own default chunk size, which is also the largest batch the bot may use.
BASELINE_PAGE_SIZE = 250
BASELINE_CHUNK_SIZE = 100


def least_round_trips(
    messages, requests_answered, cancellations_removed, responses_applied, deleted, page_size, batch_size,
    concurrency, calendar_entries,
):
    """The fewest EWS calls, and the fewest sequential rounds of calls, that one pass over a mailbox
    can make for a load, as docs/benchmarks.md explains: FindItem pages one after another
    (ceil(N/P)), calendar views of the E entries over the requests' days, 1,000 a view and one at a
    time, as EWSFindCountLimit allows an account no more in flight (ceil(E/1000), at least one),
    GetItem of every message (ceil(N/B)), GetItem of the organizer's items for the responses applied
    (ceil(S/B)), CreateItem for the replies and the removals (ceil((Q+X)/B)) and DeleteItem for the
    rest (ceil(D/B)); within each of the last four phases, C calls at a time. Returns (calls by
    operation, total calls, rounds).

    >>> calls, total, rounds = least_round_trips(2000, 1200, 150, 300, 600, 100, 20, 4, 9500)
    >>> calls
    {'FindItem': 30, 'GetItem': 115, 'CreateItem': 68, 'DeleteItem': 30}

    20 pages and 10 views; 100 batches of messages and 15 of organizer items; 68 of replies and
    removals; 30 of deletions. In rounds: 20 + 10 + 25 + 4 + 17 + 8.

    >>> total, rounds
    (243, 84)

    A calendar of a few entries is still one view; an empty folder costs one page, and no view:

    >>> least_round_trips(10, 5, 0, 0, 0, 100, 20, 4, 3)[0]["FindItem"]
    2
    >>> least_round_trips(0, 0, 0, 0, 0, 100, 20, 4, 0)
    ({'FindItem': 1, 'GetItem': 0, 'CreateItem': 0, 'DeleteItem': 0}, 1, 1)
    """
    pages = max(1, math.ceil(messages / page_size))
    phases = {
        "messages": math.ceil(messages / batch_size),
        "organizer items": math.ceil(responses_applied / batch_size),
        "replies and removals": math.ceil((requests_answered + cancellations_removed) / batch_size),
        "deletions": math.ceil(deleted / batch_size),
    }
    views = max(1, math.ceil(calendar_entries / VIEW_ENTRIES)) if messages else 0
    calls = {
        "FindItem": pages + views,
        "GetItem": phases["messages"] + phases["organizer items"],
        "CreateItem": phases["replies and removals"],
        "DeleteItem": phases["deletions"],
    }
    rounds = pages + views + sum(math.ceil(n / concurrency) for n in phases.values())
    return calls, sum(calls.values()), rounds


# MARK: the sandbox


class Sandbox:
    """A sandbox of its own on a free loopback port, from the benchmark's fixture."""

    def __init__(self, binary, fixture, latency_ms, log):
        faults = ["--fault", f"latency:value={latency_ms}"] if latency_ms > 0 else []
        # Started through a link of another name: on a shared machine other work stops the sandboxes
        # it finds by name ("meetingbot sandbox"), and one stopped under a run spoils its figures.
        link = fixture.parent / "bench-sandbox"
        if not link.exists():
            link.symlink_to(Path(binary).resolve())
        self.process = subprocess.Popen(
            [str(link), "sandbox", "--fixture", str(fixture), "--port", "0", "--auth", "basic", *faults],
            stdout=subprocess.PIPE, stderr=log, text=True)
        self.url = None
        started = time.monotonic()
        deadline = started + float(os.environ.get("BENCH_START_TIMEOUT", "3600"))
        # The URL is printed once the load is generated and the port is open; a sandbox that
        # neither prints it nor exits by the deadline is given up on.
        while self.url is None and time.monotonic() < deadline:
            ready, _, _ = select.select([self.process.stdout], [], [], 1.0)
            if not ready:
                continue
            line = self.process.stdout.readline()
            if not line:
                break
            found = re.search(r"http://127\.0\.0\.1:\d+/EWS/Exchange\.asmx", line)
            self.url = found.group(0) if found else None
        if self.url is None:
            self.stop()
            raise RuntimeError(f"the sandbox did not start (exit {self.process.returncode}); see {log.name}")
        self.base = self.url.rsplit("/EWS/", 1)[0]
        self.started_in = time.monotonic() - started
        while True:
            try:
                self.calls()
                break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError(f"the sandbox does not answer; see {log.name}")
                time.sleep(0.1)

    def calendar_entries(self, start, days):
        """How many items and occurrences the room's calendar shows over `days` days from `start`:
        the TotalItemsInView of CalendarViews of one entry each, two years at a time."""
        total = 0
        for offset in range(0, days, VIEW_WINDOW_DAYS):
            first = start + datetime.timedelta(days=offset)
            last = start + datetime.timedelta(days=min(days, offset + VIEW_WINDOW_DAYS))
            body = (
                '<?xml version="1.0" encoding="utf-8"?><soap:Envelope'
                ' xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"'
                ' xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"'
                ' xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"><soap:Body>'
                '<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape>'
                f'<m:CalendarView MaxEntriesReturned="1" StartDate="{first:%Y-%m-%dT%H:%M:%SZ}"'
                f' EndDate="{last:%Y-%m-%dT%H:%M:%SZ}"/>'
                '<m:ParentFolderIds><t:DistinguishedFolderId Id="calendar"/></m:ParentFolderIds>'
                "</m:FindItem></soap:Body></soap:Envelope>")
            request = urllib.request.Request(self.url, data=body.encode(), headers={
                "Content-Type": "text/xml; charset=utf-8",
                "Authorization": "Basic " + base64.b64encode(f"{MAILBOX}:{PASSWORD}".encode()).decode()})
            with urllib.request.urlopen(request, timeout=600) as answer:
                found = re.search(r'TotalItemsInView="(\d+)"', answer.read().decode())
            if not found:
                raise RuntimeError("the sandbox's CalendarView answered without TotalItemsInView")
            total += int(found.group(1))
        return total

    def calls(self):
        """The SOAP requests the sandbox has answered, by operation."""
        with urllib.request.urlopen(self.base + "/_sandbox/calls", timeout=30) as answer:
            return json.load(answer)

    def stop(self):
        if self.process.poll() is not None:
            # It should have been running still: say how it ended (0 is a clean stop on SIGTERM or SIGINT).
            print(f"  the sandbox had ended (exit {self.process.returncode})", file=sys.stderr, flush=True)
        else:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()


def measured(command, env, log):
    """Runs `command` as a child; its wall time, its own CPU time (user + system) and peak RSS (MiB)."""
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=log, stderr=log)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    return {
        "exit": child.returncode, "wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mb": usage.ru_maxrss / 1024,  # kilobytes on Linux
    }


# MARK: decisions


def key(kind, subject, sender):
    """A message both sides can name: its kind, its subject (the load's subjects are unique per
    meeting) and, for a response, the attendee who sent it."""
    return (kind, subject, sender.lower() if kind == "response" else "")


def bot_decisions(report):
    decisions = {}
    for mailbox in report["mailboxes"]:
        for message in mailbox["messages"]:
            decisions[key(message["kind"], message.get("subject", ""), message.get("from", ""))] = {
                "rule": message.get("rule"), "action": message["action"], "result": message["result"]}
    return decisions


def baseline_decisions(document):
    return {key(d["kind"], d["subject"], d["from"]): {"rule": d["rule"], "action": d["action"],
                                                      "result": d["result"]}
            for d in document["decisions"]}


def differences(bot, baseline):
    """(key, bot's decision, baseline's decision) for every message the two sides decided differently."""
    return [(k, bot.get(k), baseline.get(k)) for k in sorted(set(bot) | set(baseline), key=str)
            if bot.get(k) != baseline.get(k)]


def load_counts(decisions):
    """N, Q, X, S, D of the formula, from the bot's decisions."""
    values = list(decisions.items())
    return {
        "messages": len(values),
        "requests_answered": sum(1 for (kind, _, _), d in values
                                 if kind == "request" and d["result"] in ("replied", "recorded")),
        "cancellations_removed": sum(1 for _, d in values if d["result"] == "removed"),
        "responses_applied": sum(1 for (kind, _, _), d in values if kind == "response" and d["action"] == "apply"),
        "deleted": sum(1 for _, d in values
                       if d["result"] in ("superseded", "already_answered", "deleted", "applied", "orphaned")),
    }


# MARK: one run


class Bench:
    def __init__(self, args):
        self.args = args
        # Under .build, not /tmp, where other work on the machine may clean up.
        (ROOT / ".build" / "bench").mkdir(parents=True, exist_ok=True)
        self.work = Path(tempfile.mkdtemp(prefix="run-", dir=ROOT / ".build" / "bench"))
        self.log = open(self.work / "bench.log", "w", encoding="utf-8")
        self.page_size = int(os.environ.get("BENCH_PAGE_SIZE", "100"))
        self.batch_size = int(os.environ.get("BENCH_BATCH_SIZE", "20"))
        self.concurrency = int(os.environ.get("BENCH_CONCURRENCY", "4"))
        self.problems = []
        # Median wall times (bot, baseline) by (load, latency), for the rounds the latency added.
        self.walls = {}
        # The days each fixture's meetings start within.
        self.load_days = {}

    def fixture(self, messages):
        path = self.work / f"load-{messages}.yml"
        days = max(1, round(messages / 1000 * DAYS_PER_THOUSAND))
        self.load_days[path] = days
        path.write_text(
            "mailboxes:\n"
            f"  - {{ address: {MAILBOX}, name: Room 4.12, password: {PASSWORD} }}\n"
            f"load: {{ seed: {SEED}, mailbox: {MAILBOX}, messages: {messages}, organizers: 20, days: {days},\n"
            f"        requests: 0.7, responses: 0.2, cancellations: 0.1, from: \"{LOAD_FROM}\" }}\n",
            encoding="utf-8")
        return path

    def run_bot(self, fixture, latency, run):
        sandbox = Sandbox(self.args.binary, fixture, latency, self.log)
        # Generating a large load takes the sandbox a while; that is not the bot's time, but worth knowing.
        print(f"  the sandbox generated the load in {sandbox.started_in:.1f} s", file=sys.stderr, flush=True)
        try:
            state = self.work / f"state-{fixture.stem}-{latency}-{run}"
            state.mkdir()
            config = state / "config.yml"
            config.write_text(
                f"exchange:\n  url: {sandbox.url}\n"
                f"  auth: {{ type: basic, username: {MAILBOX}, password_env: MEETINGBOT_BENCH_PASSWORD }}\n"
                f"mailboxes:\n  - {{ address: {MAILBOX}, rules: {ROOT / 'bench' / 'rules.yml'} }}\n"
                f"state_dir: {state}\ntime_budget: 1d\n"
                f"concurrency: {self.concurrency}\nbatch_size: {self.batch_size}\npage_size: {self.page_size}\n",
                encoding="utf-8")
            report_path = state / "report.json"
            env = dict(os.environ, MEETINGBOT_BENCH_PASSWORD=PASSWORD)
            # The calendar over the requests' days, for the least round trips, before the bot changes it;
            # its calls are not the bot's.
            entries = sandbox.calendar_entries(
                datetime.datetime.fromisoformat(LOAD_FROM.replace("Z", "+00:00")), self.load_days[fixture] + 1)
            before = sandbox.calls()
            result = measured(
                [str(self.args.binary), "run", "--config", str(config), "--format", "json", "--output",
                 str(report_path)], env, self.log)
            result["calendar_entries"] = entries
            result["sandbox_calls"] = {
                op: count - before.get(op, 0) for op, count in sandbox.calls().items() if count > before.get(op, 0)}
        finally:
            sandbox.stop()
        if result["exit"] != 0:
            self.problems.append(f"the bot exited {result['exit']} ({fixture.stem}, {latency} ms); see {self.log.name}")
        report = json.loads(report_path.read_text(encoding="utf-8"))
        result["calls"] = report.get("calls", {})
        if result["calls"] != result["sandbox_calls"]:
            self.problems.append(
                f"the bot's report counts {result['calls']} calls, the sandbox {result['sandbox_calls']}")
        result["decisions"] = bot_decisions(report)
        return result

    def run_baseline(self, fixture, latency, run):
        sandbox = Sandbox(self.args.binary, fixture, latency, self.log)
        try:
            output = self.work / f"baseline-{fixture.stem}-{latency}-{run}.json"
            result = measured(
                [sys.executable, str(ROOT / "bench" / "baseline.py"), sandbox.url, "--mailbox", MAILBOX,
                 "--password", PASSWORD, "--output", str(output), "--page-size", str(BASELINE_PAGE_SIZE),
                 "--chunk-size", str(BASELINE_CHUNK_SIZE), "--max-connections", str(self.concurrency)],
                dict(os.environ), self.log)
            result["calls"] = sandbox.calls()
        finally:
            sandbox.stop()
        if result["exit"] != 0:
            self.problems.append(f"the baseline exited {result['exit']}; see {self.log.name}")
            result["decisions"] = {}
            return result
        result["decisions"] = baseline_decisions(json.loads(output.read_text(encoding="utf-8")))
        return result

    def retried(self, step, fixture, latency, run, attempts=3):
        """One run of `step`, on a fresh sandbox again if its sandbox was stopped before or under it
        (the machine is shared), up to `attempts` times."""
        for attempt in range(1, attempts + 1):
            try:
                return step(fixture, latency, f"{run}-{attempt}")
            except (OSError, RuntimeError) as error:
                if attempt == attempts:
                    raise
                print(f"  the sandbox went away ({error}); running that again", file=sys.stderr, flush=True)

    def measure(self, messages, latency, runs, with_baseline):
        fixture = self.fixture(messages)
        bots, baselines, diffs = [], [], []
        for run in range(runs):
            bot = self.retried(self.run_bot, fixture, latency, run)
            bots.append(bot)
            if with_baseline:
                baseline = self.retried(self.run_baseline, fixture, latency, run)
                baselines.append(baseline)
                diff = differences(bot["decisions"], baseline["decisions"])
                diffs.append(len(diff))
                for k, ours, theirs in diff[:5]:
                    print(f"  differs: {k}: bot {ours}, baseline {theirs}", file=sys.stderr)
            print(f"  run {run + 1}/{runs}: bot {bot['wall']:.2f} s"
                  + (f", baseline {baselines[-1]['wall']:.2f} s, {diffs[-1]} differences" if with_baseline else ""),
                  file=sys.stderr, flush=True)
        if any(diffs):
            self.problems.append(f"{max(diffs)} decisions differ at {messages} messages, {latency} ms")
        return table(messages, latency, bots, baselines, diffs, self)


# MARK: the table


def median(values):
    return statistics.median(values) if values else None


def number(value, digits=0):
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def table(load, latency, bots, baselines, diffs, bench):
    counts = load_counts(bots[0]["decisions"])
    least_calls, least_total, least_rounds = least_round_trips(
        counts["messages"], counts["requests_answered"], counts["cancellations_removed"],
        counts["responses_applied"], counts["deleted"], bench.page_size, bench.batch_size, bench.concurrency,
        int(median([b["calendar_entries"] for b in bots])))
    # The generator may overshoot the count asked for by one (a cancelled meeting is two messages).
    messages = counts["messages"]
    bot_wall, bot_cpu = median([b["wall"] for b in bots]), median([b["cpu"] for b in bots])
    base_wall = median([b["wall"] for b in baselines])
    rows = []

    def row(what, ours, theirs="", ratio=""):
        rows.append(f"| {what} | {ours} | {theirs} | {ratio} |")

    def ratio(a, b, digits=1):
        return f"{a / b:,.{digits}f}×" if a is not None and b else ""

    missing = "not run" if not baselines else "–"
    row("messages/s", number(messages / bot_wall), number(messages / base_wall) if base_wall else missing,
        ratio(base_wall, bot_wall) + (" faster" if base_wall else ""))
    row("wall time, s", number(bot_wall, 2), number(base_wall, 2) if base_wall else missing)
    ops = sorted(set(least_calls) | {op for b in bots + baselines for op in b["calls"]})
    for op in ops:
        ours = median([b["calls"].get(op, 0) for b in bots])
        theirs = median([b["calls"].get(op, 0) for b in baselines])
        row(f"EWS calls: {op} (least {least_calls.get(op, 0)})", number(ours),
            number(theirs) if baselines else missing, ratio(ours, least_calls.get(op, 0), 2) + " of least"
            if least_calls.get(op) else "")
    total = median([sum(b["calls"].values()) for b in bots])
    base_total = median([sum(b["calls"].values()) for b in baselines])
    row(f"EWS calls: total (least {least_total})", number(total), number(base_total) if baselines else missing,
        ratio(total, least_total, 2) + " of least")
    if latency > 0:
        # Time the bot spent waiting, in calls' worth of latency: its sequential round trips.
        rounds = median([(b["wall"] - b["cpu"]) * 1000 / latency for b in bots])
        base_rounds = median([(b["wall"] - b["cpu"]) * 1000 / latency for b in baselines])
        row(f"round trips at concurrency {bench.concurrency} (least {least_rounds}): (wall − CPU) / latency",
            number(rounds), number(base_rounds) if baselines else missing, ratio(rounds, least_rounds, 2) + " of least")
        # The sandbox's own time per call is in (wall − CPU) too; the time the latency added is not.
        unloaded = bench.walls.get((load, 0))
        if unloaded:
            added = (bot_wall - unloaded[0]) * 1000 / latency
            base_added = (base_wall - unloaded[1]) * 1000 / latency if base_wall and unloaded[1] else None
            row("round trips: (wall − wall at 0 ms) / latency", number(added),
                number(base_added) if base_added is not None else missing, ratio(added, least_rounds, 2) + " of least")
    else:
        row(f"round trips at concurrency {bench.concurrency} (least {least_rounds})",
            "not measurable at 0 ms", "")
    row("CPU time per message, µs", number(bot_cpu * 1e6 / messages),
        number(median([b["cpu"] for b in baselines]) * 1e6 / messages) if baselines else missing)
    row("peak RSS, MB", number(median([b["rss_mb"] for b in bots]), 1),
        number(median([b["rss_mb"] for b in baselines]), 1) if baselines else missing)
    row("decisions that differ", number(max(diffs)) if diffs else missing, "")
    targets = []

    def target(what, value, met):
        targets.append(f"- {what}: {value}, {'met' if met else 'not met'}")

    bench.walls[(load, latency)] = (bot_wall, base_wall)
    cpu_per_message = bot_cpu * 1e6 / messages
    if latency > 0 and base_wall:
        target("bot at least 20× faster than the baseline", f"{base_wall / bot_wall:.1f}×", base_wall / bot_wall >= 20)
    if latency > 0:
        # The latency's own share of the wall time when the 0 ms run is there to take the rest away.
        unloaded = bench.walls.get((load, 0))
        actual = (bot_wall - unloaded[0]) * 1000 / latency if unloaded else rounds
        target(f"bot's round trips within 1.2× the least ({least_rounds})", f"{actual / least_rounds:.2f}×",
               actual <= 1.2 * least_rounds)
    else:
        target("bot's CPU time under 100 µs per message", f"{cpu_per_message:,.0f} µs", cpu_per_message < 100)
    if messages > BIG_LOAD:
        peak = median([b["rss_mb"] for b in bots])
        target("bot's peak RSS under 64 MB", f"{peak:.1f} MB", peak < 64)
    head = (f"### {load:,} messages, {latency} ms per call\n\n"
            f"{len(bots)} run(s), medians. Load: {counts['messages']:,} messages, "
            f"{counts['requests_answered']:,} requests answered (Q), {counts['cancellations_removed']:,} "
            f"cancellations removed (X), {counts['responses_applied']:,} responses applied (S), "
            f"{counts['deleted']:,} messages deleted (D), "
            f"{int(median([b['calendar_entries'] for b in bots])):,} calendar entries over the requests' days (E); "
            f"bot page size {bench.page_size}, batch size "
            f"{bench.batch_size}, concurrency {bench.concurrency}; baseline page size {BASELINE_PAGE_SIZE}, "
            f"chunk size {BASELINE_CHUNK_SIZE}, max_connections {bench.concurrency}.\n\n"
            "| | bot | baseline (exchangelib) | ratio |\n| --- | ---: | ---: | --- |\n")
    return (head + "\n".join(rows) + "\n\nTargets (PRODUCT.md 9):\n\n" + "\n".join(targets) + "\n",
            bot_wall / messages)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", type=Path, required=True, help="the meetingbot binary (release to measure)")
    args = parser.parse_args()
    quick = os.environ.get("BENCH_QUICK") == "1"
    loads = [100] if quick else [int(n) for n in os.environ.get("BENCH_LOADS", "2000,50000").split(",")]
    latencies = [0] if quick else [int(n) for n in os.environ.get("BENCH_LATENCIES", "0,20").split(",")]
    bench = Bench(args)
    tables, per_message = [], {}
    for messages in loads:
        for latency in latencies:
            runs = int(os.environ.get("BENCH_RUNS", "1" if quick or messages > BIG_LOAD else "3"))
            with_baseline = os.environ.get("BENCH_BASELINE") != "0" and (
                messages <= BIG_LOAD or os.environ.get("BENCH_BASELINE_50K") == "1")
            why_not = "BENCH_BASELINE=0" if os.environ.get("BENCH_BASELINE") == "0" else (
                f"above {BIG_LOAD:,} messages it runs only with BENCH_BASELINE_50K=1")
            print(f"{messages} messages, {latency} ms: {runs} run(s)"
                  + ("" if with_baseline else f", the bot only ({why_not})"), file=sys.stderr, flush=True)
            text, seconds = bench.measure(messages, latency, runs, with_baseline)
            if not with_baseline:
                text += f"\nThe baseline was not run ({why_not}).\n"
            per_message[(messages, latency)] = seconds
            tables.append(text)
            print(text, flush=True)
    summary = []
    for (messages, latency), seconds in sorted(per_message.items()):
        smallest = min(m for m, lat in per_message if lat == latency)
        if messages != smallest:
            growth = seconds / per_message[(smallest, latency)]
            summary.append(f"- {latency} ms: the bot's time per message at {messages:,} is {growth:.2f}× that at "
                           f"{smallest:,} (target: within 1.2×, {'met' if growth <= 1.2 else 'not met'}).")
    if summary:
        tables.append("### Scaling\n\n" + "\n".join(summary) + "\n")
        print(tables[-1])
    output = Path(os.environ.get("BENCH_OUTPUT", ROOT / ".build" / "bench" / "results.md"))
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text("\n".join(tables), encoding="utf-8")
    bench.log.close()
    if bench.problems:
        # The logs, configurations, reports and decisions stay for a look at what went wrong.
        print(f"wrote {output}; the runs' files and logs are in {bench.work}", file=sys.stderr)
    else:
        shutil.rmtree(bench.work)
        print(f"wrote {output}", file=sys.stderr)
    for problem in bench.problems:
        print(f"bench: {problem}", file=sys.stderr)
    sys.exit(1 if bench.problems else 0)


if __name__ == "__main__":
    main()
