import Foundation

/// A line chart of values against a numeric x (e.g. a metric per training step), with labelled vertical markers:
/// deterministic SVG like the other plots. Used for learning curves in experiment reports.
public enum LineChart {
    public struct Series: Sendable {
        public let name: String
        public let points: [(x: Double, y: Double)]
        public let dashed: Bool

        public init(name: String, points: [(x: Double, y: Double)], dashed: Bool = false) {
            self.name = name
            self.points = points
            self.dashed = dashed
        }
    }

    /// A vertical line at `x` with a short label (e.g. "best", "stopped").
    public struct Marker: Sendable {
        public let x: Double
        public let label: String

        public init(x: Double, label: String) {
            self.x = x
            self.label = label
        }
    }

    /// Okabe and Ito's colour-blind-safe qualitative palette (without its yellow, too light on white), then the
    /// same colours dashed: up to 14 distinguishable lines.
    static let colors = ["#0072b2", "#e69f00", "#009e73", "#d55e00", "#cc79a7", "#56b4e9", "#000000"]

    /// - Parameters:
    ///   - xRange: the x axis (e.g. 0…max_steps, the same for every run of an experiment); default: the data's.
    ///   - yRange: the y axis (e.g. 0…100 for a metric in percent); values outside are clipped to it.
    public static func svg(_ series: [Series], markers: [Marker] = [], title: String, xLabel: String, yLabel: String,
                           xRange: ClosedRange<Double>? = nil, yRange: ClosedRange<Double> = 0...100,
                           width: Double = 560, height: Double = 300) -> String {
        let left = 52.0, top = 34.0, right = 190.0, bottom = 44.0
        let pw = width - left - right, ph = height - top - bottom
        let xs = series.flatMap { $0.points.map(\.x) } + markers.map(\.x)
        let xMin = xRange?.lowerBound ?? xs.min() ?? 0
        let xMax = max(xRange?.upperBound ?? xs.max() ?? 1, xMin + 1)
        func x(_ v: Double) -> Double { left + (v - xMin) / (xMax - xMin) * pw }
        func y(_ v: Double) -> Double {
            let clipped = min(max(v, yRange.lowerBound), yRange.upperBound)
            return top + (1 - (clipped - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound)) * ph
        }
        var svg = SVGBuilder(width: width, height: height)
        svg.element("rect", [("x", 0.0), ("y", 0.0), ("width", width), ("height", height), ("fill", "#ffffff")])
        svg.open("g", [("class", "axes")])
        for k in 0...4 {
            let v = yRange.lowerBound + Double(k) / 4 * (yRange.upperBound - yRange.lowerBound)
            svg.line(x1: left, y1: y(v), x2: left + pw, y2: y(v), stroke: "#e4e4e4")
            svg.text(SVGBuilder.number(v), [("class", "tick-y"), ("x", left - 6), ("y", y(v) + 4), ("text-anchor", "end"), ("font-size", 11)])
        }
        let step = niceStep((xMax - xMin) / 5)
        var tick = (xMin / step).rounded(.up) * step
        while tick <= xMax + 1e-9 {
            svg.line(x1: x(tick), y1: top, x2: x(tick), y2: top + ph, stroke: "#f0f0f0")
            svg.text(SVGBuilder.number(tick), [("class", "tick-x"), ("x", x(tick)), ("y", top + ph + 16), ("text-anchor", "middle"), ("font-size", 11)])
            tick += step
        }
        svg.element("rect", [("class", "frame"), ("x", left), ("y", top), ("width", pw), ("height", ph), ("fill", "none"), ("stroke", "#555555")])
        svg.text(xLabel, [("class", "axis-x"), ("x", left + pw / 2), ("y", top + ph + 34), ("text-anchor", "middle"), ("font-size", 12)])
        svg.text(yLabel, [("class", "axis-y"), ("x", 14.0), ("y", top + ph / 2), ("text-anchor", "middle"), ("font-size", 12),
                          ("transform", "rotate(-90 14 \(SVGBuilder.number(top + ph / 2)))")])
        svg.close("g")
        for marker in markers {
            svg.line(x1: x(marker.x), y1: top, x2: x(marker.x), y2: top + ph, stroke: "#777777", width: 1,
                     extra: [("class", "marker"), ("data-x", marker.x), ("stroke-dasharray", "3 3")])
            // Near the right edge the label goes to the left of its line, clear of the legend.
            let onLeft = x(marker.x) > left + 0.8 * pw
            svg.text(marker.label, [("class", "marker-label"), ("x", x(marker.x) + (onLeft ? -3 : 3)), ("y", top + 11),
                                    ("text-anchor", onLeft ? "end" : "start"), ("font-size", 10), ("fill", "#555555")])
        }
        for (k, s) in series.enumerated() {
            let color = colors[k % colors.count]
            let dashed = s.dashed || k >= colors.count
            let points = s.points.filter { $0.y.isFinite }.map { "\(SVGBuilder.number(x($0.x))),\(SVGBuilder.number(y($0.y)))" }
                .joined(separator: " ")
            var attributes: [(String, Any)] = [("class", "series"), ("data-name", s.name), ("data-points", s.points.count),
                                               ("points", points), ("fill", "none"), ("stroke", color), ("stroke-width", 1.6)]
            if dashed { attributes.append(("stroke-dasharray", "5 3")) }
            svg.element("polyline", attributes)
            let ly = top + 8 + Double(k) * 16
            svg.line(x1: left + pw + 10, y1: ly - 4, x2: left + pw + 30, y2: ly - 4, stroke: color, width: 1.6,
                     extra: dashed ? [("stroke-dasharray", "5 3")] : [])
            svg.text(s.name, [("class", "legend-label"), ("x", left + pw + 34), ("y", ly), ("font-size", 10)])
        }
        svg.text(title, [("class", "title"), ("x", left + pw / 2), ("y", 20.0), ("text-anchor", "middle"), ("font-size", 13)])
        return svg.render(rootAttributes: [("data-series", series.count), ("data-markers", markers.count)])
    }

    /// 1, 2 or 5 × 10^k, the smallest at least `raw` (axis tick spacing).
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        for factor in [1.0, 2, 5, 10] where factor * magnitude >= raw { return factor * magnitude }
        return 10 * magnitude
    }
}
