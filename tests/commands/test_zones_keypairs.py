"""The first five commands end to end against moto's EC2 server."""

import os
import stat

import httpx
import pytest
import respx
from conftest import SECRET_KEY, ec2_xml, refusal


def test_enumerate_regions_plain_is_the_guides_table(ec2ops):
    run = ec2ops("enumerate-regions")
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert "us-east-1,ec2.us-east-1.amazonaws.com" in lines
    assert "eu-west-1,ec2.eu-west-1.amazonaws.com" in lines
    assert lines[-1].startswith("requestId: ") and len(lines[-1]) > len("requestId: ") + 8


def test_enumerate_regions_json_and_delimiters(ec2ops):
    doc = ec2ops("enumerate-regions", "-o", "json").json()
    assert list(doc) == ["returnResult", "requestId"]
    assert {"regionName": "eu-west-1", "regionEndpoint": "ec2.eu-west-1.amazonaws.com"} in doc["returnResult"]
    assert all(list(row) == ["regionName", "regionEndpoint"] for row in doc["returnResult"])
    run = ec2ops("enumerate-regions", "--rowDelimiter", "|", "--col-delimiter", "\\t", "--get", "returnResult")
    assert "|eu-west-1\tec2.eu-west-1.amazonaws.com|" in run.out
    assert run.out.count("\n") == 1


def test_get_request_id_prints_only_it(ec2ops):
    run = ec2ops("enumerate-regions", "--get", "requestId")
    assert run.code == 0
    assert len(run.out.split()) == 1 and "," not in run.out
    bad = ec2ops("enumerate-regions", "--get", "nope")
    assert bad.code == 2 and "returnResult, requestId" in bad.err


def test_enumerate_availability_zones(ec2ops):
    run = ec2ops("enumerate-availability-zones", "--delimiter", " ", "-o", "json")
    doc = run.json()
    assert "us-east-1a" in doc["returnResult"] and doc["notAvailableZones"] == []
    plain = ec2ops("enumerate-availability-zones", "--get", "returnResult")
    assert plain.out.strip().split(",")[0] == "us-east-1a"


def test_key_pair_lifecycle(ec2ops):
    created = ec2ops("allocate-new-key-pair", "--key-name", "k1", "-o", "json")
    assert created.code == 0, created.err
    doc = created.json()
    assert doc["returnResult"].startswith("-----BEGIN") and doc["keyFingerprint"].count(":") >= 15
    listed = ec2ops("enumerate-key-pairs")
    assert listed.out.splitlines()[0] == f"k1,{doc['keyFingerprint']}"
    duplicate = ec2ops("allocate-new-key-pair", "--keyName", "k1")
    assert duplicate.code == 1
    assert refusal(duplicate.err) == "ec2ops: The keypair 'k1' already exists. Error code: InvalidKeyPair.Duplicate."
    assert ".. Error code" not in duplicate.err
    deleted = ec2ops("delete-key-pair", "--key-name", "k1")
    assert (deleted.code, deleted.out.splitlines()[0]) == (0, "true")
    empty = ec2ops("enumerate-key-pairs")
    assert (empty.code, empty.err.strip()) == (1, "ec2ops: No items found!")


def test_key_file_is_0600_and_never_overwritten(ec2ops, tmp_path):
    old = os.umask(0)
    try:
        path = tmp_path / "k.pem"
        run = ec2ops("allocate-new-key-pair", "--key-name", "kf", "--key-file", path)
        assert run.code == 0, run.err
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert path.read_text().startswith("-----BEGIN") and "PRIVATE KEY" not in run.out
        assert run.out.splitlines()[0] == str(path)
        before = path.read_text()
        again = ec2ops("allocate-new-key-pair", "--key-name", "kf2", "--key-file", path)
        assert again.code == 2 and "already exists" in again.err and "--force" in again.err
        assert path.read_text() == before
        # Nothing was sent: kf2 does not exist on the server.
        assert "kf2" not in ec2ops("enumerate-key-pairs").out
        forced = ec2ops("allocate-new-key-pair", "--key-name", "kf3", "--key-file", path, "--force")
        assert forced.code == 0 and path.read_text() != before
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    finally:
        os.umask(old)


