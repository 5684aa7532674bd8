import Foundation

/// The data map as SVG (method.md §8.7): x = variability, y = confidence, colour = correctness category, the
/// three regions labelled as in cartography's `plot_data_map` ("ambiguous" at axes fraction (0.9, 0.5) with a
/// black box, "easy-to-learn" (0.27, 0.85) red, "hard-to-learn" (0.35, 0.25) blue, rotated 350°).
///
/// Up to `densityThreshold` examples every example is a point, in data-map order. Above it — where cartography
/// silently draws an unseeded random subsample of 55,000 — ftft draws a density map instead: square bins over the
/// plot area, every example counted in exactly one bin, colour = mean correctness fraction of the bin, opacity =
/// log(1 + count) / log(1 + largest count). Deterministic either way.
public enum DataMapPlot {
    public struct Options: Sendable {
        public var title: String
        public var densityThreshold: Int
        /// Bins per axis in the density rendering.
        public var bins: Int
        public var width: Double
        public var height: Double

        public init(title: String = "Data Map", densityThreshold: Int = 20_000, bins: Int = 60,
                    width: Double = 760, height: Double = 560) {
            self.title = title
            self.densityThreshold = densityThreshold
            self.bins = bins
            self.width = width
            self.height = height
        }
    }

    /// Cartography's hue categories: correctness / max(correctness) printed with one decimal
    /// (f"{x:.1f}", round-half-even on the binary value), max over the plotted examples. Labels sorted
    /// ascending; `category[i]` indexes them. When every count is 0 (cartography divides 0 by 0) all are "0.0".
    public static func correctnessCategories(_ correctness: [Int]) -> (labels: [String], category: [Int]) {
        let maximum = correctness.max() ?? 0
        let text = correctness.map { maximum > 0 ? String(format: "%.1f", Double($0) / Double(maximum)) : "0.0" }
        let labels = Array(Set(text)).sorted { Double($0) ?? 0 < Double($1) ?? 0 }
        let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        return (labels, text.map { index[$0] ?? 0 })
    }

    /// The correctness categories ftft draws: the distinct values of correctness / max(correctness), each with its
    /// exact value (for colour) and an exact label — "0.25" for 1/4 with 4 epochs, where cartography's one decimal
    /// shows "0.2" — as a decimal when it has at most three decimals, else as the fraction "k/m" ("1/3").
    /// Ascending; `category[i]` indexes them. All zero counts give the single category "0".
    public static func exactCorrectnessCategories(_ correctness: [Int]) -> (labels: [String], values: [Double], category: [Int]) {
        let maximum = correctness.max() ?? 0
        let distinct = Array(Set(correctness)).sorted()
        guard maximum > 0 else { return (["0"], [0], correctness.map { _ in 0 }) }
        let labels = distinct.map { k -> String in
            if (k * 1000) % maximum == 0 {
                var text = String(format: "%.3f", Double(k) / Double(maximum))
                while text.hasSuffix("0") { text.removeLast() }
                if text.hasSuffix(".") { text.removeLast() }
                return text
            }
            let g = gcd(k, maximum)
            return "\(k / g)/\(maximum / g)"
        }
        let index = Dictionary(uniqueKeysWithValues: distinct.enumerated().map { ($1, $0) })
        return (labels, distinct.map { Double($0) / Double(maximum) }, correctness.map { index[$0] ?? 0 })
    }

