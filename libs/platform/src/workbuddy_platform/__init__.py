"""Plumbing shared by the Work Buddy services: settings, logs, store, outbox, consumers, topology."""
