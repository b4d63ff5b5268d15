from ec2ops.console import run

run()
