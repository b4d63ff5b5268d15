"""The guide's operations, one module per area; each module's OPERATIONS are declarations (spec.py)."""
