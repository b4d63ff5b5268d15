"""eip: declarations (see ec2ops/spec.py)."""

OPERATIONS = []
