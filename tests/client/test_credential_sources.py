"""The credential chain against botocore's, setup by setup (issue 23's matrix): each setup is a HOME
in tmp_path and a bare environment; the access key id ec2ops signs with (seen in the Authorization
header at a recording endpoint on 127.0.0.1) and whether it sends a session token equal what
botocore resolves with the same HOME and environment, or both refuse, and ec2ops's line is asserted
word for word."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import pytest

from conftest import run_cli

KEYS = "[{0}]\naws_access_key_id = AKID{1}\naws_secret_access_key = s{1}\n"
DEFAULT, PROD, X, Y = KEYS.format("default", "DEF"), KEYS.format("prod", "PROD"), KEYS.format("x", "X"), \
    KEYS.format("y", "Y")
ENV = {"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "senv"}
NOT_FOUND = "The profile '{}' was not found in ~/.aws/credentials or ~/.aws/config."
MISSING = ("Missing credentials: accessKeyId (--access-key-id, AWS_ACCESS_KEY_ID or a profile) and accessKey "
           "(--access-key, AWS_SECRET_ACCESS_KEY or a profile).")
PARTIAL_ENV = "Partial credentials in the environment: AWS_ACCESS_KEY_ID is set without AWS_SECRET_ACCESS_KEY."
ARN = "arn:aws:iam::123456789012:role/{}"
BASE = KEYS.format("base", "BASE")


def role(profile: str, name: str, **settings) -> str:
    """A config section of a role profile."""
    head = "[default]" if profile == "default" else f"[profile {profile}]"
    return "\n".join([head, f"role_arn = {ARN.format(name)}", *(f"{k} = {v}" for k, v in settings.items())]) + "\n"


@dataclass
class Setup:
    env: dict = field(default_factory=dict)
    credentials: str = ""
    config: str = ""
    profile: str | None = None  # --profile
    expect: tuple[str, bool] | str = ""  # (the id signed with, a token sent) or the refusal's line
    code: int = 2  # a refusal's exit status
    assumed: list | None = None  # the roles asked for at STS, each with the key id that signed the request
    files: dict = field(default_factory=dict)  # more files in HOME: name -> text
    imds_asked: bool | None = None  # whether the instance metadata fake was asked anything


IMDS_ON = {"AWS_EC2_METADATA_DISABLED": "false", "AWS_EC2_METADATA_SERVICE_ENDPOINT": "{imds}"}
CONTAINER = {"AWS_CONTAINER_CREDENTIALS_FULL_URI": "{container}/creds", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "tok-1"}
WEB = {"AWS_WEB_IDENTITY_TOKEN_FILE": "{home}/oidc-token", "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/ci",
       "AWS_ROLE_SESSION_NAME": "ci-run"}
OIDC = {"oidc-token": "eyJhbGciOiJSUzI1NiJ9.ci.token\n"}
PROCESS = ("import json; print(json.dumps({'Version': 1, 'AccessKeyId': 'AKIDPROC', 'SecretAccessKey': 'sproc', "
           "'SessionToken': 'tproc', 'Expiration': '2099-01-01T00:00:00Z'}))\n")
SSO_PROFILE = "[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Admin\n"
SSO_SESSION = "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n"
SSO_LEGACY = ("[profile old]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n"
              "sso_account_id = 111122223333\nsso_role_name = ReadOnly\n")


def sso_token(name: str, expires: str = "2099-01-01T00:00:00Z") -> dict:
    """The file `aws sso login` leaves in ~/.aws/sso/cache for a session (or a legacy start URL)."""
    import hashlib
    import json

    path = ".aws/sso/cache/" + hashlib.sha1(name.encode()).hexdigest() + ".json"
    return {path: json.dumps({"startUrl": "https://corp.awsapps.com/start", "region": "us-east-1",
                              "accessToken": "sso-access-token", "expiresAt": expires})}


FAILING = "import sys; sys.stderr.write('helper: no session, log in first\\n'); sys.exit(3)\n"


SETUPS = {
    # the table
    "profile-flag-beats-env-keys": Setup(ENV, DEFAULT + PROD, profile="prod", expect=("AKIDPROD", False)),
    "env-id-only-profile-has-keys": Setup({"AWS_ACCESS_KEY_ID": "AKIDENV"}, DEFAULT, expect=PARTIAL_ENV),
    "stale-env-token-profile-keys": Setup({"AWS_SESSION_TOKEN": "stale"}, DEFAULT, expect=("AKIDDEF", False)),
    "aws-default-profile": Setup({"AWS_DEFAULT_PROFILE": "x"}, DEFAULT + X, expect=("AKIDX", False)),
    # each source, and each pair in order
    "env-keys": Setup(ENV, expect=("AKIDENV", False)),
    "env-keys-and-token": Setup({**ENV, "AWS_SESSION_TOKEN": "tenv"}, expect=("AKIDENV", True)),
    "env-security-token": Setup({**ENV, "AWS_SECURITY_TOKEN": "tenv"}, expect=("AKIDENV", True)),
    "default-profile": Setup(credentials=DEFAULT, expect=("AKIDDEF", False)),
    "default-profile-token": Setup(credentials=DEFAULT + "aws_session_token = t\n", expect=("AKIDDEF", True)),
    "env-beats-default-profile": Setup(ENV, DEFAULT, expect=("AKIDENV", False)),
    "env-beats-aws-profile": Setup({**ENV, "AWS_PROFILE": "y"}, DEFAULT + Y, expect=("AKIDENV", False)),
    "aws-profile": Setup({"AWS_PROFILE": "y"}, DEFAULT + Y, expect=("AKIDY", False)),
    "aws-default-profile-beats-aws-profile": Setup({"AWS_DEFAULT_PROFILE": "x", "AWS_PROFILE": "y"}, DEFAULT + X + Y,
                                                   expect=("AKIDX", False)),
    "profile-flag-beats-aws-profile": Setup({"AWS_PROFILE": "y"}, X + Y, profile="x", expect=("AKIDX", False)),
    "credentials-file-beats-config": Setup(credentials=PROD, config="[profile prod]\naws_access_key_id = AKIDCONF\n"
                                           "aws_secret_access_key = sconf\n", profile="prod",
                                           expect=("AKIDPROD", False)),
    "config-file-keys": Setup(config="[profile prod]\naws_access_key_id = AKIDCONF\naws_secret_access_key = s\n",
                              profile="prod", expect=("AKIDCONF", False)),
    "config-default-keys": Setup(config="[default]\naws_access_key_id = AKIDCONF\naws_secret_access_key = s\n",
                                 expect=("AKIDCONF", False)),
    # partial and stale sets
    "env-secret-only-profile-keys": Setup({"AWS_SECRET_ACCESS_KEY": "senv"}, DEFAULT, expect=("AKIDDEF", False)),
    "profile-id-in-credentials-secret-in-config": Setup(
        credentials="[prod]\naws_access_key_id = AKIDPROD\n", config="[profile prod]\naws_secret_access_key = s\n",
        profile="prod", expect="Partial credentials in the profile 'prod' of ~/.aws/credentials: aws_access_key_id "
        "without aws_secret_access_key."),
    "config-id-only": Setup(config="[default]\naws_access_key_id = AKIDCONF\n", expect=(
        "Partial credentials in the profile 'default' of ~/.aws/config: aws_access_key_id without "
        "aws_secret_access_key.")),
    "profile-flag-partial-with-env-keys": Setup(ENV, "[prod]\naws_access_key_id = AKIDPROD\n", profile="prod",
                                                expect="Partial credentials in the profile 'prod' of "
                                                "~/.aws/credentials: aws_access_key_id without aws_secret_access_key."),
    "profile-flag-without-keys-env-keys": Setup(ENV, config="[profile prod]\nregion = eu-west-1\n", profile="prod",
                                                expect=MISSING),
    # names that are not there
    "profile-flag-unknown": Setup(ENV, DEFAULT, profile="nope", expect=NOT_FOUND.format("nope")),
    "aws-profile-unknown-env-keys": Setup({**ENV, "AWS_PROFILE": "nope"}, DEFAULT, expect=NOT_FOUND.format("nope")),
    "aws-default-profile-unknown": Setup({"AWS_DEFAULT_PROFILE": "nope"}, DEFAULT, expect=NOT_FOUND.format("nope")),
    "nothing": Setup(expect=MISSING),
    # roles
    "role-source-profile": Setup(credentials=BASE, config=role("r", "ops", source_profile="base"), profile="r",
                                 expect=("ASIAOPS", True), assumed=[("ops", "AKIDBASE")]),
    "role-as-aws-profile": Setup({"AWS_PROFILE": "r"}, BASE, role("r", "ops", source_profile="base"),
                                 expect=("ASIAOPS", True), assumed=[("ops", "AKIDBASE")]),
    "role-default-profile": Setup(credentials=BASE, config=role("default", "ops", source_profile="base"),
                                  expect=("ASIAOPS", True)),
    "role-env-keys-beat-aws-profile-role": Setup({**ENV, "AWS_PROFILE": "r"}, BASE,
                                                 role("r", "ops", source_profile="base"), expect=("AKIDENV", False),
                                                 assumed=[]),
    "role-chained": Setup(credentials=BASE, config=role("r", "ops", source_profile="base")
                          + role("audit", "audit", source_profile="r"), profile="audit", expect=("ASIAAUDIT", True),
                          assumed=[("ops", "AKIDBASE"), ("audit", "ASIAOPS")]),
    "role-beats-own-keys": Setup(credentials=KEYS.format("r", "OWN") + BASE,
                                 config=role("r", "ops", source_profile="base"), profile="r", expect=("ASIAOPS", True)),
    "role-source-is-itself-with-keys": Setup(credentials=KEYS.format("r", "OWN"),
                                             config=role("r", "ops", source_profile="r"), profile="r",
                                             expect=("ASIAOPS", True), assumed=[("ops", "AKIDOWN")]),
    "role-source-keys-beat-source-role": Setup(credentials=BASE, config=role("base", "other", source_profile="x")
                                               + role("r", "ops", source_profile="base"), profile="r",
                                               expect=("ASIAOPS", True), assumed=[("ops", "AKIDBASE")]),
    "role-credential-source-environment": Setup(ENV, config=role("r", "ops", credential_source="Environment"),
                                                profile="r", expect=("ASIAOPS", True), assumed=[("ops", "AKIDENV")]),
    "role-credential-source-environment-empty": Setup(config=role("r", "ops", credential_source="Environment"),
                                                      profile="r", expect=(
        "The profile 'r' takes its source keys from credential_source = Environment, which has none.")),
    "role-source-profile-missing": Setup(config=role("r", "ops", source_profile="gone"), profile="r", expect=(
        "The profile 'r' names source_profile 'gone', which is not in ~/.aws/credentials or ~/.aws/config.")),
    "role-source-profile-without-keys": Setup(config=role("r", "ops", source_profile="bare")
                                              + "[profile bare]\nregion = eu-west-1\n", profile="r", expect=(
        "The profile 'r' names source_profile 'bare', which has no credentials.")),
    "role-loop": Setup(config=role("a", "a", source_profile="b") + role("b", "b", source_profile="a"), profile="a",
                       expect="The profiles a -> b -> a source each other in a loop, and none has keys."),
    "role-both-sources": Setup(ENV, BASE, role("r", "ops", source_profile="base", credential_source="Environment"),
                               profile="r",
                               expect="The profile 'r' has both source_profile and credential_source: give one."),
    "role-denied": Setup(credentials=BASE, config=role("r", "denied", source_profile="base"), profile="r", code=1,
                         expect=("The profile 'r' could not assume the role arn:aws:iam::123456789012:role/denied: "
                                 "User is not authorized to perform: sts:AssumeRole on "
                                 "arn:aws:iam::123456789012:role/denied. Error code: AccessDenied."),
                         assumed=[("denied", "AKIDBASE")]),
    "role-chained-denied-midway": Setup(credentials=BASE, config=role("r", "denied", source_profile="base")
                                        + role("audit", "audit", source_profile="r"), profile="audit", code=1,
                                        expect=("The profile 'r' could not assume the role "
                                                "arn:aws:iam::123456789012:role/denied: User is not authorized to "
                                                "perform: sts:AssumeRole on arn:aws:iam::123456789012:role/denied. "
                                                "Error code: AccessDenied."), assumed=[("denied", "AKIDBASE")]),
    "role-mfa-without-terminal": Setup(credentials=BASE, config=role("r", "ops", source_profile="base",
                                                                     mfa_serial="arn:aws:iam::123456789012:mfa/me"),
                                       profile="r", expect=("The profile 'r' needs a code from its MFA device "
                                                            "arn:aws:iam::123456789012:mfa/me, and there is no "
                                                            "terminal to ask for it on."), assumed=[]),
    # keys served where ec2ops runs: a container's endpoint, then the instance's profile (IMDSv2)
    "imds-instance-profile": Setup(IMDS_ON, expect=("ASIAIMDS", True), imds_asked=True),
    "imds-disabled": Setup({"AWS_EC2_METADATA_SERVICE_ENDPOINT": "{imds}"}, expect=MISSING, imds_asked=False),
    "imds-down": Setup({"AWS_EC2_METADATA_DISABLED": "false", "AWS_EC2_METADATA_SERVICE_ENDPOINT":
                        "http://127.0.0.1:9"}, expect=MISSING),
    "env-keys-never-ask-imds": Setup({**ENV, **IMDS_ON}, expect=("AKIDENV", False), imds_asked=False),
    "profile-keys-never-ask-imds": Setup(IMDS_ON, DEFAULT, expect=("AKIDDEF", False), imds_asked=False),
    "explicit-profile-without-keys-then-imds": Setup(IMDS_ON, config="[profile prod]\nregion = eu-west-1\n",
                                                     profile="prod", expect=("ASIAIMDS", True)),
    "container-full-uri-token": Setup(CONTAINER, expect=("ASIACONTAINER", True)),
    "container-token-file": Setup({"AWS_CONTAINER_CREDENTIALS_FULL_URI": "{container}/creds",
                                   "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "{home}/pod-token"},
                                  files={"pod-token": "tok-1"}, expect=("ASIACONTAINER", True)),  # no newline: botocore sends it
    "container-beats-imds": Setup({**CONTAINER, **IMDS_ON}, expect=("ASIACONTAINER", True), imds_asked=False),
    "env-keys-beat-container": Setup({**ENV, **CONTAINER}, expect=("AKIDENV", False)),
    "container-wrong-token": Setup({**CONTAINER, "AWS_CONTAINER_AUTHORIZATION_TOKEN": "wrong"}, code=3,
                                   expect="The container's credentials endpoint {container}/creds answered HTTP 403."),
    "role-credential-source-ec2-instance": Setup(IMDS_ON, config=role("r", "ops", credential_source="Ec2InstanceMetadata"),
                                                 profile="r", expect=("ASIAOPS", True), assumed=[("ops", "ASIAIMDS")]),
    "role-credential-source-ecs-container": Setup(CONTAINER, config=role("r", "ops", credential_source="EcsContainer"),
                                                  profile="r", expect=("ASIAOPS", True),
                                                  assumed=[("ops", "ASIACONTAINER")]),
    # web identity (CI with OIDC, EKS IRSA)
    "web-identity-env": Setup(WEB, files=OIDC, expect=("ASIACI", True), assumed=[("ci", None)]),
    "web-identity-before-profile-keys": Setup(WEB, DEFAULT, files=OIDC, expect=("ASIACI", True)),
    "env-keys-beat-web-identity": Setup({**ENV, **WEB}, files=OIDC, expect=("AKIDENV", False), assumed=[]),
    "web-identity-profile": Setup(config="[profile ci]\nweb_identity_token_file = {home}/oidc-token\n"
                                  "role_arn = arn:aws:iam::123456789012:role/deploy\n", files=OIDC, profile="ci",
                                  expect=("ASIADEPLOY", True), assumed=[("deploy", None)]),
    "web-identity-token-file-missing": Setup(WEB, expect=("The web identity token file {home}/oidc-token "
                                                          "(AWS_WEB_IDENTITY_TOKEN_FILE) is missing or empty.")),
    # IAM Identity Center (SSO), from the token `aws sso login` cached
    "sso-session": Setup({"AWS_ENDPOINT_URL_SSO": "{sso}"}, config=SSO_PROFILE + SSO_SESSION, profile="dev",
                         files=sso_token("corp"), expect=("ASIASSOADMIN", True)),
    "sso-legacy-start-url": Setup({"AWS_ENDPOINT_URL_SSO": "{sso}", "AWS_PROFILE": "old"}, config=SSO_LEGACY,
                                  files=sso_token("https://corp.awsapps.com/start"), expect=("ASIASSOREADONLY", True)),
    "sso-token-expired": Setup({"AWS_ENDPOINT_URL_SSO": "{sso}"}, config=SSO_LEGACY, profile="old",
                               files=sso_token("https://corp.awsapps.com/start", "2020-01-01T00:00:00Z"),
                               expect="The SSO session of the profile 'old' has expired: run aws sso login --profile old."),
    "sso-not-logged-in": Setup({"AWS_ENDPOINT_URL_SSO": "{sso}"}, config=SSO_PROFILE + SSO_SESSION, profile="dev",
                               expect="The profile 'dev' has no SSO token in ~/.aws/sso/cache: run aws sso login "
                               "--profile dev."),
    "sso-role-source-for-a-role": Setup({"AWS_ENDPOINT_URL_SSO": "{sso}"}, config=SSO_PROFILE + SSO_SESSION
                                        + role("r", "ops", source_profile="dev"), profile="r",
                                        files=sso_token("corp"), expect=("ASIAOPS", True),
                                        assumed=[("ops", "ASIASSOADMIN")]),
    # credential_process
    "credential-process": Setup(config="[default]\ncredential_process = {python} {home}/helper.py\n",
                                files={"helper.py": PROCESS}, expect=("AKIDPROC", True)),
    "credential-process-failing": Setup(config="[default]\ncredential_process = {python} {home}/helper.py\n",
                                        files={"helper.py": FAILING},
                                        expect="The credential_process of the profile 'default' failed (exit status 3)."),
    "credentials-file-keys-beat-process": Setup(credentials=DEFAULT, config="[default]\ncredential_process = "
                                                "{python} {home}/helper.py\n", files={"helper.py": PROCESS},
                                                expect=("AKIDDEF", False)),
    "process-beats-config-file-keys": Setup(config="[default]\naws_access_key_id = AKIDCONF\naws_secret_access_key = s"
                                            "\ncredential_process = {python} {home}/helper.py\n",
                                            files={"helper.py": PROCESS}, expect=("AKIDPROC", True)),
    "empty-env-id": Setup({"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "senv"}, DEFAULT,
                          expect=("AKIDDEF", False)),
}


@pytest.fixture
def bare(monkeypatch, tmp_path):
    """A bare environment (no AWS_ variable) and HOME in tmp_path, with an empty ~/.aws."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".aws").mkdir()
    return tmp_path


