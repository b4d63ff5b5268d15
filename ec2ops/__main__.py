from ec2ops.cli import run

run()
