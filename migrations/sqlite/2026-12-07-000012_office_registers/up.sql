-- A register of long-term-care offices as of a date (the national open data), shared by every
-- campaign: the outcome counts a region's offices from it. Kept whole, never changed; a newer
-- register is a new row.
CREATE TABLE office_registers (
    id TEXT PRIMARY KEY NOT NULL,
    as_of DATE NOT NULL,
    row_count INTEGER NOT NULL,
    office_count INTEGER NOT NULL,
    invalid_row_count INTEGER NOT NULL,
    encoding TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    imported_at TIMESTAMP NOT NULL,
    imported_by TEXT NOT NULL
);
CREATE INDEX office_registers_as_of ON office_registers (as_of, imported_at);

-- One row per office, however many service types it was listed under. No foreign key on
-- register_id, as for usage lists: a national register is written only together with its
-- register row, in one transaction. municipality_code is the five digits without the check
-- digit, so a region is one range of the primary key whichever way the file wrote it; that
-- key is the only index, written in its own order, which keeps a national import fast.
CREATE TABLE office_register_offices (
    register_id TEXT NOT NULL,
    office_number TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('care_management', 'service')),
    municipality_code TEXT NOT NULL,
    corporate_number TEXT,
    corporation_name TEXT,
    address TEXT,
    PRIMARY KEY (register_id, municipality_code, office_number)
) WITHOUT ROWID;
