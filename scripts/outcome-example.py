#!/usr/bin/env python3
"""The README's outcome example, end to end, against a running server: the Musashino campaign
(config/fixtures/musashino-2023.json, its dates moved so that it is open today) with 20 of the
fixture's offices taking part, the fixture's office register and its two usage lists; then the
outcome's figures and its chart as PNG (docs/outcome-musashino.png is this script's).

    honoraria serve &   # then
    python3 scripts/outcome-example.py --base http://127.0.0.1:8080 --token "$TOKEN" [--png FILE]
"""

import argparse
import datetime as dt
import json
import os
import sys
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from musashino_outcome_fixture import corporate_number, office_number  # noqa: E402

ROOT = os.path.join(os.path.dirname(__file__), "..")
FIXTURES = os.path.join(ROOT, "config", "fixtures")


def call(args, method, path, body=None, content_type="application/json"):
    data = None
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(args.base + path, data=data, method=method)
    request.add_header("Authorization", f"Bearer {args.token}")
    if data is not None:
        request.add_header("Content-Type", content_type)
    with urllib.request.urlopen(request) as answer:
        return answer.read()


def application(n):
    """A single-office application as office n of the fixture (category 1: care management)."""
    return {
        "tier": "general_single",
        "contact": {"name": "山田 花子", "email": f"office{n}@example.jp"},
        "offices": [{
            "office_number": office_number(1, n), "name": f"むさしの居宅介護支援センター{n}",
            "kind": "care_management", "corporate_number": corporate_number(9_000_000 + n),
            "corporation_name": f"合同会社ケア{n}", "municipality_code": "132039",
            "address": "東京都武蔵野市緑町2-2-28", "email": f"office{n}@example.jp",
            "using_system_since": None,
        }],
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8080")
    parser.add_argument("--token", required=True)
    parser.add_argument("--png", default=os.path.join(ROOT, "docs", "outcome-musashino.png"))
    args = parser.parse_args()

    with open(os.path.join(FIXTURES, "musashino-2023.json"), encoding="utf-8") as f:
        campaign = json.load(f)
    today = dt.date.today()
    campaign["code"] = f"musashino-outcome-{today:%Y%m%d%H%M%S}-{os.getpid()}"
    campaign["opens_at"] = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1)).isoformat()
    campaign["deadline"] = str(today + dt.timedelta(days=30))
    campaign["ends_on"] = str(today + dt.timedelta(days=120))
    c = json.loads(call(args, "POST", "/api/v1/campaigns", campaign))["id"]
    # 20 care-management offices take part: 1 to 14 use the system by 2024-04-01, 15 to 20 not.
    for n in range(1, 21):
        call(args, "POST", f"/api/v1/campaigns/{c}/applications", application(n))

    with open(os.path.join(FIXTURES, "musashino-office-register-2024-04-01.csv"), "rb") as f:
        register = json.loads(call(args, "POST", "/api/v1/office-registers?as_of=2024-04-01",
                                   f.read(), "text/csv"))
    print("register:", json.dumps({k: register[k] for k in ("rows", "offices", "sha256")}))
    for day in ("2023-04-01", "2024-04-01"):
        with open(os.path.join(FIXTURES, f"musashino-usage-{day}.csv"), "rb") as f:
            call(args, "POST", f"/api/v1/campaigns/{c}/usage-lists?as_of={day}", f.read(), "text/csv")

    outcome = json.loads(call(args, "GET", f"/api/v1/campaigns/{c}/outcome"))
    for p in outcome["points"]:
        print(f"{p['as_of']}: {p['using']} of {p['offices']} ({p['rate']})")
    print("participants:", outcome["participants"], "the rest:", outcome["non_participants"])
    print("new adopters:", outcome["new_adopters"])
    with open(args.png, "wb") as f:
        f.write(call(args, "GET", f"/api/v1/campaigns/{c}/outcome.png"))
    print("chart:", args.png)


if __name__ == "__main__":
    main()
