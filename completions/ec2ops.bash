# bash completion for ec2ops.
# Generated from the command line by `python -m ec2ops.docs completions`: do not edit.
# Install: `source /path/to/ec2ops.bash` in ~/.bashrc, or copy this file to
# ~/.local/share/bash-completion/completions/ec2ops (loaded on demand by bash-completion).

_ec2ops_common="--access-key-id --access-key --session-token --profile --service-endpoint --endpoint --region --proxy-host --proxy-port --signature-version --signature-method --api-version --connect-timeout --read-timeout --max-attempts --ca-bundle -o --output --get --no-color --debug -h --help"

# The options (_opts), subcommands (_subs) and positional arguments (_rest) of a command.
_ec2ops_node() {
    _opts= _subs= _rest=
    case $1 in
        '') _opts="--version -h --help" _subs="enumerate-availability-zones enumerate-regions create-shared-snapshot create-snapshot delete-snapshot describe-snapshots get-snapshot-details modify-snapshot-attribute reset-snapshot-attribute attach-volume create-volume delete-volume describe-volumes detach-volume get-volume-details allocate-new-elastic-ip associate-elastic-ip disassociate-elastic-ip enumerate-elastic-ips release-elastic-ip enumerate-images get-image-details modify-image-attribute register-image remove-image reset-image-attribute describe-instances get-instance-details get-system-log monitor-instance restart-instance run-instances run-instances-from-template start-instance stop-instance terminate-instance unmonitor-instance allocate-new-key-pair delete-key-pair enumerate-key-pairs allow-access-to-security-group create-security-group delete-security-group describe-security-groups get-security-group-details revoke-access-to-security-group bundle-windows-instance cancel-bundle-task enumerate-bundle-tasks get-bundle-task-details ec2-dashboard create-tags delete-tags describe-vpcs describe-subnets sandbox" ;;
        'enumerate-availability-zones') _opts="--delimiter --filter --filters --tag --regions --profiles --max-concurrency $_ec2ops_common" ;;
        'enumerate-regions') _opts="--row-delimiter --col-delimiter --filter --filters --tag --regions --profiles --max-concurrency --columns $_ec2ops_common" ;;
        'create-shared-snapshot') _opts="--volume-id --user-ids --groups --delimiter --tag --dry-run --wait --wait-timeout --wait-interval $_ec2ops_common" ;;
        'create-snapshot') _opts="--volume-id --snapshot-description --tag --dry-run --wait --wait-timeout --wait-interval $_ec2ops_common" ;;
        'delete-snapshot') _opts="--snapshot-id --dry-run $_ec2ops_common" ;;
        'describe-snapshots') _opts="--snapshot-ids --delimiter --row-delimiter --col-delimiter --snapshot-owners --restorable-by --filter --filters --tag --page-size --max-items --regions --profiles --max-concurrency --columns $_ec2ops_common" ;;
        'get-snapshot-details') _opts="--snapshot-id --filter --filters --tag --regions --profiles --max-concurrency $_ec2ops_common" ;;
        'modify-snapshot-attribute') _opts="--snapshot-id --attribute --operation-type --user-ids --groups --delimiter --dry-run $_ec2ops_common" ;;
        'reset-snapshot-attribute') _opts="--snapshot-id --attribute --dry-run $_ec2ops_common" ;;
        'attach-volume') _opts="--volume-id --instance-id --instance-identifier --device-name --device --dry-run --wait --wait-timeout --wait-interval $_ec2ops_common" ;;
        'create-volume') _opts="--size --snapshot-id --availability-zone --volume-type --iops --throughput --encrypted --kms-key-id --tag --dry-run --wait --wait-timeout --wait-interval $_ec2ops_common" ;;
        'delete-volume') _opts="--volume-id --dry-run $_ec2ops_common" ;;
        'describe-volumes') _opts="--volume-ids --delimiter --row-delimiter --col-delimiter --filter --filters --tag --page-size --max-items --regions --profiles --max-concurrency --columns $_ec2ops_common" ;;
        'detach-volume') _opts="--volume-id --instance-id --instance-identifier --device-name --device --force --dry-run --wait --wait-timeout --wait-interval $_ec2ops_common" ;;
        'get-volume-details') _opts="--volume-id --row-delimiter --col-delimiter --filter --filters --tag --regions --profiles --max-concurrency $_ec2ops_common" ;;
        'allocate-new-elastic-ip') _opts="--tag --dry-run $_ec2ops_common" ;;
        'associate-elastic-ip') _opts="--ip-address --instance-id --instance-identifier --dry-run $_ec2ops_common" ;;
        'disassociate-elastic-ip') _opts="--ip-address --dry-run $_ec2ops_common" ;;
        'enumerate-elastic-ips') _opts="--row-delimiter --col-delimiter --filter --filters --tag --regions --profiles --max-concurrency --columns $_ec2ops_common" ;;
        'release-elastic-ip') _opts="--ip-address --dry-run $_ec2ops_common" ;;
        'enumerate-images') _opts="--image-owners --executable-by --row-delimiter --col-delimiter --delimiter --filter --filters --tag --page-size --max-items --regions --profiles --max-concurrency --columns $_ec2ops_common" ;;
        'get-image-details') _opts="--image-id --ami-id --delimiter --filter --filters --tag --regions --profiles --max-concurrency $_ec2ops_common" ;;
        'modify-image-attribute') _opts="--ami-id --image-id --attribute --operation-type --user-ids --groups --product-code --delimiter --dry-run $_ec2ops_common" ;;
        'register-image') _opts="--image-location --name --tag --dry-run --wait --wait-timeout --wait-interval $_ec2ops_common" ;;
        'remove-image') _opts="--ami-id --image-id --dry-run $_ec2ops_common" ;;
        'reset-image-attribute') _opts="--ami-id --image-id --attribute --dry-run $_ec2ops_common" ;;
        'describe-instances') _opts="--instance-ids --delimiter --row-delimiter --col-delimiter --filter --filters --tag --page-size --max-items --regions --profiles --max-concurrency --columns $_ec2ops_common" ;;
        'get-instance-details') _opts="--instance-identifier --instance-id --delimiter --filter --filters --tag --regions --profiles --max-concurrency $_ec2ops_common" ;;
        'get-system-log') _opts="--instance-id --instance-identifier --regions --profiles --max-concurrency $_ec2ops_common" ;;
        'monitor-instance') _opts="--instance-identifier --instance-id --instance-ids --delimiter --dry-run $_ec2ops_common" ;;
        'restart-instance') _opts="--instance-identifier --instance-id --instance-ids --delimiter --dry-run --wait --wait-timeout --wait-interval $_ec2ops_common" ;;
        'run-instances') _opts="--ami-id --image-id --min-count --max-count --kernel-id --ramdisk-id --key-name --security-groups --instance-type --placement-zone --monitoring --delimiter --virtual-name --device-name --snapshot-id --volume-size --delete-on-termination --subnet-id --disable-api-termination --instance-initiated-shutdown-behavior --client-token --user-data --user-data-file --tag --dry-run --wait --wait-timeout --wait-interval $_ec2ops_common" ;;
        'run-instances-from-template') _opts="--instance-identifier --instance-id --min-count --max-count --delimiter --user-data --user-data-file --no-copy-tags --tag --dry-run --wait --wait-timeout --wait-interval $_ec2ops_common" ;;
        'start-instance') _opts="--instance-id --instance-identifier --instance-ids --delimiter --dry-run --wait --wait-timeout --wait-interval $_ec2ops_common" ;;
        'stop-instance') _opts="--instance-identifier --instance-id --instance-ids --delimiter --dry-run --wait --wait-timeout --wait-interval $_ec2ops_common" ;;
        'terminate-instance') _opts="--instance-identifier --instance-id --instance-ids --delimiter --dry-run --wait --wait-timeout --wait-interval $_ec2ops_common" ;;
        'unmonitor-instance') _opts="--instance-identifier --instance-id --instance-ids --delimiter --dry-run $_ec2ops_common" ;;
        'allocate-new-key-pair') _opts="--key-name --key-file --force --tag --dry-run $_ec2ops_common" ;;
        'delete-key-pair') _opts="--key-name --dry-run $_ec2ops_common" ;;
        'enumerate-key-pairs') _opts="--row-delimiter --col-delimiter --filter --filters --tag --regions --profiles --max-concurrency --columns $_ec2ops_common" ;;
        'allow-access-to-security-group') _opts="--group-name --group-id --source-security-group-name --source-security-group-id --source-security-group-owner-id --ip-protocol --from-port --to-port --cidr-ip --cidr-ipv6 --description --dry-run $_ec2ops_common" ;;
        'create-security-group') _opts="--group-name --group-description --vpc-id --tag --dry-run $_ec2ops_common" ;;
        'delete-security-group') _opts="--group-name --group-id --dry-run $_ec2ops_common" ;;
        'describe-security-groups') _opts="--group-names --group-ids --delimiter --row-delimiter --col-delimiter --filter --filters --tag --page-size --max-items --regions --profiles --max-concurrency --columns $_ec2ops_common" ;;
        'get-security-group-details') _opts="--group-name --group-id --row-delimiter --col-delimiter --filter --filters --tag --regions --profiles --max-concurrency $_ec2ops_common" ;;
        'revoke-access-to-security-group') _opts="--group-name --group-id --source-security-group-name --source-security-group-id --source-security-group-owner-id --ip-protocol --from-port --to-port --cidr-ip --cidr-ipv6 --dry-run $_ec2ops_common" ;;
        'bundle-windows-instance') _opts="--instance-id --instance-identifier --storage-bucket --storage-prefix --s3-access-key-id --s3-access-key --dry-run --wait --wait-timeout --wait-interval $_ec2ops_common" ;;
        'cancel-bundle-task') _opts="--bundle-id --dry-run $_ec2ops_common" ;;
        'enumerate-bundle-tasks') _opts="--row-delimiter --col-delimiter --filter --filters --tag --regions --profiles --max-concurrency --columns $_ec2ops_common" ;;
        'get-bundle-task-details') _opts="--bundle-id --filter --filters --tag --regions --profiles --max-concurrency $_ec2ops_common" ;;
        'ec2-dashboard') _opts="--notify-method --file --smtp-host --smtp-port --smtp-from --smtp-to --smtp-starttls --smtp-tls --smtp-ca-bundle --smtp-user --smtp-password-stdin --regions --profiles --max-concurrency $_ec2ops_common" ;;
        'create-tags') _opts="--resource-ids --tags --tag --delimiter --dry-run $_ec2ops_common" ;;
        'delete-tags') _opts="--resource-ids --tags --tag --delimiter --dry-run $_ec2ops_common" ;;
        'describe-vpcs') _opts="--vpc-ids --delimiter --row-delimiter --col-delimiter --filter --filters --tag --page-size --max-items --regions --profiles --max-concurrency --columns $_ec2ops_common" ;;
        'describe-subnets') _opts="--subnet-ids --delimiter --row-delimiter --col-delimiter --filter --filters --tag --page-size --max-items --regions --profiles --max-concurrency --columns $_ec2ops_common" ;;
        'sandbox') _opts="--port --log --bundle-seconds -h --help" _subs="run" ;;
        'sandbox run') _opts="-h --help" _rest=command ;;
    esac
}

