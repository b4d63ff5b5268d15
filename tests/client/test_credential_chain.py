"""The credential chain: providers asked in order, the first whole set taken (never completed from
another source), keys that expire and are loaded again (once, whatever the number of threads), and
secrets that never print. The old key-by-key merging's tests became the whole-set ones below (issue
23 demands it: merging signed with one account's id and another's secret, or a stale token)."""

import datetime as dt
import threading
import time

import httpx
import pytest
import respx

from ec2ops import credentials
from ec2ops.client.query import Client, Settings
from ec2ops.credentials import Chain, Credentials, Source
from ec2ops.errors import InputError

T0 = dt.datetime(2026, 11, 26, 12, 0, 0, tzinfo=dt.timezone.utc)
SECRET, TOKEN = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "FQoGZXIvYXdzEJr//////////token"


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
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_PROFILE",
                 "AWS_DEFAULT_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    return tmp_path


# -- the chain's order: the first whole set ---------------------------------------------------
def test_the_first_whole_set_is_the_chains_and_later_providers_are_not_asked():
    first, second = Whole(Credentials("AKIDFIRST", SECRET), name="first"), Whole(Credentials("AKIDSECOND", SECRET))
    assert Chain([Whole(None), first, second]).load() == Credentials("AKIDFIRST", SECRET)
    assert (first.loads, second.loads) == (1, 0)


def test_an_empty_chain_is_bad_input_in_its_own_words():
    with pytest.raises(InputError) as caught:
        Chain([Whole(None)], missing=lambda: "gone.").load()
    assert str(caught.value) == "gone."


def test_a_set_from_an_expiring_provider_keeps_its_expiry():
    keys = Chain([Whole(Credentials("AKIDTEMP", SECRET, TOKEN, T0))]).load()
    assert keys == Credentials("AKIDTEMP", SECRET, TOKEN, T0)


def test_each_provider_loads_a_whole_set_nothing_or_refuses_a_partial_one(home, monkeypatch):
    from ec2ops.credentials import Environment, Flags, Profile

    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "senv")
    assert Environment().load() is None  # a secret alone: the next source is asked, as botocore does
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
    assert Environment().load() == Credentials("AKIDENV", "senv")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    with pytest.raises(InputError) as caught:
        Environment().load()
    assert str(caught.value) == ("Partial credentials in the environment: AWS_ACCESS_KEY_ID is set without "
                                 "AWS_SECRET_ACCESS_KEY.")
    assert Flags(None, None, None).load() is None
    assert Flags("AKIDFLAG", " sflag ", "tflag").load() == Credentials("AKIDFLAG", "sflag", "tflag")
    (home / "credentials").write_text("[ops]\naws_access_key_id = AKIDOPS\naws_secret_access_key = sops\n")
    assert Profile("ops").load() == Credentials("AKIDOPS", "sops") and Profile(None).load() is None


# -- the chain through resolve() ----------------------------------------------------------------
def test_a_flag_stands_for_its_variable(home, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "senv")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "tenv")
    keys = credentials.resolve("AKIDFLAG", None, None, None).current()
    assert (keys.access_key_id, keys.secret_key, keys.session_token) == ("AKIDFLAG", "senv", "tenv")


def test_a_partial_environment_is_refused_never_completed_from_the_profile(home, monkeypatch):
    (home / "credentials").write_text("[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = sfile\n"
                                      "aws_session_token = tfile\n")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", " AKIDENV ")
    with pytest.raises(InputError) as caught:
        credentials.resolve(None, None, None, None)
    assert str(caught.value) == ("Partial credentials in the environment: AWS_ACCESS_KEY_ID is set without "
                                 "AWS_SECRET_ACCESS_KEY.")


def test_a_stale_token_alone_in_the_environment_is_left_out(home, monkeypatch):
    (home / "credentials").write_text("[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = sfile\n")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "stale")
    assert credentials.resolve(None, None, None, None).current() == Credentials("AKIDFILE", "sfile")


