"""Modal screens of the review app, one per module: each answers through ``dismiss`` (``None`` when
cancelled with Escape) and none touches the store."""