# Completes the value of option $2 of command $1; fails when $2 takes no value.
_ec2ops_value() {
    case "$1 $2" in
        'detach-volume --force') COMPREPLY=() ;;
        *' --delimiter'|*' --filter'|*' --filters'|*' --tag'|*' --regions'|*' --profiles'|*' --max-concurrency'|*' --access-key-id'|*' --accessKeyId'|*' --access-key'|*' --accessKey'|*' --session-token'|*' --profile'|*' --service-endpoint'|*' --serviceEndpoint'|*' --endpoint'|*' --region'|*' --proxy-host'|*' --proxyHost'|*' --proxy-port'|*' --proxyPort'|*' --api-version'|*' --connect-timeout'|*' --read-timeout'|*' --max-attempts'|*' --get'|*' --row-delimiter'|*' --rowDelimiter'|*' --col-delimiter'|*' --colDelimiter'|*' --columns'|*' --volume-id'|*' --volumeId'|*' --user-ids'|*' --userIds'|*' --groups'|*' --wait-timeout'|*' --wait-interval'|*' --snapshot-description'|*' --snapshotDescription'|*' --snapshot-id'|*' --snapshotId'|*' --snapshot-ids'|*' --snapshotIds'|*' --snapshot-owners'|*' --snapshotOwners'|*' --restorable-by'|*' --restorableBy'|*' --page-size'|*' --max-items'|*' --attribute'|*' --operation-type'|*' --operationType'|*' --instance-id'|*' --instanceId'|*' --instance-identifier'|*' --instanceIdentifier'|*' --device-name'|*' --deviceName'|*' --device'|*' --size'|*' --availability-zone'|*' --availabilityZone'|*' --iops'|*' --throughput'|*' --kms-key-id'|*' --kmsKeyId'|*' --volume-ids'|*' --volumeIds'|*' --ip-address'|*' --ipAddress'|*' --image-owners'|*' --imageOwners'|*' --executable-by'|*' --executableBy'|*' --image-id'|*' --imageId'|*' --ami-id'|*' --amiId'|*' --product-code'|*' --productCode'|*' --image-location'|*' --imageLocation'|*' --name'|*' --instance-ids'|*' --instanceIds'|*' --min-count'|*' --minCount'|*' --max-count'|*' --maxCount'|*' --kernel-id'|*' --kernelId'|*' --ramdisk-id'|*' --ramdiskId'|*' --key-name'|*' --keyName'|*' --security-groups'|*' --securityGroups'|*' --instance-type'|*' --instanceType'|*' --placement-zone'|*' --placementZone'|*' --monitoring'|*' --virtual-name'|*' --virtualName'|*' --volume-size'|*' --volumeSize'|*' --delete-on-termination'|*' --deleteOnTermination'|*' --subnet-id'|*' --subnetId'|*' --disable-api-termination'|*' --disableApiTermination'|*' --instance-initiated-shutdown-behavior'|*' --instanceInitiatedShutdownBehavior'|*' --client-token'|*' --clientToken'|*' --user-data'|*' --userData'|*' --group-name'|*' --groupName'|*' --group-id'|*' --groupId'|*' --source-security-group-name'|*' --sourceSecurityGroupName'|*' --source-security-group-id'|*' --sourceSecurityGroupId'|*' --source-security-group-owner-id'|*' --sourceSecurityGroupOwnerId'|*' --ip-protocol'|*' --ipProtocol'|*' --from-port'|*' --fromPort'|*' --to-port'|*' --toPort'|*' --cidr-ip'|*' --cidrIp'|*' --cidr-ipv6'|*' --cidrIpv6'|*' --description'|*' --group-description'|*' --groupDescription'|*' --vpc-id'|*' --vpcId'|*' --group-names'|*' --groupNames'|*' --group-ids'|*' --groupIds'|*' --storage-bucket'|*' --storageBucket'|*' --storage-prefix'|*' --storagePrefix'|*' --s3-access-key-id'|*' --s3AccessKeyId'|*' --s3-access-key'|*' --s3AccessKey'|*' --bundle-id'|*' --bundleId'|*' --smtp-host'|*' --smtpHost'|*' --smtp-port'|*' --smtpPort'|*' --smtp-from'|*' --smtpFrom'|*' --smtp-to'|*' --smtpTo'|*' --smtp-user'|*' --smtpUser'|*' --resource-ids'|*' --resourceIds'|*' --tags'|*' --vpc-ids'|*' --vpcIds'|*' --subnet-ids'|*' --subnetIds'|*' --port'|*' --bundle-seconds') COMPREPLY=() ;;
        *' --signature-version') _ec2ops_choices '2
