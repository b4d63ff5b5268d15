from ec2ops.cli import main

main()
