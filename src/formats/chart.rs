//! The outcome chart for a city's report: adoption rate at each usage list, one line per group,
//! as SVG or PNG. Japanese labels must render where no Japanese font is installed: the PNG is
//! drawn with a subset of Noto Sans CJK JP built into the binary (assets/fonts, made by
//! scripts/font-subset.sh: only the glyphs of the labels below and ASCII), the SVG names that
//! font first in a font-family list that ends in fonts every desktop has.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::{register_font, FontStyle};
use std::sync::OnceLock;

/// The chart's fixed labels; every character of them must be in the font subset.
pub const TITLE: &str = "ケアプランデータ連携システムの導入率";
pub const X_AXIS: &str = "基準日";
pub const Y_AXIS: &str = "導入率（%）";
pub const REGION: &str = "地域全体";
pub const PARTICIPANTS: &str = "参加事業所";
pub const NON_PARTICIPANTS: &str = "参加していない事業所";
pub const SOURCE: &str = "出典：事業所名簿";
pub const LISTS: &str = "利用事業所一覧";
pub const COUNT_SUFFIX: &str = "件";

static FONT: &[u8] = include_bytes!("../../assets/fonts/NotoSansCJKjp-chart-subset.otf");

/// The family the embedded font is registered under, which is also the SVG's font-family: a
/// viewer without Noto falls through to the Japanese fonts of macOS and Windows.
const FAMILY: &str = "Noto Sans CJK JP, Noto Sans JP, Hiragino Sans, Yu Gothic, Meiryo, sans-serif";

const SIZE: (u32, u32) = (880, 520);
const FOOTER: u32 = 36;

#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("the chart's font cannot be read: {0}")]
    Font(String),
    #[error("the chart could not be drawn: {0}")]
    Draw(String),
    #[error("the PNG could not be written: {0}")]
    Png(#[from] png::EncodingError),
}

/// One line: a rate (a fraction) at each list it has one for.
pub struct Series {
    pub label: &'static str,
    /// `None` where the group had no office.
    pub rates: Vec<Option<f64>>,
    /// The rate as the report writes it, shown beside each point; empty for none.
    pub point_labels: Vec<String>,
    pub color: RGBColor,
}

pub struct Chart {
    /// The lists' days, oldest first, as they label the x axis.
    pub days: Vec<String>,
    pub series: Vec<Series>,
    /// A line under the chart naming the register and lists.
    pub source: String,
}

pub const BLACK_LINE: RGBColor = RGBColor(40, 40, 40);
pub const BLUE_LINE: RGBColor = RGBColor(31, 99, 180);
pub const ORANGE_LINE: RGBColor = RGBColor(220, 110, 20);

fn font() -> Result<(), ChartError> {
    static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            register_font(FAMILY, FontStyle::Normal, FONT)
                .map_err(|_| "not a font ab_glyph reads".to_owned())
        })
        .clone()
        .map_err(ChartError::Font)
}

fn draw_err(e: impl std::fmt::Display) -> ChartError {
    ChartError::Draw(e.to_string())
}

/// The chart as an SVG document.
pub fn svg(chart: &Chart) -> Result<String, ChartError> {
    font()?;
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, SIZE).into_drawing_area();
        draw(chart, &root)?;
        root.present().map_err(draw_err)?;
    }
    Ok(out)
}

