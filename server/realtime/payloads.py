"""Payloads of client -> server events: pydantic models that forbid unknown fields."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

Id = Annotated[str, StringConstraints(min_length=1, max_length=64)]
ChatText = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
DecisionMessage = Annotated[str, StringConstraints(max_length=500)]
SoloReason = Annotated[str, StringConstraints(max_length=1000)]


class Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Empty(Payload):
    pass


class MemberDecision(Payload):
    member_id: Id
    message: DecisionMessage | None = None


class GoLive(Payload):
    solo_reason: SoloReason | None = None


class Text(Payload):
    text: ChatText


class MemberRef(Payload):
    member_id: Id


class HeldApproval(Payload):
    held_id: Id
    masked: bool = False


class HeldRef(Payload):
    held_id: Id
