#!/bin/sh
# ec2ops quick start: a key pair, a security group, an instance with an elastic IP, the dashboard.
#
# Made for the sandbox (a local EC2-compatible endpoint: no AWS account, nothing billed):
#     ec2ops sandbox --port 0 run -- sh ec2ops/examples/quickstart.sh
# On a real account it launches a billed instance, so it refuses unless EC2OPS_QUICKSTART_REAL=1
# and AMI=ami-... are set; it then prints the commands that remove what it made.
set -eu

case "${EC2OPS_ENDPOINT:-}" in
http://127.0.0.1:* | http://localhost:*) sandbox=1 ;;
*)
    sandbox=0
    if [ "${EC2OPS_QUICKSTART_REAL:-}" != 1 ] || [ -z "${AMI:-}" ]; then
        echo "quickstart: run me on the sandbox: ec2ops sandbox --port 0 run -- sh $0" >&2
        echo "quickstart: (on a real account: EC2OPS_QUICKSTART_REAL=1 AMI=ami-... sh $0; it costs money)" >&2
        exit 2
    fi
    ;;
esac
name=${QUICKSTART_NAME:-quickstart}
keys=$(mktemp -d)
trap 'rm -rf "$keys"' EXIT
step() { printf '\n==> %s\n' "$*"; }

step "ec2ops allocate-new-key-pair --key-name $name --key-file $keys/$name.pem"
ec2ops allocate-new-key-pair --key-name "$name" --key-file "$keys/$name.pem"

step "ec2ops create-security-group --group-name $name, then allow ssh from 203.0.113.0/24"
ec2ops create-security-group --group-name "$name" --group-description "ec2ops quick start"
ec2ops allow-access-to-security-group --group-name "$name" --ip-protocol tcp \
    --from-port 22 --to-port 22 --cidr-ip 203.0.113.0/24

if [ -z "${AMI:-}" ]; then
    step "ec2ops register-image (the sandbox has no images of its own)"
    AMI=$(ec2ops register-image --image-location "$name-bucket/$name.manifest.xml" --get returnResult)
    echo "$AMI"
fi

step "ec2ops run-instances --ami-id $AMI --key-name $name --security-groups $name --wait"
instance=$(ec2ops run-instances --ami-id "$AMI" --instance-type t3.micro --key-name "$name" \
    --security-groups "$name" --wait --get returnResult)
echo "$instance"

step "ec2ops allocate-new-elastic-ip, then associate-elastic-ip with $instance"
address=$(ec2ops allocate-new-elastic-ip --get returnResult)
echo "$address"
ec2ops associate-elastic-ip --ip-address "$address" --instance-id "$instance"

step "ec2ops enumerate-elastic-ips"
ec2ops enumerate-elastic-ips

step "ec2ops ec2-dashboard --notify-method Display"
ec2ops ec2-dashboard --notify-method Display

if [ "$sandbox" = 0 ]; then
    step "to remove what this made:"
    echo "ec2ops disassociate-elastic-ip --ip-address $address && ec2ops release-elastic-ip --ip-address $address"
    echo "ec2ops terminate-instance --instance-identifier $instance --wait"
    echo "ec2ops delete-security-group --group-name $name && ec2ops delete-key-pair --key-name $name"
fi
