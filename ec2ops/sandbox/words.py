"""What the sandbox says where both its command and its server say it."""

MISSING = (
    "The sandbox needs moto's server, which is not installed: "
    "pip install 'ec2ops[sandbox]' (or pip install 'moto[server]')."
)
