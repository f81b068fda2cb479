//! Charts drawn on the server as SVG (plotters), so pages need no JavaScript.
use plotters::prelude::*;

/// A percentage (0–100) over time as an SVG line chart, drawn on the server.
pub fn percent_over_time(points: &[(time::Date, f64)], y_label: &str) -> Result<String, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (640, 300)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let first = points.first().map(|p| p.0).unwrap_or(time::macros::date!(2020 - 01 - 01));
        let last = points.last().map(|p| p.0).unwrap_or(first);
        let day = |d: time::Date| (d - first).whole_days() as f64;
        let span = day(last).max(1.0);
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(30)
            .y_label_area_size(44)
            .build_cartesian_2d(0f64..span, 0f64..100f64)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .y_desc(y_label)
            .x_labels(4)
            .x_label_formatter(&|x| (first + time::Duration::days(*x as i64)).to_string())
            .draw()
            .map_err(|e| e.to_string())?;
        let series: Vec<(f64, f64)> = points.iter().map(|(d, s)| (day(*d), *s)).collect();
        chart.draw_series(LineSeries::new(series.clone(), &BLUE)).map_err(|e| e.to_string())?;
        chart.draw_series(series.iter().map(|p| Circle::new(*p, 4, BLUE.filled()))).map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// Labelled horizontal bars as an SVG chart (one bar per item, its label drawn beside it).
pub fn bars(items: &[(String, f64)], x_label: &str) -> Result<String, String> {
    let mut svg = String::new();
    {
        let rows = items.len().max(1);
        let height = 60 + 28 * u32::try_from(rows).unwrap_or(1);
        let root = SVGBackend::with_string(&mut svg, (640, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let max = items.iter().map(|(_, v)| *v).fold(1.0_f64, f64::max) * 1.15;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(30)
            .y_label_area_size(10)
            .build_cartesian_2d(0f64..max, 0f64..rows as f64)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_desc(x_label)
            .x_labels(5)
            .draw()
            .map_err(|e| e.to_string())?;
        for (i, (label, value)) in items.iter().enumerate() {
            // The first item on top.
            let y = (rows - 1 - i) as f64;
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y + 0.2), (*value, y + 0.8)],
                    BLUE.mix(0.6).filled(),
                )))
                .map_err(|e| e.to_string())?;
            chart
                .draw_series(std::iter::once(Text::new(
                    format!("{label}  {value}"),
                    (max * 0.01, y + 0.5),
                    ("sans-serif", 13).into_font().color(&BLACK),
                )))
                .map_err(|e| e.to_string())?;
        }
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// One line per series over years (a point per year a series has), as an SVG chart; `y_max`
/// fixes the top of the axis (100 for a percentage), otherwise the largest value sets it. Each
/// series is drawn in its own colour and named in the legend.
pub fn lines_by_year(
    series: &[(String, Vec<(i32, f64)>)],
    y_label: &str,
    y_max: Option<f64>,
) -> Result<String, String> {
    // Colours distinguishable from each other and dark enough against white (3:1 or more).
    const COLOURS: [RGBColor; 6] = [
        RGBColor(31, 97, 163),
        RGBColor(196, 78, 0),
        RGBColor(30, 125, 60),
        RGBColor(150, 40, 140),
        RGBColor(120, 90, 20),
        RGBColor(90, 90, 90),
    ];
    let years = series.iter().flat_map(|(_, points)| points.iter().map(|p| p.0));
    let (first, last) = years.fold((i32::MAX, i32::MIN), |(lo, hi), y| (lo.min(y), hi.max(y)));
    let (first, last) = if first > last { (2000, 2001) } else { (first, last.max(first + 1)) };
    let top =
        y_max.unwrap_or_else(|| series.iter().flat_map(|(_, p)| p.iter().map(|p| p.1)).fold(1.0_f64, f64::max) * 1.1);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (640, 320)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(30)
            .y_label_area_size(50)
            .build_cartesian_2d(first..last, 0f64..top)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .y_desc(y_label)
            .x_labels(usize::try_from(last - first + 1).unwrap_or(10).min(12))
            .x_label_formatter(&|y| y.to_string())
            .draw()
            .map_err(|e| e.to_string())?;
        for (i, (name, points)) in series.iter().enumerate() {
            let colour = COLOURS[i % COLOURS.len()];
            chart
                .draw_series(LineSeries::new(points.iter().copied(), colour.stroke_width(2)))
                .map_err(|e| e.to_string())?
                .label(name.as_str())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], colour.stroke_width(2)));
            chart.draw_series(points.iter().map(|p| Circle::new(*p, 3, colour.filled()))).map_err(|e| e.to_string())?;
        }
        if !series.is_empty() {
            chart
                .configure_series_labels()
                .background_style(WHITE.mix(0.9))
                .border_style(BLACK)
                .draw()
                .map_err(|e| e.to_string())?;
        }
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// Colours of stacked segments: each 3:1 or more against white, and against its neighbours
/// told apart by hue; the legend and the table beside every chart carry the same figures.
const STACK_COLOURS: [RGBColor; 8] = [
    RGBColor(31, 97, 163),
    RGBColor(196, 78, 0),
    RGBColor(30, 125, 60),
    RGBColor(150, 40, 140),
    RGBColor(120, 90, 20),
    RGBColor(0, 115, 125),
    RGBColor(175, 30, 60),
    RGBColor(90, 90, 90),
];

