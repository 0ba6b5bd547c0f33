"""/v1/score-memo: score one draft memo against a framework (stores nothing unless asked)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body

from service import examples, memos
from service.deps import OrgDep, RuntimeDep, SessionDep, SettingsDep, ShedderDep
from service.memos import MemoIn
from service.schemas import MemoScore

router = APIRouter(prefix="/v1", tags=["score-memo"])


@router.post(
    "/score-memo",
    response_model=MemoScore,
    summary="A memo's findings (per-document shape), a 0..1 score and suggestions",
    description="Beyond the server's capacity the answer is a fast 503 with `Retry-After`.",
    responses={
        200: {"content": {"application/json": {"example": examples.MEMO_RESULT}}},
        **examples.responses(400, 401, 404, 413, 422, 503),
    },
)
def score_memo(
    org: OrgDep,
    session: SessionDep,
    settings: SettingsDep,
    runtime: RuntimeDep,
    shedder: ShedderDep,
    memo: Annotated[
        MemoIn,
        Body(
            openapi_examples={"draft": {"summary": "A draft memo", "value": examples.MEMO_REQUEST}}
        ),
    ],
) -> dict[str, Any]:
    return memos.score(
        session=session,
        org=org,
        memo=memo,
        runtime=runtime,
        shedder=shedder,
        max_chars=settings.max_memo_chars,
    )
