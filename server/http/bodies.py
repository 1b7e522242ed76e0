"""Request bodies. Unknown fields are refused, so a typo is an error, not a silent no-op."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictBool

from facilitator.session import DEFAULT_CAPACITY, Audience, GroupFormat


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_max_length=10_000)


class Empty(Body):
    pass


class Login(Body):
    email: str = Field(min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=1024)


class PasswordChange(Body):
    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(min_length=1, max_length=1024)


class UserCreate(Body):
    email: str = Field(min_length=3, max_length=254)
    display_name: str = Field(min_length=1, max_length=80)
    pronouns: str | None = Field(default=None, max_length=40)
    gender: str | None = Field(default=None, max_length=40)
    is_admin: StrictBool = False
    is_facilitator: StrictBool = True


class UserPatch(Body):
    display_name: str | None = Field(default=None, min_length=1, max_length=80)
    pronouns: str | None = Field(default=None, max_length=40)
    gender: str | None = Field(default=None, max_length=40)
    is_admin: StrictBool | None = None
    is_facilitator: StrictBool | None = None
    disabled: StrictBool | None = None


class BreachPolicyBody(Body):
    mute_after: int | None = Field(default=None, strict=True)
    remove_after: int | None = Field(default=None, strict=True)


class GroupSafety(Body):
    """The safety settings of a group (rules in facilitator.safeguarding.read_safety_settings)."""

    contact_policy: Literal["off", "optional", "required"] | None = None
    breach_policy: BreachPolicyBody | None = None
    retention_days: int | None = Field(default=None, strict=True)


class GroupCreate(GroupSafety):
    name: str = Field(min_length=1, max_length=120)
    description: str = Field(default="", max_length=2000)
    audience: Audience = Audience.MIXED
    format: GroupFormat = GroupFormat.DROP_IN
    # the upper bound is a rule (capacity_too_large), checked by facilitator.session
    capacity: int = Field(default=DEFAULT_CAPACITY, strict=True)
    ground_rules: list[str] | None = Field(default=None, max_length=100)
    facilitator_ids: list[str] = Field(default_factory=list, max_length=100)


class BalancingPatch(Body):
    """A group's balancing thresholds (facilitator/balancing_settings.py checks the ranges);
    a field left out keeps its current value, null returns it to the default."""

    round_turn_s: int | None = Field(default=None, strict=True)
    long_turn_s: int | None = Field(default=None, strict=True)
    share_nudge_factor: float | None = None
    nudge_repeat_s: int | None = Field(default=None, strict=True)
    nudge_facilitators: StrictBool | None = None
    quiet_alert_s: int | None = Field(default=None, strict=True)
    dominance_share: float | None = None
    min_room_talk_s: int | None = Field(default=None, strict=True)
    min_peers_for_share: int | None = Field(default=None, strict=True)


class GroupPatch(GroupSafety):
    name: str | None = Field(default=None, min_length=1, max_length=120)
    description: str | None = Field(default=None, max_length=2000)
    audience: Audience | None = None
    format: GroupFormat | None = None
    capacity: int | None = Field(default=None, strict=True)
    ground_rules: list[str] | None = Field(default=None, max_length=100)
    facilitator_ids: list[str] | None = Field(default=None, max_length=100)
    # mask | hold | alert, checked by facilitator.trigger_policy.parse_policy (400 bad_policy)
    trigger_policy: str | None = Field(default=None, max_length=20)
    balancing: BalancingPatch | None = None


class Facilitators(Body):
    user_ids: list[str] = Field(max_length=100)


class InviteCreate(Body):
    label: str = Field(default="", max_length=120)
    ttl_days: int | None = Field(default=None, ge=1, le=365, strict=True)


class SessionCreate(Body):
    theme: str = Field(default="", max_length=200)
    scheduled_start: AwareDatetime
    scheduled_end: AwareDatetime
    lead_id: str = Field(min_length=1, max_length=32)
    co_id: str = Field(min_length=1, max_length=32)


class SessionPatch(Body):
    theme: str | None = Field(default=None, max_length=200)
    scheduled_start: AwareDatetime | None = None
    scheduled_end: AwareDatetime | None = None
    lead_id: str | None = Field(default=None, min_length=1, max_length=32)
    co_id: str | None = Field(default=None, min_length=1, max_length=32)


class MemberCreate(Body):
    # the rules of a pseudonym (1-40 after trimming, no contact details) are in
    # facilitator.pseudonyms; this only bounds the raw input
    pseudonym: str = Field(max_length=200)


class MemberResume(Body):
    member_token: str = Field(min_length=1, max_length=200)


def non_null_changes(body: BaseModel, nullable: frozenset[str] = frozenset()) -> dict[str, object]:
    """Fields the client sent; null only counts for fields that may be cleared."""
    sent = body.model_dump(exclude_unset=True)
    return {k: v for k, v in sent.items() if v is not None or k in nullable}