/// How many series a stacked chart can tell apart; the caller folds the rest into one.
pub const STACK_SERIES: usize = STACK_COLOURS.len();

/// Stacked bars, one per year, one segment per series (`values[i]` belongs to `years[i]`),
/// stacked in the order given (the first at the bottom), with the legend in its own column
/// to the right, so no label lies over a bar. `title` becomes the SVG's `<title>`.
pub fn stacked_bars_by_year(
    years: &[i32],
    series: &[(String, Vec<f64>)],
    y_label: &str,
    title: &str,
) -> Result<String, String> {
    let (width, height, legend_width) = (760u32, 340u32, 210u32);
    let (first, last) = match (years.first(), years.last()) {
        (Some(f), Some(l)) => (*f, *l),
        _ => (2000, 2001),
    };
    let stack = |i: usize| series.iter().map(|(_, v)| v.get(i).copied().unwrap_or(0.0)).sum::<f64>();
    let top = (0..years.len()).map(stack).fold(1.0_f64, f64::max) * 1.1;
    // Ticks only at whole numbers (years, counts).
    let whole = |v: &f64| if (v - v.round()).abs() < 1e-9 { format!("{}", v.round() as i64) } else { String::new() };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let (plot, legend) = root.split_horizontally(width - legend_width);
        let mut chart = ChartBuilder::on(&plot)
            .margin(12)
            .x_label_area_size(30)
            .y_label_area_size(50)
            .build_cartesian_2d(f64::from(first) - 0.5..f64::from(last) + 0.5, 0f64..top)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .y_desc(y_label)
            .x_labels(usize::try_from(last - first + 1).unwrap_or(10).clamp(2, 13))
            .x_label_formatter(&whole)
            .y_label_formatter(&whole)
            .label_style(("sans-serif", 13).into_font().color(&BLACK))
            .axis_desc_style(("sans-serif", 13).into_font().color(&BLACK))
            .draw()
            .map_err(|e| e.to_string())?;
        for (i, year) in years.iter().enumerate() {
            let x = f64::from(*year);
            let mut base = 0.0;
            for (s, (_, values)) in series.iter().enumerate() {
                let v = values.get(i).copied().unwrap_or(0.0);
                if v <= 0.0 {
                    continue;
                }
                let colour = STACK_COLOURS[s % STACK_COLOURS.len()];
                let corners = [(x - 0.35, base), (x + 0.35, base + v)];
                chart.draw_series([Rectangle::new(corners, colour.filled())]).map_err(|e| e.to_string())?;
                // A white edge keeps neighbouring segments apart.
                chart.draw_series([Rectangle::new(corners, WHITE.stroke_width(1))]).map_err(|e| e.to_string())?;
                base += v;
            }
        }
        for (s, (name, _)) in series.iter().enumerate() {
            let colour = STACK_COLOURS[s % STACK_COLOURS.len()];
            let y = 20 + 22 * i32::try_from(s).unwrap_or(0);
            legend.draw(&Rectangle::new([(8, y), (22, y + 14)], colour.filled())).map_err(|e| e.to_string())?;
            let short: String = name.chars().take(24).collect();
            legend
                .draw(&Text::new(short, (28, y), ("sans-serif", 13).into_font().color(&BLACK)))
                .map_err(|e| e.to_string())?;
        }
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(titled(&svg, title))
}

/// `svg` with `title` as its first child (`<title>`), which assistive technology reads.
pub fn titled(svg: &str, title: &str) -> String {
    let escaped = maud::html! { (title) }.into_string();
    match svg.find("<svg").and_then(|at| svg[at..].find('>').map(|end| at + end + 1)) {
        Some(end) => format!("{}<title>{escaped}</title>{}", &svg[..end], &svg[end..]),
        None => svg.to_owned(),
    }
}
