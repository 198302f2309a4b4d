"""Notifications: one feed of everything that happens, for secretariat staff."""
