"""The hub remembers whose a token is for a few seconds, not longer, and never past its
expiry: one layer, its lookup played by a function."""

from datetime import datetime, timedelta

import pytest

from hub import tokens
from hub.tokens import FRESH_S, RENEW_S, Holder, Holders

NOW = datetime(2026, 12, 5, 10, 0)
HOLDING = Holder("BENCH-01", expires_at=NOW + timedelta(days=30))


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The hub's monotonic clock, moved by the test."""
    now = [1000.0]
    monkeypatch.setattr(tokens.time, "monotonic", lambda: now[0])
    return now


class Lookups:
    """What the database says of each token, and how often it was asked."""

    def __init__(self) -> None:
        self.said: dict[str, Holder] = {}
        self.asked = 0
        self.away = False  # the database cannot be reached

    def __call__(self, token: str, _now: datetime) -> Holder:
        if self.away:
            raise ConnectionError("the database is away")
        self.asked += 1
        return self.said.get(token, Holder(None, "unknown token"))


def test_a_token_that_holds_is_looked_up_once_within_its_fresh_seconds(
    clock: list[float],
) -> None:
    lookups = Lookups()
    lookups.said["t"] = HOLDING
    holders = Holders(lookups)
    assert holders.holder("t", NOW).bench == "BENCH-01"
    clock[0] += FRESH_S - 1
    assert holders.holder("t", NOW).bench == "BENCH-01"
    assert lookups.asked == 1
    # Enrolled anew meanwhile: the old token is refused once its fresh seconds are over.
    lookups.said["t"] = Holder(None, "replaced by a newer one")
    clock[0] += 2
    assert holders.holder("t", NOW).refused == "replaced by a newer one"
    assert lookups.asked == 2


def test_an_expired_token_is_refused_at_once_even_when_remembered() -> None:
    lookups = Lookups()
    lookups.said["t"] = Holder("BENCH-01", expires_at=NOW + timedelta(seconds=1))
    holders = Holders(lookups)
    assert holders.holder("t", NOW).bench == "BENCH-01"
    lookups.said["t"] = Holder(None, "expired")
    assert holders.holder("t", NOW + timedelta(seconds=2)).refused == "expired"


def test_refused_tokens_are_asked_every_time_and_not_remembered() -> None:
    lookups = Lookups()
    holders = Holders(lookups)
    for _ in range(3):
        assert holders.holder("made-up", NOW).bench is None
    assert lookups.asked == 3


def test_a_holder_half_its_fresh_seconds_old_is_renewed_once_beside_the_post(
    clock: list[float],
) -> None:
    lookups = Lookups()
    lookups.said["t"] = HOLDING
    holders = Holders(lookups)
    holders.holder("t", NOW)
    assert not holders.to_renew("t")  # just asked
    clock[0] += RENEW_S
    assert holders.remembered("t", NOW) is not None  # the post goes on from memory
    assert holders.to_renew("t")
    assert not holders.to_renew("t")  # one renewal a token at a time
    # Replaced meanwhile: the renewal's answer holds from the moment it was asked.
    lookups.said["t"] = Holder(None, "replaced by a newer one")
    assert holders.look_up("t", NOW, renewal=True).refused == "replaced by a newer one"
    assert holders.remembered("t", NOW) is None
    assert holders.holder("t", NOW).refused == "replaced by a newer one"
    assert lookups.asked == 3


def test_a_renewal_that_failed_lets_the_next_post_renew(clock: list[float]) -> None:
    lookups = Lookups()
    lookups.said["t"] = HOLDING
    holders = Holders(lookups)
    holders.holder("t", NOW)
    clock[0] += RENEW_S + 1
    assert holders.to_renew("t")
    lookups.away = True
    with pytest.raises(ConnectionError):
        holders.look_up("t", NOW, renewal=True)
    assert holders.to_renew("t")  # not left marked as under way
    # Never trusted past its fresh seconds, renewed or not.
    clock[0] += FRESH_S
    assert holders.remembered("t", NOW) is None


def test_a_lookup_answered_after_a_later_one_does_not_age_it(clock: list[float]) -> None:
    """A slow renewal's answer, asked before a post's own lookup, does not put the older
    moment back: the holder stays trusted from the later ask."""
    asked: list[float] = []

    def slow(_token: str, now: datetime) -> Holder:
        asked.append(clock[0])
        if len(asked) == 1:  # the renewal: a post looks the token up while it waits
            clock[0] += 1
            holders.look_up("t", now)
        return HOLDING

    holders = Holders(slow)
    holders.look_up("t", NOW, renewal=True)
    assert asked == [1000.0, 1001.0]
    clock[0] = 1000.0 + FRESH_S + 0.5
    assert holders.remembered("t", NOW) == HOLDING  # trusted from 1001, not 1000
