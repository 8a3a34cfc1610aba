#!/usr/bin/env python3
"""Writes the Musashino outcome fixture under config/fixtures/: a synthetic office register
shaped like the national open data, and two usage lists that reproduce the seed's figures
(4 of 188 offices on 2023-04-01, 30 of 188 on 2024-04-01). Synthetic: every name, number and
address is made up; office numbers follow tests/api/helpers.rs (`office(n, kind)`), so a test
can apply as any of these offices. Deterministic: running it again writes the same bytes.

    python3 scripts/musashino_outcome_fixture.py
"""

import os

OUT = os.path.join(os.path.dirname(__file__), "..", "config", "fixtures")

# 45 care-management offices (category 1, serials 1-45) and 143 service offices
# (category 7, serials 101-243): 188 in Musashino.
CARE = list(range(1, 46))
SERVICE = list(range(101, 244))
# Offices of the neighbouring cities, which the outcome must not count.
NEIGHBOURS = [(1, 501, "132047", "三鷹市"), (7, 502, "132047", "三鷹市"),
              (7, 503, "132101", "小金井市"), (1, 504, "132101", "小金井市"),
              (7, 505, "13210", "小金井市"), (7, 506, "132047", "三鷹市")]
SERVICES = ["訪問介護", "訪問看護", "通所介護", "通所リハビリテーション", "福祉用具貸与",
            "短期入所生活介護", "小規模多機能型居宅介護", "認知症対応型共同生活介護"]


def office_number(category, n):
    first_nine = f"13{category}{n:06d}"
    total = 0
    for i, c in enumerate(reversed(first_nine)):
        product = int(c) * (2 if i % 2 == 0 else 1)
        total += product // 10 + product % 10
    return f"{first_nine}{(10 - total % 10) % 10}"


def corporate_number(n):
    twelve = f"{n:012d}"
    total = sum(int(d) * (1 if i % 2 == 0 else 2) for i, d in enumerate(reversed(twelve)))
    return f"{9 - total % 9}{twelve}"


# Corporations that run several offices in the city: (offices, name).
GROUPS = [
    ([1, 101, 102], "社会福祉法人むさしの福祉会"),
    ([3, 103, 104, 105], "医療法人社団けやき会"),
    ([5, 6, 120, 121, 122, 123], "株式会社ケアパートナーズ"),
    ([7, 130], "有限会社みどり介護サービス"),
    ([20, 140, 141], "特定非営利活動法人きちじょうじ"),
]
CORPORATION = {}
for g, (members, name) in enumerate(GROUPS):
    for m in members:
        CORPORATION[m] = (corporate_number(7_000_000 + g), name)


def corporation_of(n):
    if n in CORPORATION:
        return CORPORATION[n]
    if n % 9 == 0:
        return ("", "")  # an individual's business: no corporate number
    return (corporate_number(8_000_000 + n), f"合同会社ケア{n}")


def rows():
    """Register rows in the open data's order: by service type, then office."""
    listed = []  # (service, category, n, code)
    for i, n in enumerate(CARE):
        code = "13203" if i % 4 == 3 else "132039"
        listed.append(("居宅介護支援", 1, n, code))
        if n % 5 == 0:  # also a home-help office at the same number
            listed.append(("訪問介護", 1, n, code))
    for i, n in enumerate(SERVICE):
        code = "13203" if i % 5 == 4 else "132039"
        listed.append((SERVICES[i % len(SERVICES)], 7, n, code))
        if n % 7 == 0:
            listed.append((SERVICES[(i + 3) % len(SERVICES)], 7, n, code))
    for category, n, code, _ in NEIGHBOURS:
        listed.append(("訪問介護" if category == 7 else "居宅介護支援", category, n, code))
    order = {s: i for i, s in enumerate(["居宅介護支援"] + SERVICES)}
    # An office listed under a service before its 居宅介護支援 row is still care management.
    first = ("訪問介護", 1, 10)
    listed.sort(key=lambda r: (-1 if r[:3] == first else order[r[0]], r[1], r[2]))
    return listed


def register():
    city = {"132039": "武蔵野市", "13203": "武蔵野市"}
    for _, _, code, name in NEIGHBOURS:
        city[code] = name
    lines = ["令和6年4月1日時点 介護サービス事業所一覧（合成データ）",
             "都道府県コード又は市町村コード,No,都道府県名,市区町村名,事業所名,事業所名カナ,"
             "サービスの種類,住所,方書（ビル名等）,電話番号,法人番号,法人の名称,事業所番号,備考"]
    for no, (service, category, n, code) in enumerate(rows(), start=1):
        number = office_number(category, n)
        corporate, corporation = corporation_of(n)
        kind = "居宅介護支援センター" if category == 1 else "ケアステーション"
        name = f"むさしの{kind}{n}"
        if n == 20:
            name = f"\"{name}, 吉祥寺\""  # a comma inside a quoted field
        lines.append(",".join([
            code, str(no), "東京都", city[code], name, "ﾑｻｼﾉ", service,
            f"東京都{city[code]}緑町{n % 4 + 1}-{n % 9 + 1}-{n % 20 + 1}", "", "0422-00-0000",
            corporate, corporation, number, ""]))
    return "\r\n".join(lines) + "\r\n"


def usage_list(care, service, outside):
    lines = ["事業所番号,事業所名,利用開始日"]
    for n in care:
        lines.append(f"{office_number(1, n)},むさしの居宅介護支援センター{n},2023/03/01")
    for n in service:
        lines.append(f"{office_number(7, n)},むさしのケアステーション{n},2023/03/01")
    for category, n in outside:
        lines.append(f"{office_number(category, n)},近隣の事業所{n},2023/03/01")
    return "\r\n".join(lines) + "\r\n"


def write(name, text):
    with open(os.path.join(OUT, name), "w", encoding="utf-8", newline="") as f:
        f.write(text)


def main():
    write("musashino-office-register-2024-04-01.csv", register())
    # 2023-04-01: 4 of 188 (2.1%).
    write("musashino-usage-2023-04-01.csv", usage_list([1, 2], [101, 102], [(1, 501)]))
    # 2024-04-01: 30 of 188 (16.0%); 102 stopped, so 27 are new.
    write("musashino-usage-2024-04-01.csv",
          usage_list(range(1, 15), [101] + list(range(103, 118)), [(1, 501), (7, 503), (7, 506)]))


if __name__ == "__main__":
    main()
