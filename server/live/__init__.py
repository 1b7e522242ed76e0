"""Shared live state of running sessions (in-process or Redis) behind the LiveState port."""
