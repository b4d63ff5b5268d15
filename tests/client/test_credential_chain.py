"""The credential chain: providers asked in order, today's key-by-key merging, keys that expire and
are loaded again (once, whatever the number of threads), and secrets that never print."""

import datetime as dt
import threading
import time

import httpx
import pytest
import respx

from ec2ops import credentials
from ec2ops.client.query import Client, Settings
from ec2ops.credentials import Chain, Credentials, Merged, Source
from ec2ops.credentials.keys import Piece
from ec2ops.errors import InputError

T0 = dt.datetime(2026, 11, 26, 12, 0, 0, tzinfo=dt.timezone.utc)
SECRET, TOKEN = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "FQoGZXIvYXdzEJr//////////token"


class Pieces:
    """A provider of a partial set, counting how often it was read."""

    def __init__(self, name, **keys):
        self.name, self.keys, self.reads = name, keys, 0

    def pieces(self):
        self.reads += 1
        return {key: Piece(value, self.name) for key, value in self.keys.items()}

    def load(self):
        raise AssertionError("the chain reads a provider of pieces key by key")


class Whole:
    """A provider of whole sets (as issue 23's will be): each load its next answer, None for nothing."""

    def __init__(self, *answers, name="a fake provider", pause=0.0):
        self.name, self.answers, self.loads, self.pause = name, list(answers), 0, pause

    def load(self):
        self.loads += 1
        time.sleep(self.pause)  # a slow source (an HTTP call): other threads pile up meanwhile
        return self.answers[min(self.loads, len(self.answers)) - 1]


class Clock:
    def __init__(self):
        self.now = T0

    def __call__(self):
        return self.now


@pytest.fixture
def home(monkeypatch, tmp_path):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    return tmp_path


# -- the chain's order, key by key --------------------------------------------------------------
def test_each_key_comes_from_the_first_provider_that_has_it_and_the_chain_stops_once_complete():
    first = Pieces("first", aws_access_key_id="AKIDFIRST")
    second = Pieces("second", aws_access_key_id="AKIDSECOND", aws_secret_access_key="s2", aws_session_token="t2")
    third = Pieces("third", aws_secret_access_key="s3")
    keys = Chain([first, second, third]).load()
    assert (keys.access_key_id, keys.secret_key, keys.session_token) == ("AKIDFIRST", "s2", "t2")
    assert (first.reads, second.reads, third.reads) == (1, 1, 0)


def test_a_provider_with_nothing_passes_to_the_next():
    nothing, empty = Whole(None, name="nothing"), Pieces("empty")
    keys = Chain([nothing, empty, Whole(Credentials("AKIDNEXT", SECRET))]).load()
    assert keys == Credentials("AKIDNEXT", SECRET) and nothing.loads == 1 and empty.reads == 1


def test_merged_providers_are_all_read_each_key_from_the_first():
    flags = Pieces("flags", aws_access_key_id="AKIDFLAG", aws_secret_access_key="sflag")
    env = Pieces("env", aws_access_key_id="AKIDENV", aws_session_token="tenv")
    keys = Chain([Merged("both", [flags, env]), Pieces("profile", aws_session_token="tprofile")]).load()
    assert (keys.access_key_id, keys.secret_key, keys.session_token) == ("AKIDFLAG", "sflag", "tenv")


def test_an_incomplete_chain_is_bad_input_naming_what_is_missing():
    with pytest.raises(InputError) as caught:
        Chain([Pieces("a", aws_session_token="t")], missing=lambda absent: "gone: " + ",".join(absent)).load()
    assert str(caught.value) == "gone: aws_access_key_id,aws_secret_access_key"


def test_a_set_from_an_expiring_provider_keeps_its_expiry():
    keys = Chain([Whole(Credentials("AKIDTEMP", SECRET, TOKEN, T0))]).load()
    assert keys == Credentials("AKIDTEMP", SECRET, TOKEN, T0)


def test_a_whole_set_after_a_partial_one_fills_what_is_missing_and_brings_its_expiry():
    keys = Chain([Pieces("env", aws_access_key_id="AKIDENV"),
                  Whole(Credentials("AKIDTEMP", SECRET, TOKEN, T0))]).load()
    assert keys == Credentials("AKIDENV", SECRET, TOKEN, T0)


def test_todays_providers_load_a_whole_set_or_nothing(home, monkeypatch):
    from ec2ops.credentials import Environment, Flags, Profile

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
    assert Environment().load() is None and Flags("AKIDFLAG", None, None).load() is None
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "senv")
    assert Environment().load() == Credentials("AKIDENV", "senv")
    assert Flags("AKIDFLAG", " sflag ", "tflag").load() == Credentials("AKIDFLAG", "sflag", "tflag")
    (home / "credentials").write_text("[ops]\naws_access_key_id = AKIDOPS\naws_secret_access_key = sops\n")
    assert Profile("ops").load() == Credentials("AKIDOPS", "sops") and Profile(None).load() is None


