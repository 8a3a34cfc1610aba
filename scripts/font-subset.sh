#!/bin/sh
# Makes the font the outcome chart's PNG is drawn with: Noto Sans CJK JP Regular cut down to
# printable ASCII and the Japanese characters of the chart's labels (src/export/chart.rs), so
# the labels render on a machine without Japanese fonts and the binary grows by kilobytes, not
# megabytes. Run again after changing a label; a unit test in chart.rs fails on a character
# the subset lacks.
#
#   apt-get install fonts-noto-cjk && pip install fonttools && sh scripts/font-subset.sh
set -eu
LABELS='ケアプランデータ連携システムの導入率（%）基準日地域全体参加事業所していない出典：名簿・利用一覧件'
pyftsubset /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc \
    --font-number=0 \
    --unicodes=U+0020-007E \
    --text="$LABELS" \
    --layout-features='' \
    --no-hinting \
    --name-IDs='*' \
    --output-file=assets/fonts/NotoSansCJKjp-chart-subset.otf
