"""What the Work Buddy services agree on: event envelope, payload schemas, vocabulary, errors.

Every service imports these; none keeps its own copy.
"""
