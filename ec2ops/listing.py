"""What `ec2ops --help` lists, known without building a command: the guide's areas, and every
command with the module that declares it, its area and its line in the help.

Generated from the command line by `python -m ec2ops.docs listing`: do not edit.
tests/test_docs.py fails when it is stale.
"""

# The guide's areas, in its order: (key, title), as ec2ops.spec.AREAS.
AREAS = [
    ("zones", "Availability zones and regions"),
    ("ebs", "Elastic block store: snapshots and volumes"),
    ("eip", "Elastic IPs"),
    ("images", "Images"),
    ("instances", "Instances"),
    ("keypairs", "Key pairs"),
    ("groups", "Security groups"),
    ("bundles", "Windows bundle tasks"),
    ("dashboard", "EC2 Dashboard"),
]

# name: (module, area, short help; None for a hidden command), in ec2ops.cli.MODULES' order.
COMMANDS = {
    "enumerate-availability-zones": (
        "ec2ops.operations.zones", "zones",
        "Lists your EC2 availability zones: returnResult holds the available ones,...",
    ),
    "enumerate-regions": (
        "ec2ops.operations.zones", "zones",
        "Lists the regions that are currently available to you, one row each: region name and...",
    ),
    "create-snapshot": (
        "ec2ops.operations.ebs", "ebs",
        "Creates a snapshot of an EBS volume, stored in S3.",
    ),
    "delete-snapshot": (
        "ec2ops.operations.ebs", "ebs",
        "Deletes a snapshot of an EBS volume.",
    ),
    "describe-snapshots": (
        "ec2ops.operations.ebs", "ebs",
        "Describes EBS snapshots.",
    ),
    "get-snapshot-details": (
        "ec2ops.operations.ebs", "ebs",
        "Describes one EBS snapshot.",
    ),
    "modify-snapshot-attribute": (
        "ec2ops.operations.ebs", "ebs",
        "Grants or revokes the permission to create volumes from a snapshot.",
    ),
    "reset-snapshot-attribute": (
        "ec2ops.operations.ebs", "ebs",
        "Resets an attribute of a snapshot to its default.",
    ),
    "attach-volume": (
        "ec2ops.operations.ebs", "ebs",
        "Attaches an EBS volume to a running instance.",
    ),
    "create-volume": (
        "ec2ops.operations.ebs", "ebs",
        "Creates an EBS volume.",
    ),
    "delete-volume": (
        "ec2ops.operations.ebs", "ebs",
        "Deletes an EBS volume.",
    ),
    "describe-volumes": (
        "ec2ops.operations.ebs", "ebs",
        "Describes your EBS volumes.",
    ),
    "detach-volume": (
        "ec2ops.operations.ebs", "ebs",
        "Detaches an EBS volume from an instance.",
    ),
    "get-volume-details": (
        "ec2ops.operations.ebs", "ebs",
        "Describes one EBS volume.",
    ),
    "allocate-new-elastic-ip": (
        "ec2ops.operations.eip", "eip",
        "Acquires an elastic IP address for your account.",
    ),
    "associate-elastic-ip": (
        "ec2ops.operations.eip", "eip",
        "Associates an elastic IP address with an instance.",
    ),
    "disassociate-elastic-ip": (
        "ec2ops.operations.eip", "eip",
        "Disassociates an elastic IP address from its instance.",
    ),
    "enumerate-elastic-ips": (
        "ec2ops.operations.eip", "eip",
        "Lists the elastic IP addresses of your account.",
    ),
    "release-elastic-ip": (
        "ec2ops.operations.eip", "eip",
        "Releases an elastic IP address of your account.",
    ),
    "enumerate-images": (
        "ec2ops.operations.images", "images",
        "Lists the images you can use: AMIs, AKIs and ARIs.",
    ),
    "get-image-details": (
        "ec2ops.operations.images", "images",
        "Shows the details of one image (AMI, AKI or ARI).",
    ),
    "modify-image-attribute": (
        "ec2ops.operations.images", "images",
        "Changes an attribute of an AMI: its launch permission or product code.",
    ),
    "register-image": (
        "ec2ops.operations.images", "images",
        "Registers an AMI from its manifest in Amazon S3.",
    ),
    "remove-image": (
        "ec2ops.operations.images", "images",
        "Deregisters an AMI: it can no longer be launched.",
    ),
    "reset-image-attribute": (
        "ec2ops.operations.images", "images",
        "Resets an attribute of an AMI to its default.",
    ),
    "describe-instances": (
        "ec2ops.operations.instances", "instances",
        "Lists your instances, one row each: Instance Id, AMI ID, Machine type, Status, Public...",
    ),
    "get-instance-details": (
        "ec2ops.operations.instances", "instances",
        "Shows the details of one instance: returnResult is its ID, then image, kernel,...",
    ),
    "get-system-log": (
        "ec2ops.operations.instances", "instances",
        "Shows an instance's console output (its system log), decoded.",
    ),
    "monitor-instance": (
        "ec2ops.operations.instances", "instances",
        "Enables detailed (CloudWatch) monitoring of a running instance; returnResult is the...",
    ),
    "restart-instance": (
        "ec2ops.operations.instances", "instances",
        "Requests a reboot of one instance; returnResult is true when the request is accepted.",
    ),
    "run-instances": (
        "ec2ops.operations.instances", "instances",
        "Launches instances of an AMI you may use: at least minCount of them or none, and up to...",
    ),
    "start-instance": (
        "ec2ops.operations.instances", "instances",
        "Starts a stopped instance whose root device is an EBS volume. returnResult and name are...",
    ),
    "stop-instance": (
        "ec2ops.operations.instances", "instances",
        "Stops an instance whose root device is an EBS volume: compute is released (and no...",
    ),
    "terminate-instance": (
        "ec2ops.operations.instances", "instances",
        "Shuts an instance down for good.",
    ),
    "unmonitor-instance": (
        "ec2ops.operations.instances", "instances",
        "Disables detailed (CloudWatch) monitoring of a running instance; returnResult is the...",
    ),
    "allocate-new-key-pair": (
        "ec2ops.operations.keypairs", "keypairs",
        "Creates a new 2048-bit RSA key pair with the given name; returnResult is its private...",
    ),
    "delete-key-pair": (
        "ec2ops.operations.keypairs", "keypairs",
        "Deletes a key pair by removing its public key from EC2.",
    ),
    "enumerate-key-pairs": (
        "ec2ops.operations.keypairs", "keypairs",
        "Lists the key pairs available to you: key name and fingerprint.",
    ),
    "allow-access-to-security-group": (
        "ec2ops.operations.groups", "groups",
        "Adds permissions to a security group: lets a source security group, or a source IP...",
    ),
    "create-security-group": (
        "ec2ops.operations.groups", "groups",
        "Creates a security group.",
    ),
    "delete-security-group": (
        "ec2ops.operations.groups", "groups",
        "Deletes a security group.",
    ),
    "describe-security-groups": (
        "ec2ops.operations.groups", "groups",
        "Describes your security groups, one row each: group name, group owner id and group...",
    ),
    "get-security-group-details": (
        "ec2ops.operations.groups", "groups",
        "Describes one of your security groups: its name, owner, description, and its...",
    ),
    "revoke-access-to-security-group": (
        "ec2ops.operations.groups", "groups",
        "Removes permissions from a security group.",
    ),
    "bundle-windows-instance": (
        "ec2ops.operations.bundles", "bundles",
        "Bundles a running Windows instance (instance store-backed): makes an image of it and...",
    ),
    "cancel-bundle-task": (
        "ec2ops.operations.bundles", "bundles",
        "Cancels a bundle task.",
    ),
    "enumerate-bundle-tasks": (
        "ec2ops.operations.bundles", "bundles",
        "Lists your bundle tasks, one row each: bundle ID, instance ID, status, start time and...",
    ),
    "get-bundle-task-details": (
        "ec2ops.operations.bundles", "bundles",
        "Describes one bundle task: its instance, times, status, progress and the S3 bucket and...",
    ),
    "create-shared-snapshot": (
        "ec2ops.flows.shared_snapshot", "ebs",
        "Creates a snapshot of an EBS volume and shares it: with --groups all it becomes public,...",
    ),
    "run-instances-from-template": (
        "ec2ops.flows.template", "instances",
        "Launches minCount..maxCount new instances configured like a template instance: its AMI,...",
    ),
    "ec2-dashboard": (
        "ec2ops.flows.dashboard", "dashboard",
        "Shows the EC2 dashboard: the number of instances running and stopped, elastic IPs, EBS...",
    ),
    "sandbox": (
        "ec2ops.sandbox", "",
        "Runs a local EC2-compatible endpoint (moto's server) on 127.0.0.1 and prints the...",
    ),
}
