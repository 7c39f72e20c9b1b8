"""Pure rules of performance management (PermenPANRB, PP, SE): no Flask, no database."""
