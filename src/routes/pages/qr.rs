//! QR codes of a campaign's form address, for flyers: SVG for print, PNG for documents.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// Pixels per module in the PNG: 8 gives a 300-odd pixel image for a typical address, sharp
/// when printed a few centimetres wide.
const PNG_SCALE: usize = 8;
/// The quiet zone readers need around the code, in modules.
const QUIET: usize = 4;

#[derive(Debug, thiserror::Error)]
pub enum QrError {
    #[error("the address does not fit a QR code: {0}")]
    TooLong(#[from] qrcode::types::QrError),
    #[error("PNG encoding failed: {0}")]
    Png(#[from] png::EncodingError),
}

/// Medium error correction survives a smudged or folded flyer without making the code dense.
fn code(text: &str) -> Result<QrCode, QrError> {
    Ok(QrCode::with_error_correction_level(text, EcLevel::M)?)
}

pub fn svg(text: &str) -> Result<String, QrError> {
    Ok(code(text)?
        .render::<svg::Color>()
        .min_dimensions(256, 256)
        .quiet_zone(true)
        .build())
}

pub fn png(text: &str) -> Result<Vec<u8>, QrError> {
    let code = code(text)?;
    let modules = code.width();
    let colors = code.to_colors();
    let side = (modules + 2 * QUIET) * PNG_SCALE;
    let mut pixels = vec![255u8; side * side];
    for (i, color) in colors.iter().enumerate() {
        if *color != qrcode::Color::Dark {
            continue;
        }
        let (x, y) = (
            (i % modules + QUIET) * PNG_SCALE,
            (i / modules + QUIET) * PNG_SCALE,
        );
        for row in y..y + PNG_SCALE {
            pixels[row * side + x..row * side + x + PNG_SCALE].fill(0);
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side as u32, side as u32);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&pixels)?;
    writer.finish()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_png_is_a_square_image_with_a_white_quiet_zone_and_dark_finders() {
        let bytes = png("https://apply.example.jp/apply/musashino-2023").unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!(info.width, info.height);
        let side = info.width as usize;
        assert_eq!(side % PNG_SCALE, 0);
        let at = |x: usize, y: usize| buf[y * side + x];
        assert_eq!(at(0, 0), 255, "quiet zone");
        let finder = QUIET * PNG_SCALE;
        assert_eq!(at(finder, finder), 0, "top-left finder pattern");
        assert_eq!(at(side - finder - 1, finder), 0, "top-right finder pattern");
    }

    #[test]
    fn the_svg_is_an_svg_document() {
        let doc = svg("https://apply.example.jp/apply/x").unwrap();
        assert!(doc.contains("<svg"));
        assert!(doc.contains("viewBox"));
    }
}
