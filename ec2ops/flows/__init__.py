"""The guide's flows: ordinary click functions over the same Session, client and renderer."""
