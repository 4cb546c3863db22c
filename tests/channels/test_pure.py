"""The pure cores: token bucket, @mention parsing, the structured-PII check (and its fallback)."""
from taskforce.channels import pii_check
from taskforce.channels.mentions import mentioned_spellings
from taskforce.channels.ratelimit import TokenBuckets


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_token_bucket_allows_a_burst_then_refills():
    clock = Clock()
    buckets = TokenBuckets(20, 10, clock=clock)
    assert all(buckets.allow("ana") for _ in range(20))
    assert not buckets.allow("ana")
    assert buckets.allow("ben")  # per key
    assert 0 < buckets.retry_after("ana") <= 0.5
    clock.now = 0.5
    assert buckets.allow("ana") and not buckets.allow("ana")
    clock.now = 100
    assert sum(buckets.allow("ana") for _ in range(25)) == 20  # never more than the burst


def test_token_bucket_forgets_idle_keys_when_full():
    clock = Clock()
    buckets = TokenBuckets(2, 1, clock=clock, max_keys=3)
    for key in "abc":
        buckets.allow(key)
    clock.now = 10
    buckets.allow("d")
    assert len(buckets._buckets) <= 3


def test_mentions():
    assert mentioned_spellings("@**Kofi Mensah** and @**Ana Silva**, see @priya.patel") == {"Kofi Mensah", "Ana Silva",
                                                                                           "priya patel"}
    assert mentioned_spellings("mail me at someone@example.org") == set()
    assert mentioned_spellings("") == set() and mentioned_spellings(None) == set()


def test_pii_check_reports_kinds_and_positions_never_text():
    text = "Reach her at 555-201-4477 or jane@example.org"
    findings = pii_check.check(text)
    assert [(f["kind"], text[f["start"]:f["end"]]) for f in findings] == [("PHONE", "555-201-4477"),
                                                                          ("EMAIL", "jane@example.org")]
    assert all(set(f) == {"kind", "start", "end"} for f in findings)
    assert pii_check.check("Beds open tonight at the shelter") == []
    assert pii_check.check(None) == [] and pii_check.check(12) == []


def test_pii_check_finds_ids_phones_and_emails_but_not_times():
    text = "SSN 123-45-6789, call (555) 201-4477, mail a.b@example.org"
    kinds = [(f["kind"], text[f["start"]:f["end"]]) for f in pii_check.check(text)]
    assert ("ID", "123-45-6789") in kinds and ("EMAIL", "a.b@example.org") in kinds
    assert any(kind == "PHONE" and "201-4477" in found for kind, found in kinds)
    assert pii_check.check("Meeting at 10:00 in room 4") == []
