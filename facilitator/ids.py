"""Typed identifiers. All ids are opaque strings chosen by the server."""

from typing import NewType

GroupId = NewType("GroupId", str)
MemberId = NewType("MemberId", str)
SessionId = NewType("SessionId", str)
RoomId = NewType("RoomId", str)
UserId = NewType("UserId", str)

MAIN_ROOM = RoomId("main")
