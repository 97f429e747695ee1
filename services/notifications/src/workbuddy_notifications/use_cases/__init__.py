"""What notifications does, one module per feature; each function takes a unit of work (and the
senders, where something leaves) and plain keyword arguments."""
