"""Fuzz pass, a fixed small budget per run (`make test`): every parser fed real lines and
headers with attacker text spliced in, and plain noise. Parsers never raise (bad content is a
Reject), a password never survives into a Reject, and the sessioniser takes whatever the line
parser yields. The coverage-guided run of the same entry points is tests/fuzz/atheris_targets.py
(`make e2e`). A crash found by either becomes a regression example in REGRESSIONS."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers.logline import LogLineParser
from parsers.received import parse_received
from parsers.received.dates import parse_date
from parsers.records import LogEvent, Reject
from parsers.redact import redact, redact_cut
from parsers.registry import all_dialects
from pipeline.config import SiteConfig
from pipeline.ingest.mailbox import MailMessage, OwnServers, message_rows, submission_hop_index
from pipeline.sessions.sessioniser import Sessioniser
from tests.fuzz.seeds import HOSTILE, RECEIVED_SEEDS

BUDGET = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,  # the same examples every run: a fixed budget, never a flaky one
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
EXAMPLE_LINES = sorted({e.line for d in all_dialects() for e in d.examples})
NOISE = st.one_of(
    st.text(max_size=120),
    st.sampled_from(HOSTILE),
    st.binary(max_size=80).map(lambda b: b.decode("utf-8", "surrogateescape")),
)
# lines and fields the fuzzers once broke on: each stays a regression example
REGRESSIONS: list[str] = []


@st.composite
def spliced(draw: st.DrawFn, seeds: list[str]) -> str:
    """A real seed with noise put in at one place, or a stretch of it replaced by noise."""
    seed = draw(st.sampled_from(seeds))
    start = draw(st.integers(0, len(seed)))
    end = draw(st.integers(start, min(len(seed), start + 40)))
    return seed[:start] + draw(NOISE) + seed[end:]


@BUDGET
@given(st.lists(st.one_of(spliced(EXAMPLE_LINES), NOISE), min_size=1, max_size=8))
def test_log_lines_never_raise_and_feed_the_sessioniser(lines: list[str]) -> None:
    parser = LogLineParser(year=2026)
    sessions = Sessioniser(SiteConfig())
    for number, line in enumerate([*REGRESSIONS, *lines], 1):
        record = parser.parse(line, number)
        if isinstance(record, LogEvent):
            sessions.feed(record, "fuzz.log")
        elif isinstance(record, Reject):
            assert record.raw == redact(record.raw)  # nothing left to redact
    sessions.flush_stale(everything=True)
    sessions.take_rows()


@BUDGET
@given(st.one_of(spliced(RECEIVED_SEEDS), NOISE))
def test_received_values_never_raise(value: str) -> None:
    hop = parse_received(value)
    assert hop.raw is not None and len(hop.raw) <= 8192
    parse_date(value)


@BUDGET
@given(st.lists(st.one_of(spliced(RECEIVED_SEEDS), NOISE), min_size=1, max_size=6))
def test_headers_and_hop_rows_never_raise(values: list[str]) -> None:
    header = "".join(f"Received: {v}\n" for v in values).encode("utf-8", "surrogateescape")
    message = MailMessage("fuzz", 0, header + b"From: a@example.org\n\n")
    own = OwnServers.of(["mail.example.org", "example.org"])
    _, hops = message_rows(message, own)
    index = submission_hop_index(hops)
    if index is not None:  # the chain of custody holds down to the submission hop
        assert all(h["is_own_server"] for h in hops[: index + 1])
        assert all(h["is_from_own"] for h in hops[:index])


LETTERS = st.text(alphabet="abc xyz:", max_size=40)


@BUDGET
@given(
    LETTERS,
    st.text(min_size=1, max_size=30).filter(lambda p: "\n" not in p),
    st.integers(0, 120),
)
def test_a_password_never_survives_redaction_even_cut(before: str, password: str, cut: int) -> None:
    for marker in ("unknown user (given password: ", "Debug: pam(u,192.0.2.1): SHA512-CRYPT("):
        line = f"{before} auth: {marker}{password}) != '$6$x'"
        if "given" in marker:
            line = f"{before} auth: passwd-file(u,192.0.2.1): {marker}{password})"
        start = line.index(marker) + len(marker)
        assert redact(line)[start:].startswith("<redacted>")
        prefix = line[: start + cut]
        if len(prefix) > start:  # the cut left some of the password: none of it survives
            assert redact_cut(prefix)[start:].startswith("<redacted>")


def test_regressions_found_by_the_coverage_guided_run() -> None:
    parser = LogLineParser(year=2026)
    for line in (
        "Jun \x1e3 06:25:43 srv postfix/smtpd[29306]: connect from a[192.0.2.1]",
        "Jun \u00b23 06:25:43 srv postfix/smtpd[29306]: connect from a[192.0.2.1]",
        "Jun 3\u00b2 06:25:43 srv postfix/smtpd[29306]: connect from a[192.0.2.1]",
    ):
        parser.parse(line, 1)  # used to raise ValueError from int()
