"""An operator's day against moto, with ec2ops alone: each step's output feeds the next, and the
state is read back with ec2ops at every turn."""


def test_operator_scenario(ec2ops, tmp_path):
    def ok(*args) -> str:
        run = ec2ops(*args)
        assert run.code == 0, (args, run.err)
        return run.out

    def get(*args) -> str:
        return ok(*args, "--get", "returnResult").strip()

    # Key pair, security group and a rule.
    ok("allocate-new-key-pair", "--key-name", "ops", "--key-file", tmp_path / "ops.pem")
    assert get("enumerate-key-pairs").startswith("ops,")
    assert get("create-security-group", "--group-name", "web", "--group-description", "web tier") == "true"
    assert get("allow-access-to-security-group", "--group-name", "web", "--ip-protocol", "tcp",
               "--from-port", "22", "--to-port", "22", "--cidr-ip", "203.0.113.0/24") == "true"
    assert "tcp,22,22,null,null,203.0.113.0/24" in ok("get-security-group-details", "--group-name", "web")

    # An image registered, then an instance of it.
    image = get("register-image", "--image-location", "/ops-bucket/base.manifest.xml", "--wait",
                "--wait-interval", "0.05")
    assert image.startswith("ami-")
    instance = get("run-instances", "--ami-id", image, "--key-name", "ops", "--security-groups", "web",
                   "--placement-zone", "us-east-1a", "--instance-type", "t3.micro", "--wait",
                   "--wait-interval", "0.05")
    row = get("describe-instances", "--instance-ids", instance).split(";")
    assert row[0] == instance and row[2] == "t3.micro" and row[3] == "running" and row[5] == "ops"
    assert row[13] == "us-east-1a" and row[14] == "web"

    # A volume: create, attach, detach; a snapshot of it, shared.
    volume = get("create-volume", "--size", "8", "--availability-zone", "us-east-1a", "--wait",
                 "--wait-interval", "0.05")
    assert get("attach-volume", "--volume-id", volume, "--instance-id", instance, "--device-name", "/dev/sdf",
               "--wait", "--wait-interval", "0.05") in ("attaching", "attached")
    details = ok("get-volume-details", "--volume-id", volume)
    assert "status: in-use" in details and f"{instance},/dev/sdf,attached" in details
    ok("detach-volume", "--volume-id", volume, "--instance-id", instance, "--device-name", "/dev/sdf",
       "--wait", "--wait-interval", "0.05")
    assert "status: available" in ok("get-volume-details", "--volume-id", volume)
    snapshot = get("create-snapshot", "--volume-id", volume, "--snapshot-description", "nightly", "--wait",
                   "--wait-interval", "0.05")
    assert get("modify-snapshot-attribute", "--snapshot-id", snapshot, "--operation-type", "add",
               "--user-ids", "123456789012") == "true"
    shared = get("create-shared-snapshot", "--volume-id", volume, "--groups", "all")
    assert {snapshot, shared} <= {line.split(",")[0] for line in get("describe-snapshots").splitlines()}
    assert "status: completed" in ok("get-snapshot-details", "--snapshot-id", snapshot)

    # An address: allocate, associate, release.
    address = get("allocate-new-elastic-ip")
    assert get("associate-elastic-ip", "--ip-address", address, "--instance-id", instance) == "true"
    assert f"{address},{instance}" in get("enumerate-elastic-ips").splitlines()
    assert get("disassociate-elastic-ip", "--ip-address", address) == "true"
    assert f"{address},null" in get("enumerate-elastic-ips").splitlines()
    assert get("release-elastic-ip", "--ip-address", address) == "true"
    assert address not in ok("enumerate-elastic-ips")

    # The image shared, then deregistered.
    assert get("modify-image-attribute", "--ami-id", image, "--attribute", "launchPermission",
               "--operation-type", "add", "--groups", "all") == "true"
    assert ok("get-image-details", "--image-id", image, "--get", "isPublic").strip() == "true"

    # The dashboard agrees with what was built.
    dashboard = ec2ops("ec2-dashboard", "--notify-method", "None", "-o", "json").json()
    assert (dashboard["instancesRunning"], dashboard["keyPairs"], dashboard["elasticIps"]) == (1, 1, 0)
    assert dashboard["ebsSnapshots"] == len(get("describe-snapshots", "--snapshot-owners", "self").splitlines())

    # Stop, start, terminate; the instance's life read back each time.
    assert get("stop-instance", "--instance-identifier", instance, "--wait", "--wait-interval", "0.05") \
        in ("stopping", "stopped")
    assert ok("get-instance-details", "--instance-identifier", instance, "--get", "status").strip() == "stopped"
    ok("start-instance", "--instance-id", instance, "--wait", "--wait-interval", "0.05")
    assert ok("get-instance-details", "--instance-identifier", instance, "--get", "status").strip() == "running"
    ok("terminate-instance", "--instance-identifier", instance, "--wait", "--wait-interval", "0.05")
    assert get("describe-instances", "--instance-ids", instance).split(";")[3] == "terminated"
    assert get("remove-image", "--ami-id", image) == "true"
    assert ec2ops("get-image-details", "--image-id", image).code == 1

    # Clean up the rest; the account is back to its default group.
    assert get("delete-volume", "--volume-id", volume) == "true"
    assert get("delete-snapshot", "--snapshot-id", shared) == "true"
    assert get("revoke-access-to-security-group", "--group-name", "web", "--ip-protocol", "tcp",
               "--from-port", "22", "--to-port", "22", "--cidr-ip", "203.0.113.0/24") == "true"
    assert get("delete-key-pair", "--key-name", "ops") == "true"
    assert ec2ops("enumerate-key-pairs").code == 1
