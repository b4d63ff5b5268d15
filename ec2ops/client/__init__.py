"""The EC2 Query API client. Import `ec2ops.client.query` only where a request is made: it loads httpcore."""

# What the name of every thread that makes calls starts with (a fan-out's, a page read ahead): the
# tests wait for them at the end of each in-process run, as the end of a process ends them.
CALL_THREAD = "ec2ops-call"