    static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? max(a, 1) : gcd(b, a % b) }

    /// Plot geometry shared by the layers.
    struct Frame {
        let left = 70.0, top = 50.0
        let plotWidth: Double, plotHeight: Double
        let xMax: Double
        func x(_ v: Double) -> Double { left + v / xMax * plotWidth }
        func y(_ c: Double) -> Double { top + (1 - c) * plotHeight }
    }

    public static func svg(_ map: DataMap, options: Options = Options()) -> String {
        let frame = Frame(plotWidth: options.width - 70 - 170, plotHeight: options.height - 50 - 60,
                          xMax: axisMaximum(map.variability.max() ?? 0))
        var svg = SVGBuilder(width: options.width, height: options.height)
        svg.element("rect", [("x", 0.0), ("y", 0.0), ("width", options.width), ("height", options.height), ("fill", "#ffffff")])
        drawAxes(&svg, frame)
        let categories = exactCorrectnessCategories(map.correctness)
        let density = map.exampleCount > options.densityThreshold
        var root: [(String, Any)] = [("data-n", map.exampleCount), ("data-mode", density ? "density" : "points"),
                                     ("data-x-max", frame.xMax), ("data-y-max", 1.0)]
        if density {
            let bins = drawDensity(&svg, map, frame, bins: options.bins)
            root.append(("data-bins", bins))
        } else {
            svg.open("g", [("class", "points")])
            for i in 0..<map.exampleCount {
                let t = categories.values[categories.category[i]]
                svg.element("circle", [("class", "point"), ("cx", frame.x(map.variability[i])), ("cy", frame.y(map.confidence[i])),
                                       ("r", 2.2), ("fill", PlotColor.correctness(t)), ("fill-opacity", 0.8),
                                       ("data-category", categories.labels[categories.category[i]])])
            }
            svg.close("g")
            root.append(("data-points", map.exampleCount))
        }
        drawRegions(&svg, frame)
        drawLegend(&svg, frame, labels: categories.labels, values: categories.values, density: density)
        if !options.title.isEmpty {
            svg.text(options.title, [("class", "title"), ("x", frame.left + frame.plotWidth / 2), ("y", 30.0),
                                     ("text-anchor", "middle"), ("font-size", 18)])
        }
        return svg.render(rootAttributes: root)
    }

    /// The x-axis maximum: the largest variability rounded up to a multiple of 0.05 (at least 0.05).
    static func axisMaximum(_ largest: Double) -> Double {
        max(0.05, (largest * 20 - 1e-9).rounded(.up) / 20)
    }

    static func drawAxes(_ svg: inout SVGBuilder, _ f: Frame) {
        svg.open("g", [("class", "axes")])
        let step = f.xMax > 0.3 ? 0.1 : 0.05
        var ticks: [Double] = []
        var v = 0.0
        while v <= f.xMax + 1e-9 { ticks.append(v); v += step }
        for t in ticks {
            svg.line(x1: f.x(t), y1: f.top, x2: f.x(t), y2: f.top + f.plotHeight, stroke: "#e4e4e4")
            svg.text(SVGBuilder.number(t), [("class", "tick-x"), ("x", f.x(t)), ("y", f.top + f.plotHeight + 18),
                                            ("text-anchor", "middle"), ("font-size", 12)])
        }
        for k in 0...5 {
            let c = Double(k) / 5
            svg.line(x1: f.left, y1: f.y(c), x2: f.left + f.plotWidth, y2: f.y(c), stroke: "#e4e4e4")
            svg.text(SVGBuilder.number(c), [("class", "tick-y"), ("x", f.left - 8), ("y", f.y(c) + 4),
                                            ("text-anchor", "end"), ("font-size", 12)])
        }
        svg.element("rect", [("class", "frame"), ("x", f.left), ("y", f.top), ("width", f.plotWidth), ("height", f.plotHeight),
                             ("fill", "none"), ("stroke", "#555555")])
        svg.text("variability", [("class", "axis-x"), ("x", f.left + f.plotWidth / 2), ("y", f.top + f.plotHeight + 42),
                                 ("text-anchor", "middle"), ("font-size", 15)])
        svg.text("confidence", [("class", "axis-y"), ("x", 20.0), ("y", f.top + f.plotHeight / 2), ("text-anchor", "middle"),
                                ("font-size", 15), ("transform", "rotate(-90 20 \(SVGBuilder.number(f.top + f.plotHeight / 2)))")])
        svg.close("g")
    }

    /// Draws the non-empty bins; returns their number. Every example falls in exactly one bin (values on the
    /// upper edges go to the last bin).
    static func drawDensity(_ svg: inout SVGBuilder, _ map: DataMap, _ f: Frame, bins: Int) -> Int {
        let maximum = map.correctness.max() ?? 0
        var count = [Int](repeating: 0, count: bins * bins)
        var fraction = [Double](repeating: 0, count: bins * bins)
        for i in 0..<map.exampleCount {
            let bx = min(bins - 1, max(0, Int(map.variability[i] / f.xMax * Double(bins))))
            let by = min(bins - 1, max(0, Int(map.confidence[i] * Double(bins))))
            count[by * bins + bx] += 1
            fraction[by * bins + bx] += maximum > 0 ? Double(map.correctness[i]) / Double(maximum) : 0
        }
        let largest = Double(count.max() ?? 1)
        let cellWidth = f.plotWidth / Double(bins), cellHeight = f.plotHeight / Double(bins)
        svg.open("g", [("class", "density"), ("shape-rendering", "crispEdges")])
        var drawn = 0
        for by in 0..<bins {
            for bx in 0..<bins where count[by * bins + bx] > 0 {
                let k = by * bins + bx
                let opacity = 0.15 + 0.85 * log1p(Double(count[k])) / log1p(largest)
                svg.element("rect", [("class", "bin"), ("x", f.left + Double(bx) * cellWidth),
                                     ("y", f.top + f.plotHeight - Double(by + 1) * cellHeight),
                                     ("width", cellWidth), ("height", cellHeight),
                                     ("fill", PlotColor.correctness(fraction[k] / Double(count[k]))),
                                     ("fill-opacity", opacity), ("data-count", count[k])])
                drawn += 1
            }
        }
        svg.close("g")
        return drawn
    }

    static func drawRegions(_ svg: inout SVGBuilder, _ f: Frame) {
        let regions: [(String, Double, Double, String)] = [
            ("ambiguous", 0.9, 0.5, "#000000"), ("easy-to-learn", 0.27, 0.85, "#d62728"), ("hard-to-learn", 0.35, 0.25, "#1f4e9c"),
        ]
        for (label, ax, ay, edge) in regions {
            let cx = f.left + ax * f.plotWidth, cy = f.top + (1 - ay) * f.plotHeight
            let w = 9.0 * Double(label.count) + 18, h = 26.0
            svg.open("g", [("class", "region"), ("data-label", label),
                           ("transform", "rotate(10 \(SVGBuilder.number(cx)) \(SVGBuilder.number(cy)))")])
            svg.element("rect", [("x", cx - w / 2), ("y", cy - h / 2), ("width", w), ("height", h), ("rx", 7.0),
                                 ("fill", "#ffffff"), ("stroke", edge), ("stroke-width", 2.0)])
            svg.text(label, [("x", cx), ("y", cy + 5), ("text-anchor", "middle"), ("font-size", 15)])
            svg.close("g")
        }
    }

    /// The legend: every category with its exact value (at most 12; beyond that, and for the density rendering,
    /// the colour scale at 0, 0.1, …, 1 — colours are a function of the value, so the scale reads every point).
    static func drawLegend(_ svg: inout SVGBuilder, _ f: Frame, labels: [String], values: [Double], density: Bool) {
        let x = f.left + f.plotWidth + 24
        var y = f.top + 10
        svg.open("g", [("class", "legend")])
        let scale = density || labels.count > 12
        svg.text(density ? "correct. (bin mean)" : "correct.", [("x", x), ("y", y), ("font-size", 13)])
        let entries: [(String, Double)] = scale ? (0...10).map { (SVGBuilder.number(Double($0) / 10), Double($0) / 10) }
            : Array(zip(labels, values))
        for (label, t) in entries {
            y += scale ? 18 : 22
            svg.element("circle", [("cx", x + 6), ("cy", y - 4), ("r", 5.0), ("fill", PlotColor.correctness(t))])
            svg.text(label, [("class", scale ? "legend-scale" : "legend-label"), ("x", x + 18), ("y", y), ("font-size", 12)])
        }
        if density {
            svg.text("opacity: log count", [("x", x), ("y", y + 26), ("font-size", 11)])
        }
        svg.close("g")
    }
}