# -- today's rule through resolve() -------------------------------------------------------------
def test_flags_beat_the_environment_key_by_key(home, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "senv")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "tenv")
    keys = credentials.resolve("AKIDFLAG", None, None, None).current()
    assert (keys.access_key_id, keys.secret_key, keys.session_token) == ("AKIDFLAG", "senv", "tenv")


def test_the_environment_beats_the_profile_key_by_key(home, monkeypatch):
    (home / "credentials").write_text("[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = sfile\n"
                                      "aws_session_token = tfile\n")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", " AKIDENV ")
    keys = credentials.resolve(None, None, None, None).current()
    assert (keys.access_key_id, keys.secret_key, keys.session_token) == ("AKIDENV", "sfile", "tfile")


def test_the_profile_is_not_read_once_the_id_and_secret_are_known(home, monkeypatch):
    (home / "credentials").write_text("not an ini file\n")  # read, it would be bad input
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "senv")
    keys = credentials.resolve(None, None, None, "elsewhere").current()
    assert (keys.access_key_id, keys.session_token) == ("AKIDENV", None)


def test_missing_credentials_are_todays_message(home):
    with pytest.raises(InputError) as caught:
        credentials.resolve(None, "secret", None, None)
    assert str(caught.value) == "Missing credentials: accessKeyId (--access-key-id, AWS_ACCESS_KEY_ID or a profile)."


def test_a_bad_character_names_where_the_key_came_from_never_the_key(home, monkeypatch):
    (home / "credentials").write_text("[ops]\naws_access_key_id = AKIDFILE\naws_secret_access_key = s\x01cret\n")
    with pytest.raises(InputError) as caught:
        credentials.resolve(None, None, None, "ops")
    assert str(caught.value) == ("The secret access key from the profile 'ops' holds a character no AWS key has "
                                 "(a space, a control or non-ASCII character); check how it was set.")


def test_a_profile_of_profiles_takes_its_keys_from_the_files_alone(home, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "senv")
    (home / "credentials").write_text("[ops]\naws_access_key_id = AKIDOPS\naws_secret_access_key = sops\n")
    (home / "config").write_text("[profile ops]\nregion = eu-west-1\n[profile bare]\nregion = us-west-2\n")
    source, region = credentials.of_profile("ops")
    assert (source.current().access_key_id, region) == ("AKIDOPS", "eu-west-1")
    with pytest.raises(InputError) as caught:
        credentials.of_profile("bare")
    assert str(caught.value) == ("The profile 'bare' has no aws_access_key_id and aws_secret_access_key in "
                                 "~/.aws/credentials or ~/.aws/config.")


def test_the_credential_flags_are_listed_once():
    assert credentials.FLAGS == (("--access-key-id", "access_key_id"), ("--access-key", "access_key"),
                                 ("--session-token", "session_token"))


# -- expiry -------------------------------------------------------------------------------------
def test_keys_that_expire_are_loaded_again_once_they_have():
    clock = Clock()
    provider = Whole(Credentials("AKIDONE", SECRET, TOKEN, T0 + dt.timedelta(seconds=1)),
                     Credentials("AKIDTWO", SECRET, TOKEN, T0 + dt.timedelta(hours=1)))
    source = Source(provider, clock=clock, margin=dt.timedelta(0))
    assert source.current().access_key_id == "AKIDONE"
    assert source.current().access_key_id == "AKIDONE" and provider.loads == 1
    clock.now += dt.timedelta(seconds=1)
    assert source.current().access_key_id == "AKIDTWO" and provider.loads == 2
    assert source.current().access_key_id == "AKIDTWO" and provider.loads == 2


def test_keys_are_loaded_again_a_few_minutes_before_they_expire():
    clock = Clock()
    provider = Whole(Credentials("AKIDONE", SECRET, TOKEN, T0 + dt.timedelta(minutes=10)),
                     Credentials("AKIDTWO", SECRET, TOKEN, T0 + dt.timedelta(hours=1)))
    source = Source(provider, clock=clock)
    assert source.current().access_key_id == "AKIDONE"
    clock.now += dt.timedelta(minutes=4, seconds=59)
    assert source.current().access_key_id == "AKIDONE"
    clock.now += dt.timedelta(seconds=1)  # five minutes left
    assert source.current().access_key_id == "AKIDTWO" and provider.loads == 2


def test_static_keys_are_loaded_once_and_never_again():
    clock = Clock()
    provider = Whole(Credentials("AKIDSTATIC", SECRET))
    source = Source(provider, clock=clock)
    for _ in range(100):
        source.current()
        clock.now += dt.timedelta(days=400)
    assert provider.loads == 1


def test_a_provider_with_nothing_behind_a_source_is_bad_input():
    with pytest.raises(InputError) as caught:
        Source(Whole(None, name="the instance's metadata")).current()
    assert str(caught.value) == "No credentials from the instance's metadata."