@pytest.fixture
def sts(monkeypatch):
    """The fake STS (stsfake.FakeSts), STS's endpoint for ec2ops and botocore alike."""
    from stsfake import FakeSts

    fake = FakeSts()
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", fake.url)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")  # botocore asks STS only with a region
    yield fake
    fake.close()


def botocore_resolves(profile: str | None):
    """(the access key id, a token or not) botocore resolves in this environment, or "refused"."""
    import botocore.exceptions
    import botocore.session

    try:
        found = botocore.session.Session(profile=profile).get_credentials()
        if found is None:
            return "refused"
        keys = found.get_frozen_credentials()  # a role is assumed here
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError, OSError, EOFError):
        return "refused"
    return keys.access_key, bool(keys.token)


ORACLE = """import json, sys
import botocore.exceptions, botocore.session
try:
    found = botocore.session.Session(profile=sys.argv[1] or None).get_credentials()
    keys = found and found.get_frozen_credentials()
    print(json.dumps([keys.access_key, bool(keys.token)] if keys else "refused"))
except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError):
    print(json.dumps("refused"))
"""


def botocore_in_its_own_process(profile: str | None):
    """As botocore_resolves, botocore imported afresh: it reads where the SSO token cache is from HOME
    once, when imported."""
    import json
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", ORACLE, profile or ""], capture_output=True, text=True, timeout=60)
    found = json.loads(done.stdout)
    return found if found == "refused" else tuple(found)


