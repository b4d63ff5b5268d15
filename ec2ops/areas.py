"""The guide's areas, in its order: how `ec2ops --help`, the man pages and the README group the
commands. Apart, so that `ec2ops --help` reads them without the declarations."""

# (key, title)
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
    ("beyond", "Beyond the guide"),  # commands the guide did not have (tags, VPCs, subnets)
]
