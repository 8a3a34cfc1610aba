//! The payout ledger as an Excel workbook: a sheet of lines with a totals row, then sheets of
//! labelled facts (the campaign, the approval record). Lines go to a temporary file as they
//! are written (the crate's constant-memory mode), so a national batch's workbook does not
//! grow the server.

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

/// A ledger workbook being written: [`Ledger::line`] for each line, then [`Ledger::finish`].
pub struct Ledger {
    book: Workbook,
    lines: Worksheet,
    bold: Format,
    row: u32,
    total: i64,
    /// The column of the amount: the one after the text columns.
    amount_column: u16,
}

impl Ledger {
    /// A workbook whose first sheet, `sheet`, has `header`: text columns, the last one the
    /// amount.
    pub fn new(sheet: &str, header: &[&str]) -> Result<Self, XlsxError> {
        let bold = Format::new().set_bold();
        let mut book = Workbook::new();
        let mut lines = book.new_worksheet_with_constant_memory()?;
        lines.set_name(sheet)?;
        for (col, name) in header.iter().enumerate() {
            lines.write_string_with_format(0, col as u16, *name, &bold)?;
        }
        Ok(Ledger {
            book,
            lines,
            bold,
            row: 0,
            total: 0,
            amount_column: header.len().saturating_sub(1) as u16,
        })
    }

    /// One line: its text cells, then its amount in yen.
    pub fn line(&mut self, cells: &[&str], amount: i64) -> Result<(), XlsxError> {
        self.row += 1;
        self.total += amount;
        for (col, text) in cells.iter().enumerate() {
            self.lines.write_string(self.row, col as u16, *text)?;
        }
        self.lines
            .write_number(self.row, self.amount_column, amount as f64)?;
        Ok(())
    }

    /// The totals row under the lines (labelled `total_label`), then one sheet per
    /// `(name, facts)`, each fact a label and its value; the workbook's bytes.
    pub fn finish(
        mut self,
        total_label: &str,
        sheets: &[(&str, Vec<(&str, String)>)],
    ) -> Result<Vec<u8>, XlsxError> {
        self.lines
            .write_string_with_format(self.row + 1, 0, total_label, &self.bold)?
            .write_number_with_format(
                self.row + 1,
                self.amount_column,
                self.total as f64,
                &self.bold,
            )?;
        self.book.push_worksheet(self.lines);
        for (name, facts) in sheets {
            let sheet = self.book.add_worksheet();
            sheet.set_name(*name)?;
            sheet.set_column_width(0, 24)?;
            sheet.set_column_width(1, 48)?;
            for (i, (label, value)) in facts.iter().enumerate() {
                sheet
                    .write_string_with_format(i as u32, 0, *label, &self.bold)?
                    .write_string(i as u32, 1, value)?;
            }
        }
        self.book.save_to_buffer()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ledger_of_two_lines_is_a_workbook_of_three_sheets() {
        let mut ledger = Ledger::new("明細", &["事業所番号", "金額"]).unwrap();
        ledger.line(&["1370100016"], 26_000).unwrap();
        ledger.line(&["1371100049"], 31_000).unwrap();
        let bytes = ledger
            .finish(
                "合計",
                &[
                    ("キャンペーン", vec![("コード", "c".to_owned())]),
                    ("承認記録", vec![("件数", "2".to_owned())]),
                ],
            )
            .unwrap();
        assert_eq!(&bytes[..2], b"PK", "a zip, as every xlsx is");
        let zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let sheets = zip
            .file_names()
            .filter(|n| {
                n.as_ref()
                    .is_ok_and(|n| n.starts_with("xl/worksheets/sheet"))
            })
            .count();
        assert_eq!(sheets, 3);
    }

    #[test]
    fn a_sheet_name_excel_cannot_hold_is_an_error_not_a_broken_file() {
        assert!(Ledger::new("a/b", &["x"]).is_err());
    }
}
