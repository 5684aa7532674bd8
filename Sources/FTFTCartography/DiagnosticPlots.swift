import Foundation

/// SVG plots of the transfer diagnostics: Figure-2-style curves and the overlap matrix heat map.
public enum DiagnosticPlots {
    /// One line of a curve plot: a value per epoch (epochs numbered from 1 on the axis).
    public struct Series: Sendable {
        public let name: String
        public let values: [Double]
        public let dashed: Bool

        public init(name: String, values: [Double], dashed: Bool = false) {
            self.name = name
            self.values = values
            self.dashed = dashed
        }
    }

    /// Figure 2 of the paper: per-epoch median gold probability, y in [0, 1], one polyline per series.
    public static func curves(_ series: [Series], title: String = "Median p(gold) per epoch",
                              yLabel: String = "median p(gold)", width: Double = 640, height: Double = 420) -> String {
        let left = 64.0, top = 46.0, right = 180.0, bottom = 56.0
        let pw = width - left - right, ph = height - top - bottom
        let epochs = max(1, series.map(\.values.count).max() ?? 1)
        func x(_ e: Int) -> Double { epochs == 1 ? left + pw / 2 : left + Double(e) / Double(epochs - 1) * pw }
        func y(_ v: Double) -> Double { top + (1 - v) * ph }
        var svg = SVGBuilder(width: width, height: height)
        svg.element("rect", [("x", 0.0), ("y", 0.0), ("width", width), ("height", height), ("fill", "#ffffff")])
        svg.open("g", [("class", "axes")])
        for k in 0...5 {
            let v = Double(k) / 5
            svg.line(x1: left, y1: y(v), x2: left + pw, y2: y(v), stroke: "#e4e4e4")
            svg.text(SVGBuilder.number(v), [("class", "tick-y"), ("x", left - 8), ("y", y(v) + 4), ("text-anchor", "end"), ("font-size", 12)])
        }
        for e in 0..<epochs {
            svg.line(x1: x(e), y1: top, x2: x(e), y2: top + ph, stroke: "#f0f0f0")
            svg.text(String(e + 1), [("class", "tick-x"), ("x", x(e)), ("y", top + ph + 18), ("text-anchor", "middle"), ("font-size", 12)])
        }
        svg.element("rect", [("class", "frame"), ("x", left), ("y", top), ("width", pw), ("height", ph), ("fill", "none"), ("stroke", "#555555")])
        svg.text("epoch", [("class", "axis-x"), ("x", left + pw / 2), ("y", top + ph + 40), ("text-anchor", "middle"), ("font-size", 14)])
        svg.text(yLabel, [("class", "axis-y"), ("x", 18.0), ("y", top + ph / 2), ("text-anchor", "middle"), ("font-size", 14),
                          ("transform", "rotate(-90 18 \(SVGBuilder.number(top + ph / 2)))")])
        svg.close("g")
        for (k, s) in series.enumerated() {
            let color = PlotColor.series[k % PlotColor.series.count]
            let points = s.values.enumerated().filter { $0.element.isFinite }
                .map { "\(SVGBuilder.number(x($0.offset))),\(SVGBuilder.number(y($0.element)))" }.joined(separator: " ")
            var attributes: [(String, Any)] = [("class", "series"), ("data-name", s.name), ("data-epochs", s.values.count),
                                               ("points", points), ("fill", "none"), ("stroke", color), ("stroke-width", 2.0)]
            if s.dashed { attributes.append(("stroke-dasharray", "6 4")) }
            svg.element("polyline", attributes)
            let ly = top + 14 + Double(k) * 22
            svg.line(x1: left + pw + 16, y1: ly - 4, x2: left + pw + 40, y2: ly - 4, stroke: color, width: 2,
                     extra: s.dashed ? [("stroke-dasharray", "6 4")] : [])
            svg.text(s.name, [("class", "legend-label"), ("x", left + pw + 46), ("y", ly), ("font-size", 12)])
        }
        svg.text(title, [("class", "title"), ("x", left + pw / 2), ("y", 28.0), ("text-anchor", "middle"), ("font-size", 16)])
        return svg.render(rootAttributes: [("data-series", series.count), ("data-epochs", epochs)])
    }

    /// The overlap matrix (paper Figure 1a): cell (i, j) = |A_i ∩ A_j| / |A_i|, shaded white → blue, with the value
    /// printed; `baseline` (the rate, the random expectation) is noted under the title.
    public static func overlapHeatmap(_ matrix: [[Double]], labels: [String], title: String = "Overlap of ambiguous sets",
                                      baseline: Double? = nil) -> String {
        let n = matrix.count
        let cell = 56.0, left = 150.0, top = 70.0
        let width = left + cell * Double(n) + 30, height = top + cell * Double(n) + 110
        var svg = SVGBuilder(width: width, height: height)
        svg.element("rect", [("x", 0.0), ("y", 0.0), ("width", width), ("height", height), ("fill", "#ffffff")])
        svg.text(title, [("class", "title"), ("x", width / 2), ("y", 26.0), ("text-anchor", "middle"), ("font-size", 16)])
        if let baseline {
            svg.text("random subsets overlap \(SVGBuilder.number(baseline)) on average",
                     [("class", "baseline"), ("x", width / 2), ("y", 46.0), ("text-anchor", "middle"), ("font-size", 12)])
        }
        svg.open("g", [("class", "cells")])
        for i in 0..<n {
            for j in 0..<n {
                let v = matrix[i][j]
                let x = left + Double(j) * cell, y = top + Double(i) * cell
                svg.element("rect", [("class", "cell"), ("data-row", i), ("data-column", j), ("data-value", v.isFinite ? v : -1),
                                     ("x", x), ("y", y), ("width", cell), ("height", cell),
                                     ("fill", v.isFinite ? PlotColor.sequential(v) : "#dddddd"), ("stroke", "#ffffff")])
                svg.text(v.isFinite ? String(format: "%.2f", v) : "–",
                         [("x", x + cell / 2), ("y", y + cell / 2 + 4), ("text-anchor", "middle"), ("font-size", 12),
                          ("fill", v > 0.6 ? "#ffffff" : "#000000")])
            }
        }
        svg.close("g")
        for (i, label) in labels.prefix(n).enumerated() {
            svg.text(label, [("class", "row-label"), ("x", left - 8), ("y", top + Double(i) * cell + cell / 2 + 4),
                             ("text-anchor", "end"), ("font-size", 12)])
            let cx = left + Double(i) * cell + cell / 2, cy = top + Double(n) * cell + 12
            svg.text(label, [("class", "column-label"), ("x", cx), ("y", cy), ("text-anchor", "start"), ("font-size", 12),
                             ("transform", "rotate(40 \(SVGBuilder.number(cx)) \(SVGBuilder.number(cy)))")])
        }
        return svg.render(rootAttributes: [("data-size", n)])
    }
}
