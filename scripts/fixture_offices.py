"""Valid office and corporate numbers for the load and fuzzing scripts, made as the checks in
src/domain/office_number.rs and src/domain/corporate_number.rs expect."""


def office_number(n):
    """Ten digits: 13 (Tokyo), a running number, the check digit (weights 2,1 from the right)."""
    first_nine = f"13{n:07d}"
    total = 0
    for i, c in enumerate(reversed(first_nine)):
        v = int(c) * (2 if i % 2 == 0 else 1)
        total += v // 10 + v % 10
    return f"{first_nine}{(10 - total % 10) % 10}"


def corporate_number(n):
    """Thirteen digits: the check digit, then twelve from the running number."""
    twelve = f"{100000 + n:012d}"
    total = sum(int(d) * (1 if k % 2 else 2) for k, d in enumerate(reversed(twelve), 1))
    return f"{9 - total % 9}{twelve}"
