"""Where notifications meets the outside: its store (repository), the mail server (smtp), the
push services (push), the signed links in mails (links), and the dependency that hands the
senders to the service (senders)."""
