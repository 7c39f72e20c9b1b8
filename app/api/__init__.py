"""REST resources under /api/v1/, one module per area, all on the scoped data interface."""
