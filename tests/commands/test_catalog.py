"""One test walks every command of the guide: it exists, has help and an example, takes every input
the guide lists (kebab-case flag and the guide's camelCase), yields every output the guide lists,
and appears in the README's command list."""

import re
from pathlib import Path

import pytest

from ec2ops.cli import GUIDE_ORDER, cli
from ec2ops.spec import kebab

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()

# command: (the guide's inputs, the guide's outputs besides returnResult and requestId), read off the guide.
GUIDE = {
    "enumerate-availability-zones": (['delimiter'], ['notAvailableZones']),
    "enumerate-regions": (['rowDelimiter', 'colDelimiter'], []),
    "create-shared-snapshot": (['volumeId', 'userIds', 'groups', 'delimiter'], []),
    "create-snapshot": (['volumeId', 'snapshotDescription'], ['returnCode', 'volumeId', 'status', 'startTime', 'progress', 'ownerId', 'volumeSize', 'description']),
    "delete-snapshot": (['snapshotId'], ['returnCode']),
    "describe-snapshots": (['snapshotIds', 'delimiter', 'rowDelimiter', 'colDelimiter', 'snapshotOwners', 'restorableBy'], []),
    "get-snapshot-details": (['snapshotId'], ['snapshotId', 'status', 'volumeId', 'startTime', 'progress']),
    "modify-snapshot-attribute": (['snapshotId', 'attribute', 'operationType', 'userIds', 'groups', 'delimiter'], []),
    "reset-snapshot-attribute": (['snapshotId', 'attribute'], []),
    "attach-volume": (['volumeId', 'instanceId', 'deviceName'], ['attachTime']),
    "create-volume": (['size', 'snapshotId', 'availabilityZone'], ['volumeId', 'size', 'status', 'createTime', 'availabilityZone', 'snapshotId']),
    "delete-volume": (['volumeId'], []),
    "describe-volumes": (['volumeIds', 'delimiter', 'rowDelimiter', 'colDelimiter'], []),
    "detach-volume": (['volumeId', 'instanceId', 'deviceName', 'force'], ['attachTime']),
    "get-volume-details": (['volumeId', 'rowDelimiter', 'colDelimiter'], ['volumeId', 'size', 'snapshotId', 'availabilityZone', 'status', 'createTime', 'attachmentSet']),
    "allocate-new-elastic-ip": ([], []),
    "associate-elastic-ip": (['ipAddress', 'instanceId'], []),
    "disassociate-elastic-ip": (['ipAddress'], []),
    "enumerate-elastic-ips": (['rowDelimiter', 'colDelimiter'], []),
    "release-elastic-ip": (['ipAddress'], []),
    "enumerate-images": (['imageOwners', 'executableBy', 'colDelimiter', 'rowDelimiter', 'delimiter'], []),
    "get-image-details": (['imageId', 'delimiter'], ['name', 'description', 'imageLocation', 'kernelId', 'ramdiskId', 'platform', 'architecture', 'ownerId', 'status', 'imageType', 'isPublic', 'productCodes', 'rootDeviceType', 'rootDeviceName', 'stateReason']),
    "modify-image-attribute": (['amiId', 'attribute', 'operationType', 'userIds', 'groups', 'productCode', 'delimiter'], []),
    "register-image": (['imageLocation'], []),
    "remove-image": (['amiId'], []),
    "reset-image-attribute": (['amiId', 'attribute'], []),
    "describe-instances": (['instanceIds', 'delimiter', 'rowDelimiter', 'colDelimiter'], []),
    "get-instance-details": (['instanceIdentifier', 'delimiter'], ['imageId', 'kernelId', 'platform', 'publicDns', 'privateDns', 'launchTime', 'status', 'transitionReason', 'availabilityZone', 'machineType', 'ownerId', 'ramdiskId', 'keyPairName', 'launchIndex', 'monitoring', 'reservationId', 'productCodes', 'groupSet']),
    "get-system-log": (['instanceId'], ['updateTime']),
    "monitor-instance": (['instanceIdentifier'], []),
    "restart-instance": (['instanceIdentifier'], []),
    "run-instances": (['amiId', 'minCount', 'maxCount', 'kernelId', 'virtualName', 'deviceName', 'ramdiskId', 'keyName', 'securityGroups', 'instanceType', 'placementZone', 'monitoring', 'delimiter', 'snapshotId', 'volumeSize', 'deleteOnTermination', 'subnetId', 'disableApiTermination', 'instanceInitiatedShutdownBehavior'], ['reservationID', 'requesterId']),
    "run-instances-from-template": (['instanceIdentifier', 'minCount', 'maxCount'], []),
    "start-instance": (['instanceId'], ['name']),
    "stop-instance": (['instanceIdentifier'], ['previousState']),
    "terminate-instance": (['instanceIdentifier'], ['previousState']),
    "unmonitor-instance": (['instanceIdentifier'], []),
    "allocate-new-key-pair": (['keyName'], ['keyFingerprint']),
    "delete-key-pair": (['keyName'], []),
    "enumerate-key-pairs": (['rowDelimiter', 'colDelimiter'], []),
    "allow-access-to-security-group": (['groupName', 'sourceSecurityGroupName', 'sourceSecurityGroupOwnerId', 'ipProtocol', 'fromPort', 'toPort', 'cidrIp'], []),
    "create-security-group": (['groupName', 'groupDescription'], []),
    "delete-security-group": (['groupName'], []),
    "describe-security-groups": (['groupNames', 'delimiter', 'rowDelimiter', 'colDelimiter'], ['groupNames']),
    "get-security-group-details": (['groupName', 'rowDelimiter', 'colDelimiter'], ['groupName', 'ownerId', 'groupDescription', 'ipPermissions']),
    "revoke-access-to-security-group": (['groupName', 'sourceSecurityGroupName', 'sourceSecurityGroupOwnerId', 'ipProtocol', 'fromPort', 'toPort', 'cidrIp'], []),
    "bundle-windows-instance": (['instanceId', 'storageBucket', 'storagePrefix', 's3AccessKeyId', 's3AccessKey'], ['status', 'startTime']),
    "cancel-bundle-task": (['bundleId'], ['startTime', 'updateTime', 'status', 'progress', 'bucket', 'prefix']),
    "enumerate-bundle-tasks": (['rowDelimiter', 'colDelimiter'], []),
    "get-bundle-task-details": (['bundleId'], ['startTime', 'updateTime', 'status', 'progress', 'bucket', 'prefix']),
    "ec2-dashboard": (['notifyMethod'], []),
}


def test_the_catalog_is_the_guides_51_commands():
    # The one place the guide's count is written: every other walk takes it from GUIDE_ORDER.
    assert list(GUIDE) == GUIDE_ORDER and len(GUIDE) == 51


@pytest.mark.parametrize("name", list(GUIDE))
def test_command_has_the_guides_inputs_outputs_help_and_readme_entry(name):
    assert name in cli.commands, f"{name} is not registered"
    command = cli.commands[name]
    inputs, outputs = GUIDE[name]
    assert command.help and len(command.help) > 40
    assert getattr(command, "example", "").startswith("ec2ops " + name)
    flags = {flag for param in command.params for flag in param.opts}
    for guide_input in inputs:
        assert f"--{kebab(guide_input)}" in flags, f"{name} lacks --{kebab(guide_input)}"
        assert f"--{guide_input}" in flags, f"{name} lacks --{guide_input}"
    if command.operation is not None:
        declared = {o.name for o in command.operation.outputs}
        assert declared >= {"returnResult", *outputs}, f"{name} lacks outputs {set(outputs) - declared}"
    assert re.search(rf"^- \[?`{re.escape(name)}`", README, re.M), f"{name} is not in the README's command list"
