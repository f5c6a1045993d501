//! Social cards drawn per second: a page's card with a key figure, and
//! one with its title and description only, each painted by resvg and
//! encoded as a PNG. A build with `base_url` draws one per page.
//!
//!     cargo bench --bench cards

use barometer::cards::{Card, Painter};
use barometer::printed::{KeyFigure, Printed};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    let fonts = barometer::theme::STATIC.iter().filter(|(p, _)| p.ends_with(".ttf")).map(|(_, b)| *b);
    let painter = Painter::new(fonts, "Inter", Default::default());
    let figure = Printed::KeyFigures(vec![KeyFigure {
        value: "72\u{202F}%".into(),
        label: "N'ont aucun retour sur leurs prestations".into(),
        cited: vec![
            "Source\u{202F}: Cabinet « & associates », enquête auprès de 1\u{202F}252 influenceurs".into(),
        ],
    }]);
    let mut group = c.benchmark_group("cards");
    group.throughput(Throughput::Elements(1));
    let with_figure = Card {
        kicker: Some("Influenceurs et marques : le baromètre"),
        title: "Relations avec les annonceurs",
        description: None,
        figure: Some(&figure),
    };
    group.bench_function("card with a key figure, PNG", |b| {
        b.iter(|| painter.paint(&with_figure).expect("paints"))
    });
    let plain = Card {
        kicker: Some("Influenceurs et marques : le baromètre"),
        title: "Sources et méthode",
        description: Some("D'où viennent les chiffres, et ce qu'ils permettent de dire."),
        figure: None,
    };
    group
        .bench_function("card with a title only, PNG", |b| b.iter(|| painter.paint(&plain).expect("paints")));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
