"""Pages without login: the public survey (and, later, document verification)."""
