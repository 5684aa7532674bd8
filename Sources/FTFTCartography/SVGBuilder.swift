import Foundation

/// A minimal SVG writer: elements appended in order, attributes in the order given, numbers printed with a fixed
/// number of decimals. The output is a pure function of the calls, so plots are byte-for-byte deterministic.
struct SVGBuilder {
    let width: Double
    let height: Double
    private(set) var body: [String] = []

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// A number with two decimals, trailing zeros dropped ("12.5", "3", "-0.25").
    static func number(_ value: Double) -> String {
        var text = String(format: "%.2f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(ch)
            }
        }
        return out
    }

    /// `name="value"` pairs; numbers are formatted with `number`.
    static func attributes(_ pairs: [(String, Any)]) -> String {
        pairs.map { key, value in
            let text: String
            switch value {
            case let d as Double: text = number(d)
            case let i as Int: text = String(i)
            default: text = escape("\(value)")
            }
            return " \(key)=\"\(text)\""
        }.joined()
    }

    mutating func element(_ name: String, _ pairs: [(String, Any)]) {
        body.append("<\(name)\(Self.attributes(pairs))/>")
    }

    mutating func open(_ name: String, _ pairs: [(String, Any)] = []) {
        body.append("<\(name)\(Self.attributes(pairs))>")
    }

    mutating func close(_ name: String) {
        body.append("</\(name)>")
    }

    mutating func text(_ content: String, _ pairs: [(String, Any)]) {
        body.append("<text\(Self.attributes(pairs))>\(Self.escape(content))</text>")
    }

    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double = 1,
                       extra: [(String, Any)] = []) {
        element("line", [("x1", x1), ("y1", y1), ("x2", x2), ("y2", y2), ("stroke", stroke), ("stroke-width", width)] + extra)
    }

    /// The document, with `rootAttributes` (e.g. data-* summaries for tests) on the <svg> element.
    func render(rootAttributes: [(String, Any)] = []) -> String {
        let root = [("xmlns", "http://www.w3.org/2000/svg" as Any), ("width", width), ("height", height),
                    ("viewBox", "0 0 \(Self.number(width)) \(Self.number(height))"),
                    ("font-family", "Georgia, serif")] + rootAttributes
        return "<svg\(Self.attributes(root))>\n" + body.joined(separator: "\n") + "\n</svg>\n"
    }
}

/// Colours as "#rrggbb".
enum PlotColor {
    static func hex(_ r: Double, _ g: Double, _ b: Double) -> String {
        func byte(_ v: Double) -> Int { Int((max(0, min(1, v)) * 255).rounded()) }
        return String(format: "#%02x%02x%02x", byte(r), byte(g), byte(b))
    }

    /// A diverging blue → dark → red scale for t in [0, 1], after seaborn's
    /// `diverging_palette(260, 15, sep=10, center="dark")` that cartography uses for correctness (blue for
    /// rarely correct, red for always correct). An RGB approximation of seaborn's HUSL palette.
    static func diverging(_ t: Double) -> String {
        let blue = (0.25, 0.45, 0.80), dark = (0.16, 0.16, 0.18), red = (0.85, 0.26, 0.22)
        let u = max(0, min(1, t))
        let (a, b, s) = u < 0.5 ? (blue, dark, u / 0.5) : (dark, red, (u - 0.5) / 0.5)
        return hex(a.0 + (b.0 - a.0) * s, a.1 + (b.1 - a.1) * s, a.2 + (b.2 - a.2) * s)
    }

    /// Correctness (fraction of epochs correct, t in [0, 1]) on matplotlib's viridis, a perceptually uniform,
    /// colour-blind-safe sequential scale, from dark purple (never correct) to green-yellow (always correct). Only
    /// its first 90 % is used: viridis' last yellows nearly vanish on a white page. Linear between viridis' values at
    /// 0, 1/8, …, 1 (matplotlib's `_viridis_data`, the points of the published colour map).
    static func correctness(_ t: Double) -> String {
        let anchors: [(Double, Double, Double)] = [
            (0x44, 0x01, 0x54), (0x47, 0x2d, 0x7b), (0x3b, 0x52, 0x8b), (0x2c, 0x72, 0x8e), (0x21, 0x91, 0x8c),
            (0x28, 0xae, 0x80), (0x5e, 0xc9, 0x62), (0xad, 0xdc, 0x30), (0xfd, 0xe7, 0x25),
        ]
        let u = 0.9 * max(0, min(1, t)) * Double(anchors.count - 1)
        let k = min(anchors.count - 2, Int(u)), s = u - Double(k)
        let (a, b) = (anchors[k], anchors[k + 1])
        return hex((a.0 + (b.0 - a.0) * s) / 255, (a.1 + (b.1 - a.1) * s) / 255, (a.2 + (b.2 - a.2) * s) / 255)
    }

    /// A sequential white → dark blue scale for t in [0, 1] (overlap matrices).
    static func sequential(_ t: Double) -> String {
        let u = max(0, min(1, t))
        return hex(1 - 0.85 * u, 1 - 0.65 * u, 1 - 0.35 * u)
    }

    /// Distinct line colours for curve plots.
    static let series = ["#c0392b", "#2c5aa0", "#27864a", "#8e44ad", "#d68910", "#17a2b8"]
}