def test_an_explicit_profile_beats_the_environment(home, monkeypatch):
    (home / "credentials").write_text("[prod]\naws_access_key_id = AKIDPROD\naws_secret_access_key = sprod\n")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "senv")
    assert credentials.resolve(None, None, None, "prod").current() == Credentials("AKIDPROD", "sprod")
    monkeypatch.setenv("AWS_PROFILE", "prod")  # the same name from the variable: the environment's keys come first
    assert credentials.resolve(None, None, None, "prod").current().access_key_id == "AKIDENV"
    assert credentials.resolve(None, None, None, "prod", explicit=True).current().access_key_id == "AKIDPROD"


def test_an_explicit_profile_is_read_whatever_the_environment_holds(home, monkeypatch):
    (home / "credentials").write_text("not an ini file\n")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "senv")
    with pytest.raises(InputError) as caught:
        credentials.resolve(None, None, None, "elsewhere")
    assert str(caught.value) == (f"The credentials file {home / 'credentials'} is malformed: a line before the first "
                                 "[section] (line 1).")


def test_aws_default_profile_comes_before_aws_profile(home, monkeypatch):
    (home / "credentials").write_text("[x]\naws_access_key_id = AKIDX\naws_secret_access_key = sx\n"
                                      "[y]\naws_access_key_id = AKIDY\naws_secret_access_key = sy\n"
                                      "[default]\naws_access_key_id = AKIDDEF\naws_secret_access_key = sd\n")
    monkeypatch.setenv("AWS_DEFAULT_PROFILE", "x")
    assert credentials.resolve(None, None, None, None).current().access_key_id == "AKIDX"
    monkeypatch.setenv("AWS_PROFILE", "y")
    assert credentials.resolve(None, None, None, "y").current().access_key_id == "AKIDX"
    monkeypatch.delenv("AWS_DEFAULT_PROFILE")
    assert credentials.resolve(None, None, None, "y").current().access_key_id == "AKIDY"


def test_a_profile_named_in_the_environment_must_exist_even_with_keys_there(home, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "senv")
    monkeypatch.setenv("AWS_PROFILE", "nope")
    with pytest.raises(InputError) as caught:
        credentials.resolve(None, None, None, "nope")
    assert str(caught.value) == "The profile 'nope' was not found in ~/.aws/credentials or ~/.aws/config."


def test_a_profiles_keys_come_whole_from_one_file(home):
    (home / "credentials").write_text("[ops]\naws_access_key_id = AKIDFILE\n")
    (home / "config").write_text("[profile ops]\naws_secret_access_key = sconf\n")
    with pytest.raises(InputError) as caught:
        credentials.resolve(None, None, None, "ops")
    assert str(caught.value) == ("Partial credentials in the profile 'ops' of ~/.aws/credentials: aws_access_key_id "
                                 "without aws_secret_access_key.")
    (home / "credentials").write_text("[ops]\naws_secret_access_key = sfile\n")
    (home / "config").write_text("[profile ops]\naws_access_key_id = AKIDCONF\naws_secret_access_key = sconf\n")
    assert credentials.resolve(None, None, None, "ops").current() == Credentials("AKIDCONF", "sconf")


def test_missing_credentials(home):
    with pytest.raises(InputError) as caught:
        credentials.resolve(None, "secret", None, None)
    assert str(caught.value) == ("Missing credentials: accessKeyId (--access-key-id or AWS_ACCESS_KEY_ID), to go "
                                 "with --access-key.")
    with pytest.raises(InputError) as caught:
        credentials.resolve(None, None, None, None)
    assert str(caught.value) == credentials.MISSING == (
        "Missing credentials: accessKeyId (--access-key-id, AWS_ACCESS_KEY_ID or a profile) and accessKey "
        "(--access-key, AWS_SECRET_ACCESS_KEY or a profile).")


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
    from ec2ops.client.keys import Piece, of_pieces

    with pytest.raises(InputError) as caught:
        of_pieces({"aws_access_key_id": Piece("AKIDX", "the profile 'x'"),
                   "aws_secret_access_key": Piece(secret, "the profile 'x'"),
                   "aws_session_token": Piece(token or "FQoG token", "the profile 'x'")})
    assert "wJalr" not in str(caught.value) and "FQoG" not in str(caught.value)
    assert "from the profile 'x' holds a character no AWS key has" in str(caught.value)


def test_an_expiry_must_carry_its_time_zone():
    with pytest.raises(ValueError):
        Credentials("AKIDX", SECRET, None, dt.datetime(2026, 11, 26, 12, 0))
