#!/usr/bin/env python3
"""Real records for the API fuzzing to reach past 404: an open campaign with applications in
every state, a usage list, a year-end check, outbox messages, the payer, a bank account and
both surveys. Prints a schemathesis.toml
that feeds their ids into the path parameters of the operations that take them, mixed with
generated values, so every operation is tried both on records that exist and on ones that do
not.

    fuzz-seed.py BASE_URL ADMIN_TOKEN > schemathesis.toml
"""

import datetime as dt
import json
import sys
import urllib.request

from fixture_offices import corporate_number, office_number


def application(n):
    return {"tier": "general_single",
            "contact": {"name": "山田 花子", "email": f"c{n}@example.jp"},
            "offices": [{"office_number": office_number(n), "name": f"ファズ居宅介護支援事業所{n}",
                         "kind": "care_management", "corporate_number": corporate_number(n),
                         "corporation_name": f"社会福祉法人ファズ{n}", "municipality_code": "132039",
                         "address": "東京都武蔵野市緑町2-2-28", "email": f"o{n}@example.jp",
                         "using_system_since": None}]}


class Api:
    def __init__(self, base, token):
        self.base, self.token = base, token

    def call(self, method, path, body=None, content_type="application/json"):
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Authorization", f"Bearer {self.token}")
        if data is not None:
            req.add_header("Content-Type", content_type)
        with urllib.request.urlopen(req) as resp:
            return json.load(resp)


def toml_string(value):
    return json.dumps(value)


def main():
    base, token = sys.argv[1], sys.argv[2]
    api = Api(base, token)
    now = dt.datetime.now(dt.timezone.utc)
    campaign = api.call("POST", "/api/v1/campaigns", {
        "code": "fuzz-open", "name": "ファズ用キャンペーン", "region_code": "132039",
        "region_name": "武蔵野市",
        "opens_at": (now - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "deadline": (now + dt.timedelta(days=30)).strftime("%Y-%m-%d"),
        "ends_on": (now + dt.timedelta(days=120)).strftime("%Y-%m-%d"),
        "total_slots": 3, "model_slots": 1, "reserved_seminar_slots": 0, "max_referrals": 1,
        "honoraria": {"general": 26000, "model": 31000, "referred": 26000}})
    cid = campaign["id"]
    made = [api.call("POST", f"/api/v1/campaigns/{cid}/applications", application(n))
            for n in range(1, 7)]
    applications = [a["id"] for a in made]
    secrets = [a["status_url"].rsplit("/", 1)[1] for a in made]
    api.call("POST", f"/api/v1/applications/{applications[4]}/withdraw", {"reason": "ファズ"})
    api.call("POST", f"/api/v1/applications/{applications[5]}/disqualify", {"reason": "ファズ"})
    today = now.strftime("%Y-%m-%d")
    listed = "事業所番号\n" + "\n".join(office_number(n) for n in range(1, 3)) + "\n"
    api.call("POST", f"/api/v1/campaigns/{cid}/usage-lists?as_of={today}",
             listed.encode(), "text/csv")
    check = api.call("POST", f"/api/v1/campaigns/{cid}/year-end-checks", {"as_of": today})
    for kind in ("start", "end"):
        api.call("PUT", f"/api/v1/campaigns/{cid}/surveys/{kind}", {
            "title": "ファズ用アンケート", "questions": [
                {"key": "q1", "text": "使い道は？", "type": "single",
                 "options": ["記録", "連携"], "required": True},
                {"key": "q2", "text": "難しさ", "type": "scale"}]})
    messages = api.call("GET", "/api/v1/outbox?per_page=5")["items"]
    api.call("PUT", f"/api/v1/campaigns/{cid}/payer", {
        "requester_code": "1234567890", "requester_name_kana": "ファズ　ジムキョク",
        "bank_code": "0001", "branch_code": "123", "account_type": "ordinary",
        "account_number": "7654321"})
    api.call("PUT", f"/api/v1/campaigns/{cid}/participants/{office_number(1)}/bank-account", {
        "bank_code": "0005", "branch_code": "001", "account_type": "ordinary",
        "account_number": "1234567", "holder_kana": "シャカイフクシホウジン　ファズ"})
    offices = [office_number(n) for n in range(1, 4)]

    print("# Written by scripts/fuzz-seed.py for one run of scripts/fuzz-api.sh.")
    dictionaries = {
        "campaign": [cid], "application": applications, "secret": secrets,
        "check": [check["id"]], "message": [m["id"] for m in messages], "office": offices,
        "kind": ["start", "end"],
    }
    for name, values in dictionaries.items():
        print(f"[dictionaries.{name}]\nvalues = [{', '.join(toml_string(v) for v in values)}]\n")
    bindings = [
        (r"^/api/v1/campaigns/\{id\}", "path.id", "campaign"),
        (r"^/api/v1/applications/\{id\}", "path.id", "application"),
        (r"^/api/v1/status/\{secret\}", "path.secret", "secret"),
        (r"^/api/v1/year-end-checks/\{id\}", "path.id", "check"),
        (r"^/api/v1/outbox/\{id\}", "path.id", "message"),
    ]
    for regex, parameter, dictionary in bindings:
        print("[[operations]]")
        print(f"include-path-regex = {toml_string(regex)}")
        print(f"parameters = {{ {toml_string(parameter)} = {{ dictionary = "
              f"{toml_string(dictionary)}, probability = 0.8 }} }}\n")
    print("[[operations]]")
    print(f"include-path-regex = {toml_string(r'/surveys/[{]kind[}]')}")
    print('parameters = { "path.kind" = { dictionary = "kind", probability = 0.8 } }\n')
    participants = r"/participants/\{office_number\}"
    print("[[operations]]")
    print(f"include-path-regex = {toml_string(participants)}")
    print('parameters = { "path.id" = { dictionary = "campaign", probability = 0.8 }, '
          '"path.office_number" = { dictionary = "office", probability = 0.8 } }')


if __name__ == "__main__":
    main()
