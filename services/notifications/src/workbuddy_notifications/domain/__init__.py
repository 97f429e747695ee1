"""notifications' rules, pure: who is told, when, and in what words. No store, no broker, no
clock of their own (the caller passes the time), no settings."""
