"""Authentication, roles and the one place that decides which rows a user may see or change."""
