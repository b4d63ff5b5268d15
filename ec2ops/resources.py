"""The EC2 resource types, one row each: what waiting, retry safety, id validation, paging and the
dashboard know about a resource, written once. Plain data: no click, no HTTP."""

from __future__ import annotations

from dataclasses import dataclass, replace

# Actions that change nothing: repeating them after a lost answer is always safe, and --dry-run
# never applies to them.
READ_ONLY_PREFIXES = ("Describe", "Get")


def reads(action: str) -> bool:
    return action.startswith(READ_ONLY_PREFIXES)


@dataclass(frozen=True)
class Resource:
    kind: str  # for messages: "instance", "volume", ...
    word: str  # the word of the EC2 actions on it: RunInstances, StopInstances -> "Instance"
    describe: str  # the Describe action
    id_param: str  # its id list parameter, without .N
    id_key: str  # the id's element in an item
    list_path: str  # where the items are in a Describe answer
    listed_by: str  # the ec2ops command that shows them
    prefix: str | None = None  # the id's prefix (i-, vol-, ...)
    state_path: str | None = None  # the state's element in an item
    page_list: str | None = None  # the list that nextToken continues, when the Describe pages
    tag_type: str | None = None  # the ResourceType of a TagSpecification
    page_limits: tuple[int, int] | None = None  # MaxResults' range, when EC2 takes it
    max_results_with_ids: bool = False  # EC2 refuses MaxResults together with explicit ids
    created_by: tuple[str, ...] = ()  # the actions that create it (and can tag it as they do)

    def watching(self, state_path: str, kind: str) -> "Resource":
        """The same resource, watched at another element (a volume's attachment state)."""
        return replace(self, state_path=state_path, kind=kind)


INSTANCE = Resource("instance", "Instance", "DescribeInstances", "InstanceId", "instanceId",
                    "reservationSet/instancesSet", "describe-instances", prefix="i-", state_path="instanceState/name",
                    page_list="reservationSet", tag_type="instance", page_limits=(5, 1000),
                    created_by=("RunInstances",))
VOLUME = Resource("volume", "Volume", "DescribeVolumes", "VolumeId", "volumeId", "volumeSet", "describe-volumes",
                  prefix="vol-", state_path="status", page_list="volumeSet", tag_type="volume",
                  page_limits=(5, 500), created_by=("CreateVolume", "RunInstances"))
VOLUME_ATTACHMENT = VOLUME.watching("attachmentSet/status", "volume attachment")
SNAPSHOT = Resource("snapshot", "Snapshot", "DescribeSnapshots", "SnapshotId", "snapshotId", "snapshotSet",
                    "describe-snapshots", prefix="snap-", state_path="status", page_list="snapshotSet",
                    tag_type="snapshot", page_limits=(5, 1000), created_by=("CreateSnapshot",))
IMAGE = Resource("image", "Image", "DescribeImages", "ImageId", "imageId", "imagesSet", "enumerate-images",
                 prefix="ami-", state_path="imageState", page_list="imagesSet", tag_type="image",
                 page_limits=(5, 1000), created_by=("RegisterImage",))
BUNDLE = Resource("bundle task", "Bundle", "DescribeBundleTasks", "BundleId", "bundleId", "bundleInstanceTasksSet",
                  "enumerate-bundle-tasks", prefix="bun-", state_path="state")
KEY_PAIR = Resource("key pair", "KeyPair", "DescribeKeyPairs", "KeyName", "keyName", "keySet",
                    "enumerate-key-pairs", tag_type="key-pair", created_by=("CreateKeyPair",))
SECURITY_GROUP = Resource("security group", "SecurityGroup", "DescribeSecurityGroups", "GroupName", "groupName",
                          "securityGroupInfo", "describe-security-groups", page_list="securityGroupInfo",
                          tag_type="security-group", page_limits=(5, 1000), created_by=("CreateSecurityGroup",))
ADDRESS = Resource("elastic IP", "Address", "DescribeAddresses", "PublicIp", "publicIp", "addressesSet",
                   "enumerate-elastic-ips", tag_type="elastic-ip", created_by=("AllocateAddress",))
ZONE = Resource("availability zone", "AvailabilityZone", "DescribeAvailabilityZones", "ZoneName", "zoneName",
                "availabilityZoneInfo", "enumerate-availability-zones")
REGION = Resource("region", "Region", "DescribeRegions", "RegionName", "regionName", "regionInfo",
                  "enumerate-regions")
VPC = Resource("VPC", "Vpc", "DescribeVpcs", "VpcId", "vpcId", "vpcSet", "describe-vpcs", prefix="vpc-",
               state_path="state", page_list="vpcSet", tag_type="vpc", page_limits=(5, 1000), created_by=("CreateVpc",))
SUBNET = Resource("subnet", "Subnet", "DescribeSubnets", "SubnetId", "subnetId", "subnetSet", "describe-subnets",
                  prefix="subnet-", state_path="state", page_list="subnetSet", tag_type="subnet",
                  page_limits=(5, 1000), created_by=("CreateSubnet",))
CONSOLE = Resource("console output", "ConsoleOutput", "GetConsoleOutput", "InstanceId", "instanceId", "",
                   "get-system-log")

# Order matters where one word holds another: BundleInstance is a bundle task, not an instance.
RESOURCES = (KEY_PAIR, SECURITY_GROUP, ADDRESS, VOLUME, SNAPSHOT, BUNDLE, IMAGE, CONSOLE, INSTANCE, ZONE, REGION,
             VPC, SUBNET)
# A security group named by its id (sg-...), not by the guide's name: what an input sent as GroupId
# takes, from stdin too. Not in RESOURCES: the same resource, another way to name it.
SECURITY_GROUP_BY_ID = replace(SECURITY_GROUP, id_param="GroupId", id_key="groupId", prefix="sg-")
# Any resource EC2 can tag, named by its id (i-..., vol-..., vpc-...): what CreateTags and DeleteTags
# take as ResourceId.N, from stdin too. Its ids have many prefixes: "" (the check is the input's own).
ANY_TAGGABLE = Resource("resource", "Tags", "DescribeTags", "ResourceId", "resourceId", "tagSet", "describe-tags",
                        prefix="")


def of_action(action: str) -> Resource | None:
    """The resource an EC2 action is about: CreateKeyPair -> KEY_PAIR, BundleInstance -> BUNDLE."""
    return next((r for r in RESOURCES if r.word in action), None)


def tagged_by(action: str) -> list[str]:
    """The TagSpecification types of what `action` creates, its own resource first: RunInstances ->
    instance and volume."""
    made = [r for r in RESOURCES if action in r.created_by and r.tag_type]
    return [r.tag_type for r in sorted(made, key=lambda r: r is not of_action(action))]


def how_to_check(action: str) -> str:
    """Which command shows whether a change whose answer was lost took effect."""
    resource = of_action(action)
    if resource is None:
        return "Check the resource's state with the matching describe command before trying again."
    return f"Check with ec2ops {resource.listed_by} whether it took effect before trying again."
