"""Telling people what changed: alert rules, the outbox, targets, diff cards and Wayback.

Pure parts (which rule matches which change, what a message says) live in ``newsdiffs.core``;
this package holds the I/O side: delivering messages to targets and archiving versions.
"""