def ec2ops_signs(server, profile: str | None, code: int = 2):
    """(the access key id ec2ops signed with, a token sent or not), or its one line on stderr."""
    before = len(server.requests)
    run = run_cli(["enumerate-regions"] + (["--profile", profile] if profile else []))
    if run.code != 0:
        assert run.code == code and run.err.count("\n") == 1 and len(server.requests) == before, run.err
        return run.err.removeprefix("ec2ops: ").rstrip("\n")
    headers = {k.lower(): v for k, v in server.requests[-1].headers.items()}
    return headers["authorization"].split("Credential=")[1].split("/")[0], "x-amz-security-token" in headers


@pytest.mark.parametrize("name", SETUPS)
def test_ec2ops_signs_with_the_keys_botocore_resolves(name, bare, fault_server, sts, monkeypatch):
    import sys

    import credfakes

    setup = SETUPS[name]
    imds, container, sso = credfakes.imds(), credfakes.container("tok-1"), credfakes.sso_portal()
    urls = {"imds": imds.url, "container": container.url, "sso": sso.url, "home": str(bare), "python": sys.executable}
    for variable in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):  # the fixture's keys: this setup has its own
        monkeypatch.delenv(variable, raising=False)
    for variable, value in setup.env.items():
        monkeypatch.setenv(variable, value.format(**urls))
    (bare / ".aws" / "credentials").write_text(setup.credentials)
    (bare / ".aws" / "config").write_text(setup.config.format(**urls))
    for file, text in setup.files.items():
        (bare / file).parent.mkdir(parents=True, exist_ok=True)
        (bare / file).write_text(text)
    try:
        compare(setup, fault_server, sts, urls)
        if setup.imds_asked is not None:
            assert bool(imds.requests) == setup.imds_asked
    finally:
        imds.close()
        container.close()
        sso.close()


def compare(setup, fault_server, sts, urls):
    oracle = (botocore_in_its_own_process if "sso_" in setup.config else botocore_resolves)(setup.profile)
    sts.requests.clear()
    signed = ec2ops_signs(fault_server, setup.profile, setup.code)
    if isinstance(setup.expect, str):
        assert (oracle, signed) == ("refused", setup.expect.format(**urls))
    else:
        assert oracle == signed == setup.expect
    if setup.assumed is not None:
        assert sts.assumed() == setup.assumed
