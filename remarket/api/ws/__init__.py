"""Reserved for the Back Market-compatible seller API served under /ws/ (see shared contracts)."""
