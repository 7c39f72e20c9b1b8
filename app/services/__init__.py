"""Use-cases: each public function is one transaction over one or more models."""
