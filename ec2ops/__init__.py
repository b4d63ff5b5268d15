"""ec2ops: the HP OO Amazon EC2 integration's operations and flows as one command line."""

__version__ = "0.1.0"
