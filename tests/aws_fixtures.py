"""A small AWS custom lens of our own, written to follow the lens format specification, for
the AWS export and review tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def fixture_lens() -> dict[str, Any]:
    """A small custom lens that follows the specification, with a "None of these" choice."""

    def choice(cid: str, title: str) -> dict[str, Any]:
        return {
            "id": cid,
            "title": title,
            "helpfulResource": {"displayText": f"About {title}", "url": "https://example.com/h"},
            "improvementPlan": {
                "displayText": f"Put {title} in place",
                "url": "https://example.com/i",
            },
        }

    return {
        "schemaVersion": "2021-11-01",
        "name": "Model Ops Review",
        "description": "Checks for teams that ship models.",
        "pillars": [
            {
                "id": "modelOps",
                "name": "Model operations",
                "questions": [
                    {
                        "id": "mo_deploy",
                        "title": "How do you deploy models?",
                        "description": "Releases that can be undone.",
                        "choices": [
                            choice("mo_deploy_ci", "Pipelines deploy every model"),
                            choice("mo_deploy_canary", "Canary releases"),
                            choice("mo_deploy_rollback", "One-step rollback"),
                            {"id": "mo_deploy_no", "title": "None of these"},
                        ],
                        "riskRules": [
                            {"condition": "mo_deploy_no || !mo_deploy_ci", "risk": "HIGH_RISK"},
                            {"condition": "!mo_deploy_rollback", "risk": "MEDIUM_RISK"},
                            {"condition": "default", "risk": "NO_RISK"},
                        ],
                    }
                ],
            },
            {
                "id": "security",
                "name": "Security",
                "questions": [
                    {
                        "id": "sec_access",
                        "title": "How is access to models controlled?",
                        "choices": [
                            choice("sec_access_iam", "Roles per service"),
                            choice("sec_access_keys", "Keys rotated"),
                            {"id": "sec_access_no", "title": "None of these"},
                        ],
                        "riskRules": [
                            {"condition": "sec_access_no", "risk": "HIGH_RISK"},
                            {
                                "condition": "!(sec_access_iam && sec_access_keys)",
                                "risk": "MEDIUM_RISK",
                            },
                            {"condition": "default", "risk": "NO_RISK"},
                        ],
                    },
                    {
                        "id": "sec_data",
                        "title": "Is training data encrypted?",
                        "choices": [
                            choice("sec_data_enc", "Encrypted at rest"),
                            choice("sec_data_transit", "Encrypted in transit"),
                        ],
                        "riskRules": [
                            {"condition": "!sec_data_enc", "risk": "HIGH_RISK"},
                            {"condition": "default", "risk": "NO_RISK"},
                        ],
                    },
                ],
            },
        ],
    }


def write_json(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path
