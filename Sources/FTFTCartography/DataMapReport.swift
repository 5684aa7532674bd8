import Foundation

/// An HTML page putting a data map, its diagnostics and a summary table together (SVGs inline, no scripts, no
/// external resources), deterministic for the same inputs.
public struct DataMapReport: Sendable {
    public var title: String
    public var map: DataMap
    /// What the map was computed from (nil for maps read from coordinate files).
    public var metadata: DynamicsMetadata?
    public var classCount: Int?
    /// Figure 2 curves, when dynamics are available.
    public var curves: MedianCurves?
    /// The task family whose Table 4 references the easy shares are compared with; nil for a task the paper has
    /// no references for (the shares are shown without a comparison or warning).
    public var family: EasyShareReference.TaskFamily?
    /// Extra overlap matrix (several maps), with labels.
    public var overlap: (matrix: [[Double]], labels: [String], rate: Double)?

    public init(title: String, map: DataMap, metadata: DynamicsMetadata? = nil, classCount: Int? = nil,
                curves: MedianCurves? = nil, family: EasyShareReference.TaskFamily? = nil,
                overlap: (matrix: [[Double]], labels: [String], rate: Double)? = nil) {
        self.title = title
        self.map = map
        self.metadata = metadata
        self.classCount = classCount
        self.curves = curves
        self.family = family
        self.overlap = overlap
    }

    /// Easy shares under FTFT's rule at the Table 4 rates, with the paper's comparison.
    public func easyShares() throws -> [EasyShare] { try TransferDiagnostics.easyShares(map, rule: .ftft) }

    public func html() throws -> String {
        var rows: [(String, String)] = [("examples", "\(map.exampleCount)")]
        if let e = map.epochCount { rows.append(("epochs used", "\(e)")) }
        if let c = classCount { rows.append(("classes", "\(c)")) }
        if let m = metadata {
            rows.append(("logits from", m.mode.rawValue))
            rows.append(("source", m.source))
            if m.droppedPartialEpoch { rows.append(("partial last epoch", "dropped (FTFT rule)")) }
        }
        rows.append(("variability", map.options.includeConfidenceInterval ? "with confidence interval (ddof 0)"
                     : "standard deviation, ddof \(map.options.variabilityDDOF)"))
        let n = Double(map.exampleCount)
        rows.append(("mean confidence", String(format: "%.4f", map.confidence.reduce(0, +) / n)))
        rows.append(("mean variability", String(format: "%.4f", map.variability.reduce(0, +) / n)))
        let categories = DataMapPlot.exactCorrectnessCategories(map.correctness)
        let distribution = categories.labels.enumerated().map { k, label in
            "\(label): \(categories.category.filter { $0 == k }.count)"
        }.joined(separator: ", ")
        rows.append(("correctness (fraction of max)", distribution))
        for rule in SelectionRule.allCases {
            let count = try Selector.select(map, mode: .ambiguous, rates: [0.33], rule: rule)[0].indices.count
            rows.append(("ambiguous 33 %, \(rule.rawValue) rule", "\(count)"))
        }

        var easyRows: [String] = []
        let shares = try easyShares()
        let warnings = family.flatMap { EasyShareReference.warning(shares, family: $0) }.map { [$0] } ?? []
        for share in shares {
            let range = family.flatMap { EasyShareReference.effectiveRange($0, rate: share.rate) }
            let assessment = family.flatMap { EasyShareReference.assess(share, family: $0)?.rawValue } ?? "–"
            let rangeText = range.map { String(format: "%.1f–%.1f %%", $0.lowerBound, $0.upperBound) } ?? "–"
            easyRows.append("<tr><td>\(Int((100 * share.rate).rounded())) %</td><td>\(share.count)</td>"
                + "<td>\(String(format: "%.2f %%", 100 * share.fraction))</td><td>\(rangeText)</td>"
                + "<td class=\"\(assessment)\">\(assessment)</td></tr>")
        }

        var page = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(SVGBuilder.escape(title))</title>
        <style>
        body { font-family: Georgia, serif; margin: 24px; color: #222; max-width: 1200px; }
        table { border-collapse: collapse; margin: 8px 0 20px; }
        td, th { border: 1px solid #ccc; padding: 4px 10px; text-align: left; font-size: 14px; }
        th { background: #f2f2f2; }
        .far-below { color: #b00020; font-weight: bold; } .below-typical { color: #a06000; }
        .warning { background: #fdecea; border: 1px solid #b00020; padding: 8px 12px; margin: 10px 0; }
        .figures { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
        </style></head><body>
        <h1>\(SVGBuilder.escape(title))</h1>

        """
        for w in warnings { page += "<p class=\"warning\">\(SVGBuilder.escape(w))</p>\n" }
        page += "<div class=\"figures\">\n" + DataMapPlot.svg(map, options: DataMapPlot.Options(title: ""))
        if let curves {
            page += DiagnosticPlots.curves([
                DiagnosticPlots.Series(name: "hard-to-learn \(Int((100 * curves.rate).rounded())) %", values: curves.hard),
                DiagnosticPlots.Series(name: "rest", values: curves.rest, dashed: true),
            ])
        }
        if let overlap {
            page += DiagnosticPlots.overlapHeatmap(overlap.matrix, labels: overlap.labels, baseline: overlap.rate)
        }
        page += "</div>\n<h2>Summary</h2>\n<table class=\"summary\">\n"
        for (key, value) in rows { page += "<tr><th>\(SVGBuilder.escape(key))</th><td>\(SVGBuilder.escape(value))</td></tr>\n" }
        let against = family.map { "paper Table 4, \($0.rawValue.uppercased())" } ?? "no reference range: the paper reports NLI and HSD only"
        page += "</table>\n<h2>Easy examples (FTFT rule; \(against))</h2>\n"
        page += "<table class=\"easy\"><tr><th>p</th><th>easy</th><th>share</th><th>effective references</th><th>assessment</th></tr>\n"
        page += easyRows.joined(separator: "\n") + "\n</table>\n</body></html>\n"
        return page
    }
}