def all_at_once(source, threads=32):
    """What `threads` threads, started together, got from source.current()."""
    start, seen = threading.Barrier(threads), []

    def ask():
        start.wait()
        seen.append(source.current())

    running = [threading.Thread(target=ask) for _ in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join()
    return seen


def test_many_threads_asking_at_once_make_one_load():
    provider = Whole(Credentials("AKIDONE", SECRET), pause=0.05)
    seen = all_at_once(Source(provider))
    assert provider.loads == 1 and len(seen) == 32 and {keys.access_key_id for keys in seen} == {"AKIDONE"}


def test_many_threads_finding_the_keys_expired_make_one_load_again():
    clock = Clock()
    provider = Whole(Credentials("AKIDONE", SECRET, TOKEN, T0 + dt.timedelta(seconds=1)),
                     Credentials("AKIDTWO", SECRET, TOKEN, T0 + dt.timedelta(hours=1)), pause=0.05)
    source = Source(provider, clock=clock, margin=dt.timedelta(0))
    source.current()
    clock.now += dt.timedelta(seconds=1)
    seen = all_at_once(source)
    assert provider.loads == 2 and len(seen) == 32 and {keys.access_key_id for keys in seen} == {"AKIDTWO"}


def test_the_client_asks_for_current_keys_on_every_attempt():
    """A retry after the keys were renewed is signed with the new keys."""
    clock = Clock()
    provider = Whole(Credentials("AKIDONE", SECRET, TOKEN, T0 + dt.timedelta(seconds=1)),
                     Credentials("AKIDTWO", SECRET, TOKEN, T0 + dt.timedelta(hours=1)))
    source = Source(provider, clock=clock, margin=dt.timedelta(0))
    url = "https://ec2.us-east-1.amazonaws.com/"
    answers = iter([httpx.Response(503, text="busy"), httpx.Response(
        200, text="<DescribeRegionsResponse><requestId>r-1</requestId></DescribeRegionsResponse>")])

    def answer(request):
        clock.now += dt.timedelta(seconds=1)  # the keys expire while the first attempt is out
        return next(answers)

    client = Client(Settings(source, url, "us-east-1", max_attempts=2, retry_base_delay=0.001))
    try:
        with respx.mock() as mock_ec2:
            route = mock_ec2.post(url).mock(side_effect=answer)
            client.call("DescribeRegions")
    finally:
        client.close()
    signed = [call.request.headers["Authorization"].split("Credential=")[1].split("/")[0] for call in route.calls]
    assert signed == ["AKIDONE", "AKIDTWO"]


def test_the_bundle_upload_policy_is_signed_with_the_current_keys():
    from ec2ops.operations.bundles import _ec2_keys
    from ec2ops.secret import Secret

    clock = Clock()
    provider = Whole(Credentials("AKIDONE", "s1", TOKEN, T0 + dt.timedelta(seconds=1)),
                     Credentials("AKIDTWO", "s2", TOKEN, T0 + dt.timedelta(hours=1)))
    source = Source(provider, clock=clock, margin=dt.timedelta(0))
    lookups = type("Lookups", (), {"credentials": property(lambda self: source.current())})()  # as session.Lookups
    assert _ec2_keys(lookups, {}) == {"s3AccessKeyId": "AKIDONE", "s3AccessKey": Secret("s1")}
    clock.now += dt.timedelta(seconds=1)
    assert _ec2_keys(lookups, {}) == {"s3AccessKeyId": "AKIDTWO", "s3AccessKey": Secret("s2")}


# -- secrets never print ------------------------------------------------------------------------
def test_no_secret_in_repr_str_or_any_format():
    keys = Credentials("AKIDSHOWN", SECRET, TOKEN, T0)
    source = Source(Whole(keys))
    source.current()
    shown = [repr(keys), str(keys), f"{keys}", f"{keys!s}", f"{keys:>300}", "%s" % keys, "{}".format(keys),
             repr([keys]), str({"keys": keys}), repr(source), str(source), repr(Chain([Whole(keys)]))]
    for text in shown:
        assert SECRET not in text and TOKEN not in text and "wJalr" not in text and "FQoG" not in text
    assert "AKIDSHOWN" in repr(keys) and "***" in str(keys)


@pytest.mark.parametrize("secret,token", [("wJalr\x01XUtn", None), ("wJalrXUtn", "FQoG\u00e9token")])
def test_no_secret_in_the_text_of_a_refused_key(secret, token):
    with pytest.raises(InputError) as caught:
        Credentials("AKIDX", secret, token)
    assert "wJalr" not in str(caught.value) and "FQoG" not in str(caught.value)
    assert str(caught.value) in ("The secret access key holds characters no AWS key has; check how it was given.",
                                 "The session token holds characters no AWS key has; check how it was given.")
    with pytest.raises(InputError) as caught:
        Chain([Pieces("the profile 'x'", aws_access_key_id="AKIDX", aws_secret_access_key=secret,
                      aws_session_token=token or "FQoG token")]).load()
    assert "wJalr" not in str(caught.value) and "FQoG" not in str(caught.value)
    assert "from the profile 'x' holds a character no AWS key has" in str(caught.value)


def test_an_expiry_must_carry_its_time_zone():
    with pytest.raises(ValueError):
        Credentials("AKIDX", SECRET, None, dt.datetime(2026, 11, 26, 12, 0))
