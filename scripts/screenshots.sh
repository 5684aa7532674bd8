#!/usr/bin/env bash
# Renders the HTML reports in a headless browser and saves the screenshots in docs/screenshots/ (for the README
# and for checking plots by eye): an experiment report's learning curves and data map (a small embedded-task
# experiment, two seeds), and `ftft datamap` pages of synthetic dynamics — 10 epochs (legend values 0.1 … 1) and
# 25,000 examples (the density rendering above --density-threshold).
# Needs chromium (Debian: apt-get install chromium) and python3. Usage: scripts/screenshots.sh [ftft binary]
set -euo pipefail
cd "$(dirname "$0")/.."
ftft="${1:-.build/debug/ftft}"
[ -x "$ftft" ] || swift build --product ftft
browser="$(command -v chromium || command -v chromium-browser || true)"
[ -n "$browser" ] || { echo "screenshots.sh: install chromium first (apt-get install chromium)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
out="docs/screenshots"
mkdir -p "$out"

cat > "$work/screenshots.yaml" <<'YAML'
experiment: screenshots
description: "Embedded task, small: the report screenshots."
task: {name: embedded, max_length: 64, embedded: {train_size: 800, validation_size: 200, ood_dev_size: 200, ood_test_size: 200}}
seeds: [0, 1]
models:
  tiny: {scratch: {layers: 1, hidden: 32, heads: 2, intermediate: 128}, learning_rate: 1e-3}
  large: {scratch: {layers: 2, hidden: 64, heads: 4, intermediate: 256}, learning_rate: 1e-3}
training: {max_steps: 200, batch_size: 32, eval_interval: 20, evaluation: every_checkpoint}
compute_unit: large
methods:
  - {label: "ERM large", method: erm, model: large}
  - {label: "ERM(ES) large", method: erm_es, model: large, patience: 2}
  - {label: "DM tiny→large", method: dm, reference: tiny, model: large}
  - {label: "FTFT tiny→large", method: ftft, reference: tiny, model: large, patience: 2}
YAML
"$ftft" run "$work/screenshots.yaml" --output "$work/runs" --quiet > /dev/null

python3 - "$work" <<'PY'
import json, os, random, sys
work = sys.argv[1]
report = open(os.path.join(work, "runs/screenshots/report.html")).read()
head = report[:report.index("<body>") + 6]
curves = report[report.index("<h2>Learning curves</h2>"):report.index("<h2>Data maps of the reference runs</h2>")]
open(os.path.join(work, "curves.html"), "w").write(head + curves + "</body></html>")
def dynamics(folder, n, epochs, seed):
    """Seeded synthetic dynamics: each example's gold logit drifts up with its own skill plus noise."""
    rng = random.Random(seed)
    os.makedirs(folder, exist_ok=True)
    examples = [(rng.randrange(3), rng.gauss(0, 1.5)) for _ in range(n)]
    for e in range(epochs):
        with open(os.path.join(folder, f"dynamics_epoch_{e}.jsonl"), "w") as f:
            for i, (gold, skill) in enumerate(examples):
                logits = [rng.gauss(0, 1) for _ in range(3)]
                logits[gold] += skill + 0.25 * e + rng.gauss(0, 1.2)
                f.write(json.dumps({"guid": i, f"logits_epoch_{e}": logits, "gold": gold}) + "\n")
dynamics(os.path.join(work, "dyn10"), 600, 10, 1)
dynamics(os.path.join(work, "dense"), 25000, 5, 2)
PY
"$ftft" datamap "$work/dyn10" --output "$work/map10" --title "Data map: 600 examples, 10 epochs" > /dev/null
"$ftft" datamap "$work/dense" --output "$work/dense-map" --title "Density rendering: 25,000 examples" > /dev/null

shot() { "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --screenshot="$1" --window-size="$2" "file://$3" 2> /dev/null; }
shot "$out/report-tables.png" 1400,900 "$work/runs/screenshots/report.html"
shot "$out/learning-curves.png" 1250,820 "$work/curves.html"
shot "$out/datamap-10-epochs.png" 1000,680 "$work/map10/report.html"
shot "$out/datamap-density.png" 1000,680 "$work/dense-map/report.html"
ls -l "$out"
