"""Names the media backend knows people and rooms by. One SFU serves every session, so both
carry the session id: nothing of one session can be forwarded into another's room."""

from __future__ import annotations


def media_participant(session_id: str, person_id: str) -> str:
    return f"{session_id}:{person_id}"


def media_room(session_id: str, room_id: str) -> str:
    return f"{session_id}:{room_id}"


def split_media_id(media_id: str) -> tuple[str, str]:
    """(session_id, person_or_room_id) of a media participant or room id."""
    session_id, _, rest = media_id.partition(":")
    return session_id, rest
