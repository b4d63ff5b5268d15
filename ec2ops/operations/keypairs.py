"""Key pairs."""

import os

from ec2ops import files
from ec2ops.errors import InputError, NotWritten
from ec2ops.resources import KEY_PAIR
from ec2ops.spec import Change, Column, Input, Items, Operation, Output, ROW_DELIMITER, col_delimiter, RETURNED_TRUE

KEY_NAME = Input("keyName", "The name of the key pair.", query="KeyName", required=True)


def _check_key_file(inputs: dict) -> None:
    path = inputs.get("keyFile")
    if path is None:
        return
    if path and not files.is_regular_or_absent(path):  # --force too: never a device, FIFO or /dev/stdout
        raise InputError(f"{path} is not a regular file; the private key is written only to a regular file "
                         "(nothing was sent to EC2).")
    if os.path.lexists(path) and not inputs.get("force"):
        raise InputError(f"{path} already exists; give --force to replace it (nothing was sent to EC2).")
    files.check_writable(path, "key file")


def _save_key(result: dict, inputs: dict) -> dict:
    """The private key into --key-file, mode 0600, whole or not at all; a file that cannot be written
    after EC2 made the key pair is exit 4, with the key pair's name (never the key)."""
    path = inputs.get("keyFile")
    if not path:
        return result
    material = result["returnResult"]
    created = f"The key pair '{inputs['keyName']}' was created, but"
    again = "Delete the key pair and allocate it again."
    if not isinstance(material, str) or not material.strip():  # never an empty key file, and exit 0
        raise NotWritten(f"{created} EC2's answer holds no private key to write to {path}. {again}",
                         "no private key in the answer")
    try:
        files.write_whole(path, (material if material.endswith("\n") else material + "\n").encode("utf-8"),
                          replace=bool(inputs.get("force")))
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise NotWritten(f"{created} its private key could not be written to {path} ({reason}). {again}",
                         reason) from None
    return {"keyFile": path, **{k: v for k, v in result.items() if k != "returnResult"}}


OPERATIONS = [
    Operation(
        name="allocate-new-key-pair",
        action="CreateKeyPair",
        area="keypairs",
        help="""Creates a new 2048-bit RSA key pair with the given name; returnResult is its private key
        (unencrypted PEM), keyFingerprint its fingerprint. EC2 refuses a name that already exists.

        With --key-file the private key is written to that file (mode 0600) instead of the output,
        and the file's path is printed in its place; an existing file is replaced only with --force, and
        only a regular file (never a device, a FIFO or /dev/stdout).""",
        inputs=(
            KEY_NAME,
            Input("keyFile", "Write the private key to this file (mode 0600) instead of printing it.",
                  metavar="PATH"),
            Input("force", "Replace an existing --key-file.", flag=True),
        ),
        outputs=(
            Output("returnResult", path="keyMaterial", lines=True, help="The private key, PEM."),
            Output("keyFingerprint", path="keyFingerprint", help="The key's fingerprint."),
        ),
        validate=_check_key_file,
        finish=_save_key,
        change=Change(KEY_PAIR, ids="keyName", creates=True),  # never returnResult: the private key
        extra_outputs=("keyFile",),
        example="ec2ops allocate-new-key-pair --key-name deploy --key-file ~/.ssh/deploy.pem",
    ),
    Operation(
        name="delete-key-pair",
        action="DeleteKeyPair",
        area="keypairs",
        help="""Deletes a key pair by removing its public key from EC2. It succeeds even if the key does not
        exist: check with enumerate-key-pairs first if that matters.""",
        inputs=(KEY_NAME,),
        outputs=(RETURNED_TRUE,),
        change=Change(KEY_PAIR, ids="keyName"),
        example="ec2ops delete-key-pair --key-name deploy",
    ),
    Operation(
        name="enumerate-key-pairs",
        action="DescribeKeyPairs",
        area="keypairs",
        help="""Lists the key pairs available to you: key name and fingerprint. Fails with
        "No items found!" when there is none.""",
        inputs=(ROW_DELIMITER, col_delimiter()),
        items=Items("keySet"),
        outputs=(
            Output(
                "returnResult",
                columns=(Column("keyName", "Key name"), Column("keyFingerprint", "Fingerprint")),
                help="The key pairs: Key name, Fingerprint.",
            ),
        ),
        empty_error="No items found!",
        example="ec2ops enumerate-key-pairs --get returnResult | cut -d, -f1",
    ),
]
