"""What `ec2ops --help` lists, known without building a command: every command with the
module that declares it, its area, and what click makes its line in the help from (the first
paragraph of its help; short_help, hidden or deprecated when set): the installed click renders
that line, as it would from the command itself.

Generated from the command line by `python -m ec2ops.docs listing`: do not edit.
tests/commands/test_docs.py fails when it is stale.
"""

# name: (module, area, click.Command's keyword arguments for its line), in ec2ops.cli.MODULES' order.
COMMANDS = {
    "enumerate-availability-zones": ("ec2ops.operations.zones", "zones", {
        "help": (
            "Lists your EC2 availability zones: returnResult holds the available ones,\n"
            "notAvailableZones those you can see but not use (usually none)."
        ),
    }),
    "enumerate-regions": ("ec2ops.operations.zones", "zones", {
        "help": (
            "Lists the regions that are currently available to you, one row each:\n"
            "region name and region endpoint."
        ),
    }),
    "create-snapshot": ("ec2ops.operations.ebs", "ebs", {
        "help": "Creates a snapshot of an EBS volume, stored in S3.",
    }),
    "delete-snapshot": ("ec2ops.operations.ebs", "ebs", {
        "help": "Deletes a snapshot of an EBS volume.",
    }),
    "describe-snapshots": ("ec2ops.operations.ebs", "ebs", {
        "help": "Describes EBS snapshots.",
    }),
    "get-snapshot-details": ("ec2ops.operations.ebs", "ebs", {
        "help": "Describes one EBS snapshot.",
    }),
    "modify-snapshot-attribute": ("ec2ops.operations.ebs", "ebs", {
        "help": "Grants or revokes the permission to create volumes from a snapshot.",
    }),
    "reset-snapshot-attribute": ("ec2ops.operations.ebs", "ebs", {
        "help": "Resets an attribute of a snapshot to its default.",
    }),
    "attach-volume": ("ec2ops.operations.ebs", "ebs", {
        "help": "Attaches an EBS volume to a running instance.",
    }),
    "create-volume": ("ec2ops.operations.ebs", "ebs", {
        "help": "Creates an EBS volume.",
    }),
    "delete-volume": ("ec2ops.operations.ebs", "ebs", {
        "help": "Deletes an EBS volume.",
    }),
    "describe-volumes": ("ec2ops.operations.ebs", "ebs", {
        "help": "Describes your EBS volumes.",
    }),
    "detach-volume": ("ec2ops.operations.ebs", "ebs", {
        "help": "Detaches an EBS volume from an instance.",
    }),
    "get-volume-details": ("ec2ops.operations.ebs", "ebs", {
        "help": "Describes one EBS volume.",
    }),
    "allocate-new-elastic-ip": ("ec2ops.operations.eip", "eip", {
        "help": (
            "Acquires an elastic IP address for your account. Its returnResult is the address;\n"
            "allocationId and domain (vpc or standard) are those EC2 gives for it."
        ),
    }),
    "associate-elastic-ip": ("ec2ops.operations.eip", "eip", {
        "help": (
            "Associates an elastic IP address with an instance. An address already associated with\n"
            "another instance moves to this one; the old instance has no public DNS name for a few\n"
            "minutes. Repeating the call with the same inputs is not an error."
        ),
    }),
    "disassociate-elastic-ip": ("ec2ops.operations.eip", "eip", {
        "help": (
            "Disassociates an elastic IP address from its instance. It succeeds and does nothing\n"
            "when the address is not assigned. The instance has no public DNS name for a few minutes."
        ),
    }),
    "enumerate-elastic-ips": ("ec2ops.operations.eip", "eip", {
        "help": (
            "Lists the elastic IP addresses of your account. One row each: the address and the\n"
            "instance it is associated with (null when none)."
        ),
    }),
    "release-elastic-ip": ("ec2ops.operations.eip", "eip", {
        "help": (
            "Releases an elastic IP address of your account. It is disassociated first from any\n"
            "instance, which has no public DNS name for a few minutes. Fails for an address that is\n"
            "not yours (or was released already). To disassociate it only, use\n"
            "disassociate-elastic-ip."
        ),
    }),
    "enumerate-images": ("ec2ops.operations.images", "images", {
        "help": (
            "Lists the images you can use: AMIs, AKIs and ARIs. One row each, optionally only\n"
            "those of some owners or those executable by some accounts. With neither, every image\n"
            "you can see is listed: on AWS, many thousands of public images."
        ),
    }),
    "get-image-details": ("ec2ops.operations.images", "images", {
        "help": (
            "Shows the details of one image (AMI, AKI or ARI). Fails for an image that does\n"
            "not exist. status is available once an image is registered and ready to launch,\n"
            "deregistered after remove-image."
        ),
    }),
    "modify-image-attribute": ("ec2ops.operations.images", "images", {
        "help": (
            "Changes an attribute of an AMI: its launch permission or product code. Grants or\n"
            "revokes launch permission (make it public with --groups all, or share it with accounts\n"
            "by --user-ids), or associates a product code with it."
        ),
    }),
    "register-image": ("ec2ops.operations.images", "images", {
        "help": (
            "Registers an AMI from its manifest in Amazon S3. Its returnResult is the new AMI ID. An\n"
            "image must be registered before it can be launched, and may be registered more than once\n"
            "(each time with a new AMI ID)."
        ),
    }),
    "remove-image": ("ec2ops.operations.images", "images", {
        "help": "Deregisters an AMI: it can no longer be launched. Its files in Amazon S3 are kept.",
    }),
    "reset-image-attribute": ("ec2ops.operations.images", "images", {
        "help": (
            "Resets an attribute of an AMI to its default. For launchPermission the AMI becomes\n"
            "private to its owner again; productCodes cannot be reset."
        ),
    }),
    "describe-instances": ("ec2ops.operations.instances", "instances", {
        "help": (
            "Lists your instances, one row each: Instance Id, AMI ID, Machine type, Status, Public DNS,\n"
            "Key pair name, Ramdisk ID, Platform, Kernel ID, Monitoring, Root Device Name, Root Device Type,\n"
            "State Transition Reason, Availability Zone, Security groups (joined by the delimiter)."
        ),
    }),
    "get-instance-details": ("ec2ops.operations.instances", "instances", {
        "help": (
            "Shows the details of one instance: returnResult is its ID, then image, kernel, platform,\n"
            "DNS names, launch time, state and its reason, zone, type, owner, RAM disk, key pair, launch index,\n"
            "monitoring, reservation, product codes and security groups. Fails if the instance does not exist.\n"
            "Terminated or starting instances may lack DNS names and other attributes."
        ),
    }),
    "get-system-log": ("ec2ops.operations.instances", "instances", {
        "help": (
            "Shows an instance's console output (its system log), decoded. EC2 posts it shortly after boot,\n"
            "reboot and termination and keeps the latest 64 KB for at least an hour; it may still answer for an\n"
            "instance terminated days ago (check with get-instance-details)."
        ),
    }),
    "monitor-instance": ("ec2ops.operations.instances", "instances", {
        "help": (
            "Enables detailed (CloudWatch) monitoring of a running instance; returnResult is the\n"
            "monitoring state after the call (e.g. pending)."
        ),
    }),
    "restart-instance": ("ec2ops.operations.instances", "instances", {
        "help": (
            "Requests a reboot of one instance; returnResult is true when the request is accepted. It is\n"
            "true for any valid instance of yours, even a terminated one (ignored): check that the instance is\n"
            "running first (get-instance-details). Its state may stay running while it reboots."
        ),
    }),
    "run-instances": ("ec2ops.operations.instances", "instances", {
        "help": (
            "Launches instances of an AMI you may use: at least minCount of them or none, and up to\n"
            "maxCount as capacity allows. returnResult lists the new instance IDs; they are usually pending,\n"
            "without DNS names, for a few minutes."
        ),
    }),
    "start-instance": ("ec2ops.operations.instances", "instances", {
        "help": (
            "Starts a stopped instance whose root device is an EBS volume. returnResult and name are the\n"
            "instance's state after the call (e.g. pending)."
        ),
    }),
    "stop-instance": ("ec2ops.operations.instances", "instances", {
        "help": (
            "Stops an instance whose root device is an EBS volume: compute is released (and no longer\n"
            "billed) while the root volume and its data remain; start it again at any time. returnResult\n"
            "is the state after the call, previousState the one before."
        ),
    }),
    "terminate-instance": ("ec2ops.operations.instances", "instances", {
        "help": (
            "Shuts an instance down for good. Terminating it again succeeds too; terminated instances\n"
            "stay visible (describe-instances) for about an hour. returnResult is the state after the\n"
            "call, previousState the one before."
        ),
    }),
    "unmonitor-instance": ("ec2ops.operations.instances", "instances", {
        "help": (
            "Disables detailed (CloudWatch) monitoring of a running instance; returnResult is the\n"
            "monitoring state after the call (e.g. disabling)."
        ),
    }),
    "allocate-new-key-pair": ("ec2ops.operations.keypairs", "keypairs", {
        "help": (
            "Creates a new 2048-bit RSA key pair with the given name; returnResult is its private key\n"
            "(unencrypted PEM), keyFingerprint its fingerprint. EC2 refuses a name that already exists."
        ),
    }),
    "delete-key-pair": ("ec2ops.operations.keypairs", "keypairs", {
        "help": (
            "Deletes a key pair by removing its public key from EC2. It succeeds even if the key does not\n"
            "exist: check with enumerate-key-pairs first if that matters."
        ),
    }),
    "enumerate-key-pairs": ("ec2ops.operations.keypairs", "keypairs", {
        "help": (
            "Lists the key pairs available to you: key name and fingerprint. Fails with\n"
            "\"No items found!\" when there is none."
        ),
    }),
    "allow-access-to-security-group": ("ec2ops.operations.groups", "groups", {
        "help": (
            "Adds permissions to a security group: lets a source security group, or a source IP\n"
            "range on a protocol and port range, reach the group's machines. Adding a permission that\n"
            "already exists fails."
        ),
    }),
    "create-security-group": ("ec2ops.operations.groups", "groups", {
        "help": (
            "Creates a security group. Its name must be unique in your account (in its VPC); the\n"
            "description is informational. groupId is the id EC2 gives the new group: the one the other\n"
            "security group commands take as --group-id (`--get groupId`)."
        ),
    }),
    "delete-security-group": ("ec2ops.operations.groups", "groups", {
        "help": (
            "Deletes a security group. EC2 refuses while instances are in it or another group's\n"
            "permission names it as source (remove that permission first). A group deleted a moment ago\n"
            "may still be deleted \"successfully\" again."
        ),
    }),
    "describe-security-groups": ("ec2ops.operations.groups", "groups", {
        "help": (
            "Describes your security groups, one row each: group name, group owner id and group\n"
            "description; groupNames lists the names. Without groupNames, all your groups are\n"
            "described; with them, the rows follow their order. Beyond the guide, --group-ids describes\n"
            "groups by their ids (sg-...) instead of their names, in EC2's order."
        ),
    }),
    "get-security-group-details": ("ec2ops.operations.groups", "groups", {
        "help": (
            "Describes one of your security groups: its name, owner, description, and its\n"
            "permissions in the ipPermissions table, one row per protocol/ports and source (a\n"
            "source security group with its owner's user id, or a source IP range in CIDR notation)."
        ),
    }),
    "revoke-access-to-security-group": ("ec2ops.operations.groups", "groups", {
        "help": (
            "Removes permissions from a security group. Only a permission given exactly as it was\n"
            "added (e.g. the same inputs as allow-access-to-security-group) is removed. As in the guide, it\n"
            "succeeds even when the permission does not exist: returnResult true, exit status 0."
        ),
    }),
    "bundle-windows-instance": ("ec2ops.operations.bundles", "bundles", {
        "help": (
            "Bundles a running Windows instance (instance store-backed): makes an image of it and\n"
            "stores it in S3 as <storagePrefix>.manifest.xml in storageBucket. Register the image\n"
            "(register-image) before launching it. One bundle task at a time per instance; an image\n"
            "already under that name may be overwritten."
        ),
    }),
    "cancel-bundle-task": ("ec2ops.operations.bundles", "bundles", {
        "help": (
            "Cancels a bundle task. An unknown task ID fails; cancelling a task that already ended\n"
            "may succeed and do nothing."
        ),
    }),
    "enumerate-bundle-tasks": ("ec2ops.operations.bundles", "bundles", {
        "help": (
            "Lists your bundle tasks, one row each: bundle ID, instance ID, status, start time and\n"
            "progress. Tasks that ended stay listed for a while."
        ),
    }),
    "get-bundle-task-details": ("ec2ops.operations.bundles", "bundles", {
        "help": (
            "Describes one bundle task: its instance, times, status, progress and the S3 bucket and\n"
            "prefix the image goes to; error says why a failed task failed. An unknown task ID fails.\n"
            "Tasks that ended can be described for a while."
        ),
    }),
    "create-shared-snapshot": ("ec2ops.flows.shared_snapshot", "ebs", {
        "help": (
            "Creates a snapshot of an EBS volume and shares it: with --groups all it becomes public,\n"
            "otherwise only the accounts in --user-ids may create volumes from it. returnResult is the new\n"
            "snapshot's ID, requestId that of the sharing call. At least one of userIds or groups is required."
        ),
    }),
    "run-instances-from-template": ("ec2ops.flows.template", "instances", {
        "help": (
            "Launches minCount..maxCount new instances configured like a template instance: its AMI,\n"
            "availability zone, instance type, kernel, RAM disk, monitoring, key pair and security groups\n"
            "(and, in a VPC, its subnet), and its tags (unless --no-copy-tags; --tag adds or overrides).\n"
            "returnResult is the list of the new instance IDs; reservationID and\n"
            "requesterId are those of the launch, as run-instances prints them. If EC2 cannot\n"
            "launch minCount instances, none is launched; each launch carries a client token, so a retried\n"
            "request never launches twice."
        ),
    }),
    "ec2-dashboard": ("ec2ops.flows.dashboard", "dashboard", {
        "help": (
            "Shows the EC2 dashboard: the number of instances running and stopped, elastic IPs, EBS\n"
            "volumes, EBS snapshots (your own), key pairs and security groups. The six Describe calls run\n"
            "concurrently; with --regions, every region's too, with a row per region and a total."
        ),
    }),
    "create-tags": ("ec2ops.operations.tags", "beyond", {
        "help": "Adds or overwrites tags on resources: each --tag KEY=VALUE on each resource id given.",
    }),
    "delete-tags": ("ec2ops.operations.tags", "beyond", {
        "help": "Removes tags from resources: each --tag on each resource id given.",
    }),
    "describe-vpcs": ("ec2ops.operations.vpcs", "beyond", {
        "help": (
            "Lists your VPCs, one row each: VPC ID, CIDR, state, default (true for the region's\n"
            "default VPC), DHCP options ID, tenancy and Name (its Name tag, null without one)."
        ),
    }),
    "describe-subnets": ("ec2ops.operations.vpcs", "beyond", {
        "help": (
            "Lists your subnets, one row each: subnet ID, VPC ID, CIDR, availability zone,\n"
            "available IPs, default for AZ, public IP on launch (mapPublicIpOnLaunch), state and Name (its\n"
            "Name tag, null without one)."
        ),
    }),
    "sandbox": ("ec2ops.sandbox", "", {
        "help": (
            "Runs a local EC2-compatible endpoint (moto's server) on 127.0.0.1 and prints the environment\n"
            "that points ec2ops at it (export lines, for another shell). One line on stderr names its URL,\n"
            "process id and log file; the server itself never writes to the terminal. Ctrl-C, SIGINT or\n"
            "SIGTERM (kill PID) stop it, with exit status 0."
        ),
    }),
}
