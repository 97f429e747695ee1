"""A demo community's content: its members, their profiles and the words they write (no I/O)."""
