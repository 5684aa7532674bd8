import FTFTCartography

/// Learning curves for the HTML report: per method and seed, each evaluated set's metric (percent) at every
/// evaluation of the main run — dev sets solid, OOD test sets dashed — on one step axis (0 to max_steps) for every
/// run, with the reported checkpoint marked, and the live stop when the run stopped early.
extension ExperimentReport {
    func learningCurves() -> String {
        var figures: [String] = []
        let task = results.task
        for method in results.methods {
            for s in method.seeds {
                let steps = s.checkpoints.map { Double($0.step) }
                var series: [LineChart.Series] = []
                for set in task.devSets {
                    series.append(LineChart.Series(name: "\(set.name) \(MetricName.short(set.metric.rawValue))",
                                                   points: zip(steps, s.checkpoints.map { 100 * ($0.dev[set.name] ?? .nan) }).map { ($0, $1) }))
                }
                for set in task.testSets {
                    series.append(LineChart.Series(name: "\(set.name) \(MetricName.short(set.metric.rawValue)) (test)",
                                                   points: zip(steps, s.checkpoints.map { 100 * ($0.test[set.name] ?? .nan) }).map { ($0, $1) },
                                                   dashed: true))
                }
                var markers = [LineChart.Marker(x: Double(s.reported.step), label: method.method.isEarlyStopped ? "best" : "reported")]
                if method.method.isEarlyStopped, let last = s.checkpoints.last, last.step < results.spec.maxSteps(ofModel: method.method.model) {
                    markers.append(LineChart.Marker(x: Double(last.step), label: "stopped"))
                }
                let title = "\(method.method.label), seed \(s.seed) (run \(s.mainRun.rawValue))"
                figures.append("<figure>" + LineChart.svg(series, markers: markers, title: title, xLabel: "step",
                                                          yLabel: "metric (%)",
                                                          xRange: 0...Double(results.spec.maxSteps(ofModel: method.method.model))) + "</figure>")
            }
        }
        guard !figures.isEmpty else { return "" }
        return "<h2>Learning curves</h2>\n<p>Each set's metric at every evaluation of the main run (test sets dashed); "
            + "the reported checkpoint and an early stop are marked.</p>\n<div class=\"maps\">\n" + figures.joined(separator: "\n") + "\n</div>\n"
    }
}
