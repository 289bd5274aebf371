"""The admin API of alerts: rules (list, add or replace, remove) and the outbox's alerts.

Protected like the rest of the admin API (``Authorization: Bearer <admin_token>``). The
actions are :mod:`newsdiffs.usecases.alerts`, shared with ``newsdiffs alerts``. Target URLs
carry secrets: they are shown masked, never as given.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Response
from pydantic import BaseModel, Field

from newsdiffs.usecases import alerts as uc
from newsdiffs.web.admin import AUTH_ERRORS, require_bearer
from newsdiffs.web.api import API_PREFIX
from newsdiffs.web.pages import Context

_MAX_LIST = 1_000
ShortText = Annotated[str, Field(max_length=200)]


class TargetIn(BaseModel):
    url: str = Field(max_length=4096)
    per_hour: int | None = Field(default=None, ge=1, le=1_000_000)
    quiet_hours: str | None = Field(default=None, max_length=20, examples=["22:00-07:00"])
    digest: Literal["hourly", "daily"] | None = None


class RuleIn(BaseModel):
    name: str = Field(max_length=100)
    targets: list[TargetIn] = Field(min_length=1, max_length=50)
    sources: list[ShortText] = Field(default=[], max_length=_MAX_LIST)
    kinds: list[ShortText] = Field(default=[], max_length=50)
    min_significance: float = Field(default=0.0, ge=0.0, le=1.0)
    keywords: list[ShortText] = Field(default=[], max_length=_MAX_LIST)
    pattern: str | None = Field(default=None, max_length=1000)
    articles: list[Annotated[int, Field(ge=1, le=2**62)]] = Field(default=[], max_length=_MAX_LIST)
    enabled: bool = True


class TargetOut(BaseModel):
    url: str  # masked
    per_hour: int | None = None
    quiet_hours: str | None = None
    digest: str | None = None


class RuleOut(BaseModel):
    name: str
    targets: list[TargetOut]
    sources: list[str] = []
    kinds: list[str] = []
    min_significance: float = 0.0
    keywords: list[str] = []
    pattern: str | None = None
    articles: list[int] = []
    enabled: bool = True

    @classmethod
    def of(cls, data: dict[str, Any]) -> RuleOut:
        return cls.model_validate(data)


class AlertOut(BaseModel):
    id: int
    key: str
    rule: str
    target: str  # masked
    article_id: int
    version_id: int | None
    event_id: int | None
    event_kind: str | None
    created_at: datetime
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str
    remote_id: str | None
    sent_at: datetime | None


router = APIRouter(
    prefix=f"{API_PREFIX}/admin/alerts",
    tags=["admin", "alerts"],
    dependencies=[Depends(require_bearer)],
    responses=AUTH_ERRORS,
)


@router.get("/rules")
def api_alert_rules(context: Context) -> list[RuleOut]:
    return [RuleOut.of(uc.rule_for_display(rule)) for rule in context.store.alert_rules()]


@router.post("/rules", status_code=201)
def api_add_alert_rule(context: Context, body: RuleIn) -> RuleOut:
    rule = uc.add_rule(context.store, body.model_dump(exclude_none=True))
    return RuleOut.of(uc.rule_for_display(rule))


@router.delete("/rules/{name}", status_code=204)
def api_remove_alert_rule(context: Context, name: Annotated[str, Path(max_length=100)]) -> Response:
    uc.remove_rule(context.store, name)
    return Response(status_code=204)


@router.get("")
def api_alerts(
    context: Context,
    status: Annotated[Literal["pending", "sent", "dead", "dropped"] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=1_000)] = 100,
) -> list[AlertOut]:
    found = uc.list_alerts(context.store, status, limit)
    return [AlertOut.model_validate(uc.alert_for_display(alert)) for alert in found]