/// The chart as a PNG image.
pub fn png(chart: &Chart) -> Result<Vec<u8>, ChartError> {
    font()?;
    let (width, height) = SIZE;
    let mut rgb = vec![0u8; (width * height * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, SIZE).into_drawing_area();
        draw(chart, &root)?;
        root.present().map_err(draw_err)?;
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.write_header()?.write_image_data(&rgb)?;
    Ok(out)
}

/// The y axis's top: the next 10% above the highest rate, from 10% to 100%.
fn top_percent(chart: &Chart) -> f64 {
    let highest = chart
        .series
        .iter()
        .flat_map(|s| s.rates.iter().flatten())
        .fold(0.0f64, |a, &b| a.max(b * 100.0));
    ((highest / 10.0).floor() + 1.0).clamp(1.0, 10.0) * 10.0
}

fn draw<DB: DrawingBackend>(
    chart: &Chart,
    root: &DrawingArea<DB, Shift>,
) -> Result<(), ChartError> {
    root.fill(&WHITE).map_err(draw_err)?;
    let (plot, footer) = root.split_vertically(SIZE.1 - FOOTER);
    let lists = i32::try_from(chart.days.len()).unwrap_or(i32::MAX);
    let mut area = ChartBuilder::on(&plot)
        .caption(TITLE, (FAMILY, 22))
        .margin(18)
        .x_label_area_size(48)
        .y_label_area_size(64)
        .build_cartesian_2d(-1..lists, 0.0..top_percent(chart))
        .map_err(draw_err)?;
    let day_label = |i: &i32| {
        usize::try_from(*i)
            .ok()
            .and_then(|i| chart.days.get(i))
            .cloned()
            .unwrap_or_default()
    };
    area.configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE)
        .x_labels(chart.days.len() + 2)
        .x_label_formatter(&day_label)
        .y_label_formatter(&|v| format!("{v:.0}%"))
        .x_desc(X_AXIS)
        .y_desc(Y_AXIS)
        .label_style((FAMILY, 14))
        .axis_desc_style((FAMILY, 15))
        .draw()
        .map_err(draw_err)?;
    for series in &chart.series {
        let points: Vec<(i32, f64)> = (0..lists)
            .zip(&series.rates)
            .filter_map(|(x, rate)| rate.map(|r| (x, r * 100.0)))
            .collect();
        let color = series.color;
        area.draw_series(LineSeries::new(points.clone(), color.stroke_width(3)))
            .map_err(draw_err)?
            .label(series.label)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 24, y)], color.stroke_width(3))
            });
        area.draw_series(points.iter().map(|&p| Circle::new(p, 5, color.filled())))
            .map_err(draw_err)?;
        let labelled = points.iter().zip(&series.point_labels);
        area.draw_series(labelled.filter(|(_, l)| !l.is_empty()).map(|(&p, l)| {
            EmptyElement::at(p)
                + Text::new(l.clone(), (8, -18), (FAMILY, 14).into_font().color(&color))
        }))
        .map_err(draw_err)?;
    }
    area.configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .label_font((FAMILY, 14))
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK_LINE)
        .draw()
        .map_err(draw_err)?;
    footer
        .draw_text(
            &chart.source,
            &(FAMILY, 13)
                .into_font()
                .color(&BLACK_LINE)
                .into_text_style(&footer),
            (18, 8),
        )
        .map_err(draw_err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn musashino() -> Chart {
        Chart {
            days: vec!["2023-04-01".into(), "2024-04-01".into()],
            series: vec![Series {
                label: REGION,
                rates: vec![Some(0.0213), Some(0.1596)],
                point_labels: vec!["2.1%".into(), "16.0%".into()],
                color: BLACK_LINE,
            }],
            source: format!("{SOURCE} 2024-04-01・{LISTS} 2{COUNT_SUFFIX}"),
        }
    }

    #[test]
    fn every_label_character_is_in_the_embedded_font() {
        use ab_glyph::Font;
        let font = ab_glyph::FontRef::try_from_slice(FONT).unwrap();
        let labels = [
            TITLE,
            X_AXIS,
            Y_AXIS,
            REGION,
            PARTICIPANTS,
            NON_PARTICIPANTS,
            SOURCE,
            LISTS,
            COUNT_SUFFIX,
            "0123456789.%-: ・",
        ];
        for c in labels.concat().chars() {
            assert_ne!(
                font.glyph_id(c).0,
                0,
                "{c:?} is missing from the font subset"
            );
        }
    }

    #[test]
    fn the_svg_carries_its_labels_as_text() {
        let svg = svg(&musashino()).unwrap();
        for label in [TITLE, REGION, X_AXIS, "2023-04-01", "16.0%"] {
            assert!(svg.contains(label), "{label} missing");
        }
        assert!(svg.contains("Hiragino Sans"));
    }

    #[test]
    fn the_png_is_a_png_and_the_same_each_time() {
        let a = png(&musashino()).unwrap();
        assert_eq!(&a[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(a, png(&musashino()).unwrap());
    }

    #[test]
    fn the_axis_tops_at_the_next_ten_percent() {
        let mut chart = musashino();
        assert_eq!(top_percent(&chart), 20.0);
        chart.series[0].rates = vec![None, Some(0.0)];
        assert_eq!(top_percent(&chart), 10.0);
        chart.series[0].rates = vec![Some(1.0)];
        assert_eq!(top_percent(&chart), 100.0);
    }
}
