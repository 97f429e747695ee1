"""Runs the whole Work Buddy system on one machine, without containers: for people and tests."""