def test_missing_required_input_is_exit_2(ec2ops):
    run = ec2ops("delete-key-pair")
    assert run.code == 2 and "--key-name" in run.err


def test_secret_never_printed_even_with_debug(ec2ops):
    run = ec2ops("enumerate-key-pairs", "--debug")
    assert SECRET_KEY not in run.out + run.err
    assert "Signature=***" in run.err and ">>> POST" in run.err


def test_signature_version_2_against_moto_ec2_app(ec2ops, ec2_only_url):
    run = ec2ops("allocate-new-key-pair", "--key-name", "v2key", "--signature-version", "2",
                 "--service-endpoint", ec2_only_url, "--get", "keyFingerprint")
    assert run.code == 0, run.err
    listed = ec2ops("enumerate-key-pairs", "--signature-version", "2", "--signature-method", "HmacSHA1",
                    "--endpoint", ec2_only_url)
    assert f"v2key,{run.out.strip()}" in listed.out.splitlines()


def test_query_sent_for_a_key_pair(ec2ops):
    from conftest import debug_params

    run = ec2ops("allocate-new-key-pair", "--key-name", "q1", "--debug")
    assert debug_params(run.err) == {"Action": "CreateKeyPair", "Version": "2016-11-15", "KeyName": "q1"}


def test_key_file_in_a_missing_directory_is_refused_before_sending(ec2ops, tmp_path):
    run = ec2ops("allocate-new-key-pair", "--key-name", "lost", "--key-file", tmp_path / "nope" / "k.pem")
    assert run.code == 2 and "not a writable directory" in run.err
    assert "lost" not in ec2ops("enumerate-key-pairs").out  # nothing was created on EC2


def test_a_get_typo_is_refused_before_anything_is_sent(ec2ops):
    run = ec2ops("allocate-new-key-pair", "--key-name", "typo", "--get", "keyFingerprnt", "--debug")
    assert run.code == 2 and "keyFingerprint" in run.err and ">>> POST" not in run.err
    assert ec2ops("enumerate-key-pairs").code == 1  # no key pair was made
    for command in (["create-shared-snapshot", "--volume-id", "vol-1", "--groups", "all"],
                    ["run-instances-from-template", "--instance-identifier", "i-1"],
                    ["ec2-dashboard"]):
        flow = ec2ops(*command, "--get", "nope", "--debug")
        assert flow.code == 2 and ">>> POST" not in flow.err, command
    assert ec2ops("allocate-new-key-pair", "--key-name", "kf", "--key-file", "/tmp/ec2ops-kf-test.pem",
                  "--force", "--get", "keyFile").out.strip() == "/tmp/ec2ops-kf-test.pem"


@pytest.mark.parametrize("material", ["", "<keyMaterial/>", "<keyMaterial><S3/></keyMaterial>"])
def test_an_answer_without_a_private_key_writes_no_key_file_and_exits_4(offline, tmp_path, material):
    """A CreateKeyPair answer with no key text (the element missing, empty, or holding elements):
    never an empty key file and exit 0; the key pair was made, so exit 4 says how to recover."""
    path = tmp_path / "k.pem"
    with respx.mock:
        respx.post("https://ec2.us-east-1.amazonaws.com/").mock(return_value=httpx.Response(200, text=ec2_xml(
            "CreateKeyPair", f"<keyName>nokey</keyName><keyFingerprint>1f:51:ae</keyFingerprint>{material}")))
        run = offline("allocate-new-key-pair", "--key-name", "nokey", "--key-file", path)
    assert (run.code, run.out) == (4, "")
    assert run.err == (f"ec2ops: The key pair 'nokey' was created, but EC2's answer holds no private key to write to "
                       f"{path}. Delete the key pair and allocate it again.\n")
    assert not path.exists()