4' ;;
        *' --signature-method') _ec2ops_choices 'HmacSHA256
HmacSHA1' ;;
        *' --ca-bundle'|*' --user-data-file'|*' --userDataFile'|*' --key-file'|*' --keyFile'|*' --file'|*' --smtp-ca-bundle'|*' --smtpCaBundle'|*' --log') _ec2ops_files ;;
        *' -o'|*' --output') _ec2ops_choices 'plain
table
json' ;;
        *' --volume-type'|*' --volumeType') _ec2ops_choices 'gp3
gp2
io2
io1
st1
sc1
standard' ;;
        *' --notify-method'|*' --notifyMethod') _ec2ops_choices 'Display
Write to File
Email
None
write-to-file' ;;
        *) return 1 ;;
    esac
}

_ec2ops_choices() {  # $1: the values, one a line (a value may hold spaces)
    local IFS=$'\n' word=${cur//\\ / }
    COMPREPLY=($(compgen -W "$1" -- "$word"))
    ((${#COMPREPLY[@]})) && COMPREPLY=($(printf '%q\n' "${COMPREPLY[@]}"))
    return 0
}

_ec2ops_files() {
    local IFS=$'\n'
    compopt -o filenames 2>/dev/null
    COMPREPLY=($(compgen -f -- "$cur"))
    return 0
}

_ec2ops() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local node="" word i=1 start=0 _opts _subs _rest
    COMPREPLY=()
    # Which (sub)command the words before the cursor name, skipping options and their values.
    while ((i < COMP_CWORD)); do
        word=${COMP_WORDS[i]}
        _ec2ops_node "$node"
        if [[ $word == -- ]]; then
            start=$((i + 1)); break
        elif [[ $word == -* ]]; then
            if _ec2ops_value "$node" "$word"; then
                [[ ${COMP_WORDS[i+1]} == = ]] && ((i++))
                ((i++))
            fi
        elif [[ " $_subs " == *" $word "* ]]; then
            node="${node:+$node }$word"
        else
            start=$i; break
        fi
        ((i++))
    done
    _ec2ops_node "$node"
    if ((start)) || [[ $_rest == command && -z $_subs && $cur != -* ]]; then
        ((start)) || start=$COMP_CWORD
        if [[ $_rest == command ]] && declare -F _command_offset >/dev/null; then
            _command_offset $start
        elif [[ $_rest == command ]] && ((start == COMP_CWORD)); then
            COMPREPLY=($(compgen -c -- "$cur"))
        else
            _ec2ops_files
        fi
        return 0
    fi
    # The value of the option before the cursor (`--output json`, `--output=json`).
    local option=$prev
    if [[ $cur == = ]]; then
        cur=
    elif [[ $prev == = ]]; then
        option=${COMP_WORDS[COMP_CWORD-2]}
    fi
    if [[ $option == -* ]] && _ec2ops_value "$node" "$option"; then
        return 0
    fi
    if [[ $cur != -* && -n $_subs ]]; then
        COMPREPLY=($(compgen -W "$_subs" -- "$cur"))
    else
        COMPREPLY=($(compgen -W "$_opts" -- "$cur"))
    fi
}

complete -F _ec2ops ec2ops
